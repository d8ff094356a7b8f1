"""Whether a place of daily life is open at a moment, in the district's time zone.

The rules, in order, for the district's local date and time:

1. a place with no weekly hours and no special dates has unknown hours (``None``);
2. a date marked closed is closed all day;
3. on a holiday duty date (休日当番) the place is open during its duty hours, whatever the
   day (a Sunday, a public holiday);
4. on a public holiday a place that closes on holidays is closed (outside its duty hours);
5. otherwise its weekly ranges decide, as a store's hours do (:func:`rally.stores.hours.is_open`:
   several ranges a day, a range past midnight, 00:00-00:00 all day).

Public holidays are Japan's (``jpholiday``) while ``RALLY_HOLIDAYS`` is ``"jp"`` (the default),
plus the dates listed in ``RALLY_EXTRA_HOLIDAYS`` (ISO dates, e.g. the year-end break).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import jpholiday
from flask import current_app

from rally.stores.hours import is_open

from .models import LifePlace, SpecialKind


def district_time(now: datetime) -> datetime:
    """``now`` (naive UTC) as a naive time in the district's zone (``RALLY_TIMEZONE``)."""
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    return now.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def is_public_holiday(day: date) -> bool:
    """Whether ``day`` is a public holiday of the district (see the module's docstring)."""
    if day.isoformat() in current_app.config.get("RALLY_EXTRA_HOLIDAYS", ()):
        return True
    return current_app.config.get("RALLY_HOLIDAYS", "jp") == "jp" and jpholiday.is_holiday(day)


@dataclass(frozen=True)
class _Range:
    """A duty range shaped as a weekly one, for :func:`rally.stores.hours.is_open`."""

    weekday: int
    opens: time
    closes: time


def open_at(place: LifePlace, local: datetime) -> bool | None:
    """Whether ``place`` is open at ``local`` (naive, district time); ``None``: hours unknown."""
    if not place.hours and not place.special_dates:
        return None
    today = [row for row in place.special_dates if row.on == local.date()]
    if any(row.kind is SpecialKind.closed for row in today):
        return False
    duty = [
        _Range(row.on.weekday(), row.opens, row.closes)
        for row in today
        if row.kind is SpecialKind.duty and row.opens is not None and row.closes is not None
    ]
    if duty and is_open(duty, local):
        return True
    if place.closed_on_holidays and is_public_holiday(local.date()):
        return False
    return bool(is_open(place.hours, local))


def duty_dates(place: LifePlace, local: datetime) -> list:
    """The place's holiday duty rows from ``local``'s date on, in order."""
    return [
        row
        for row in place.special_dates
        if row.kind is SpecialKind.duty and row.on >= local.date()
    ]
