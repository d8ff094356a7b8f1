"""Structured weekly opening hours of a store, for the "open now" indicator.

The free text ``Store.hours`` (in every language) stays what visitors read; these rows let the
directory tell whether a shop is open at this moment in the district's time zone.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import ForeignKey, delete
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l


class StoreHours(db.Model):
    """One opening interval on one weekday (0 = Monday). ``closes <= opens`` runs past midnight."""

    __tablename__ = "store_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    opens: Mapped[time]
    closes: Mapped[time]

    store = relationship("Store")

    def __repr__(self) -> str:
        return f"<StoreHours store={self.store_id} {self.weekday} {self.opens}-{self.closes}>"


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime


def _intervals(hours: list[StoreHours], day: datetime) -> list[Interval]:
    """Opening intervals that start on ``day``'s date (local, naive)."""
    midnight = day.replace(hour=0, minute=0, second=0, microsecond=0)
    result = []
    for row in hours:
        if row.weekday != midnight.weekday():
            continue
        start = datetime.combine(midnight.date(), row.opens)
        end = datetime.combine(midnight.date(), row.closes)
        if end <= start:
            end += timedelta(days=1)
        result.append(Interval(start, end))
    return result


def is_open(hours: list[StoreHours], local_now: datetime) -> bool | None:
    """Whether a store with ``hours`` is open at ``local_now`` (naive, district time).

    :return: ``None`` when the store has no structured hours (unknown, not "closed").
    """
    if not hours:
        return None
    local_now = local_now.replace(tzinfo=None)
    yesterday = local_now - timedelta(days=1)
    for interval in _intervals(hours, yesterday) + _intervals(hours, local_now):
        if interval.start <= local_now < interval.end:
            return True
    return False


class HoursError(RallyError):
    """Opening hours that cannot be saved; ``code`` says why."""


def set_weekly_hours(user, store, days: dict[int, tuple[time, time] | None]) -> None:
    """Replace ``store``'s structured hours: one interval (or ``None``: closed) per weekday.

    :param user: the merchant who owns the store, or an association administrator.
    :param days: ``{weekday: (opens, closes) or None}``, 0 = Monday; ``closes <= opens``
        means the shop closes after midnight.
    :raise HoursError: ``not_your_store`` (403), ``invalid_hours`` (opening equals closing).
    """
    if not user.is_admin and store.owner_id != user.id:
        raise HoursError(
            _l("You can only change the hours of your own store."),
            code="not_your_store",
            status=403,
        )
    for interval in days.values():
        if interval is not None and interval[0] == interval[1] and interval[0] != time(0):
            raise HoursError(
                _l("Opening and closing times must differ (00:00–00:00 means all day)."),
                code="invalid_hours",
            )
    db.session.execute(delete(StoreHours).where(StoreHours.store_id == store.id))
    for weekday, interval in sorted(days.items()):
        if interval is not None:
            db.session.add(
                StoreHours(
                    store_id=store.id, weekday=weekday, opens=interval[0], closes=interval[1]
                )
            )
    db.session.flush()
