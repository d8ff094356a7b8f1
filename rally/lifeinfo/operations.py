"""Business rules of the daily-life directory. Functions ``flush()``; the request commits once."""

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _, _l
from rally.i18n.content import clean_texts, sort_key_sql
from rally.spots.models import Spot
from rally.utils import distance_m, utcnow

from .models import (
    CorrectionState,
    CorrectionTopic,
    LifeCorrection,
    LifeHours,
    LifeKind,
    LifePlace,
    LifeSpecialDate,
    SpecialKind,
)
from .opening import district_time, open_at
from .signals import correction_answered

# Where distances are measured from when the reader chose nothing: the station.
DEFAULT_POINT = (35.7027, 139.5606)


class LifeError(RallyError):
    """A directory change that cannot be made; ``code`` says why."""


# The association's places -------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceInput:
    """Validated values of the place form; every field is written to the place."""

    kind: LifeKind
    area_id: int | None = None
    name: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    address: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    phone: str = ""
    url: str = ""
    departments: list[str] = field(default_factory=list)
    facilities: list[str] = field(default_factory=list)
    designated_shelter: bool = False
    evacuation_site: bool = False
    hazards: list[str] = field(default_factory=list)
    capacity: int | None = None
    closed_on_holidays: bool = True
    published: bool = True


def save_place(data: PlaceInput, place: LifePlace | None = None) -> LifePlace:
    """Create or update a place of daily life.

    :param data: the place's values (built by :meth:`rally.lifeinfo.forms.PlaceForm.to_input`).
    :param place: the place to update, or ``None`` to create one.
    :raise LifeError: ``name_required`` (no name in any language), ``coordinates_incomplete``
        (a latitude without a longitude, or the reverse).
    """
    if not clean_texts(data.name):
        raise LifeError(_l("Please enter a name in at least one language."), code="name_required")
    if (data.latitude is None) != (data.longitude is None):
        raise LifeError(
            _l("Please enter both the latitude and the longitude, or neither."),
            code="coordinates_incomplete",
        )
    place = place or LifePlace()
    for name in (each.name for each in fields(data)):
        value = getattr(data, name)
        if isinstance(value, dict):
            value = clean_texts(value)
        elif isinstance(value, list):
            value = sorted(set(value))
        setattr(place, name, value)
    db.session.add(place)
    db.session.flush()
    return place


def delete_place(place: LifePlace) -> None:
    """Delete a place with its hours, special dates and corrections."""
    db.session.delete(place)
    db.session.flush()


def set_hours(place: LifePlace, days: dict[int, list[tuple[time, time]]]) -> None:
    """Replace ``place``'s weekly hours.

    :param days: ``{weekday: [(opens, closes), ...]}``, 0 = Monday; a weekday left out or
        with no range is a day off; ``closes <= opens`` runs past midnight.
    :raise LifeError: ``invalid_hours`` (a range opening and closing at the same time, other
        than 00:00-00:00 for all day).
    """
    for ranges in days.values():
        for opens, closes in ranges:
            if opens == closes and opens != time(0):
                raise LifeError(
                    _l("Opening and closing times must differ (00:00–00:00 means all day)."),
                    code="invalid_hours",
                )
    place.hours.clear()
    db.session.flush()
    for weekday, ranges in sorted(days.items()):
        for opens, closes in sorted(ranges):
            place.hours.append(LifeHours(weekday=weekday, opens=opens, closes=closes))
    db.session.flush()


@dataclass(frozen=True)
class SpecialDateInput:
    on: date
    kind: SpecialKind
    opens: time | None = None
    closes: time | None = None


def add_special_date(place: LifePlace, data: SpecialDateInput) -> LifeSpecialDate:
    """Mark a date closed, or add a holiday duty range on it.

    :raise LifeError: ``duty_hours_required`` (a duty date without both times),
        ``invalid_hours`` (a duty range opening and closing at the same time).
    """
    opens, closes = data.opens, data.closes
    if data.kind is SpecialKind.duty:
        if opens is None or closes is None:
            raise LifeError(
                _l("Please enter the duty hours: when it opens and when it closes."),
                code="duty_hours_required",
            )
        if opens == closes and opens != time(0):
            raise LifeError(
                _l("Opening and closing times must differ (00:00–00:00 means all day)."),
                code="invalid_hours",
            )
    else:
        opens = closes = None
    row = LifeSpecialDate(on=data.on, kind=data.kind, opens=opens, closes=closes)
    place.special_dates.append(row)
    db.session.flush()
    return row


def delete_special_date(place: LifePlace, special_id: int) -> None:
    """Remove one of ``place``'s special dates.

    :raise LifeError: ``not_found`` (404: no such date on this place).
    """
    row = db.session.get(LifeSpecialDate, special_id)
    if row is None or row.place_id != place.id:
        raise LifeError(_l("This date is not listed."), code="not_found", status=404)
    place.special_dates.remove(row)
    db.session.flush()


def places_for_admin() -> list[LifePlace]:
    """Every place, hidden ones too, by kind then name."""
    return list(
        db.session.scalars(
            select(LifePlace).order_by(LifePlace.kind, sort_key_sql(LifePlace.name), LifePlace.id)
        )
    )


# The public directory -----------------------------------------------------------------------


@dataclass(frozen=True)
class Landmark:
    """A point a reader without geolocation measures distances from."""

    key: str
    name: str
    point: tuple[float, float]


def landmarks() -> list[Landmark]:
    """The station, then the published tourist spots that have coordinates."""
    station = current_app.config.get("RALLY_MAP_CENTER", DEFAULT_POINT)
    result = [Landmark("station", _("The station"), tuple(station))]
    spots = db.session.scalars(
        select(Spot)
        .where(Spot.published.is_(True), Spot.latitude.is_not(None), Spot.longitude.is_not(None))
        .order_by(sort_key_sql(Spot.name))
    )
    result += [Landmark(f"spot-{s.id}", s.tr("name"), (s.latitude, s.longitude)) for s in spots]
    return result


@dataclass(frozen=True)
class DirectoryQuery:
    """What the reader asked the list for; ``point`` is where distances are measured from."""

    point: tuple[float, float]
    kind: LifeKind | None = None
    open_now: bool = False
    department: str | None = None
    facility: str | None = None


@dataclass(frozen=True)
class Listed:
    """One place of the list, with what the page prints about it."""

    place: LifePlace
    open_now: bool | None
    distance_m: float | None


def directory(query: DirectoryQuery, now: datetime) -> list[Listed]:
    """The published places matching ``query``, nearest first (places without coordinates
    last, by name).

    :param now: naive UTC; "open now" is decided in the district's time zone.
    """
    local = district_time(now)
    statement = (
        select(LifePlace)
        .where(LifePlace.published.is_(True))
        .options(selectinload(LifePlace.hours), selectinload(LifePlace.special_dates))
        .order_by(sort_key_sql(LifePlace.name), LifePlace.id)
    )
    if query.kind is not None:
        statement = statement.where(LifePlace.kind == query.kind)
    listed = []
    for place in db.session.scalars(statement):
        if query.department and query.department not in place.departments:
            continue
        if query.facility and query.facility not in place.facilities:
            continue
        is_open = open_at(place, local)
        if query.open_now and not is_open:
            continue
        distance = None
        if place.latitude is not None and place.longitude is not None:
            distance = distance_m(query.point, (place.latitude, place.longitude))
        listed.append(Listed(place, is_open, distance))
    # A stable sort keeps the name order among equal distances and at the end.
    listed.sort(key=lambda row: (row.distance_m is None, row.distance_m or 0))
    return listed


def public_place(place_id: int) -> LifePlace | None:
    place = db.session.get(LifePlace, place_id)
    return place if place is not None and place.published else None


def mapped_places() -> list[LifePlace]:
    """The published places with coordinates, for the district map."""
    return list(
        db.session.scalars(
            select(LifePlace)
            .where(
                LifePlace.published.is_(True),
                LifePlace.latitude.is_not(None),
                LifePlace.longitude.is_not(None),
            )
            .order_by(LifePlace.kind, sort_key_sql(LifePlace.name))
        )
    )


# Residents' corrections ---------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectionInput:
    topic: CorrectionTopic
    text: str


def suggest_correction(visitor, place: LifePlace, data: CorrectionInput) -> LifeCorrection:
    """Record a resident's suggestion about a published place.

    :param visitor: the logged-in resident (a :class:`rally.visitors.models.Visitor`).
    :raise LifeError: ``not_found`` (404: the place is hidden), ``text_required`` (nothing
        said about what is wrong).
    """
    if not place.published:
        raise LifeError(_l("This place is not listed."), code="not_found", status=404)
    text = data.text.strip()
    if not text:
        raise LifeError(_l("Please tell us what is wrong."), code="text_required")
    correction = LifeCorrection(
        place_id=place.id, visitor_id=visitor.id, topic=data.topic, text=text
    )
    db.session.add(correction)
    db.session.flush()
    return correction


def corrections_of(visitor, place: LifePlace | None = None) -> list[LifeCorrection]:
    """A resident's own suggestions, newest first (about ``place`` only, when given)."""
    statement = select(LifeCorrection).where(LifeCorrection.visitor_id == visitor.id)
    if place is not None:
        statement = statement.where(LifeCorrection.place_id == place.id)
    return list(
        db.session.scalars(
            statement.order_by(LifeCorrection.created_at.desc(), LifeCorrection.id.desc())
        )
    )


def correction_queue(state: CorrectionState | None = CorrectionState.pending) -> list:
    """Corrections for the association, oldest first (every state when ``state`` is None)."""
    statement = select(LifeCorrection).options(selectinload(LifeCorrection.place))
    if state is not None:
        statement = statement.where(LifeCorrection.state == state)
    return list(
        db.session.scalars(statement.order_by(LifeCorrection.created_at, LifeCorrection.id))
    )


def answer_correction(
    user, correction: LifeCorrection, accept: bool, answer: str, now: datetime | None = None
) -> LifeCorrection:
    """Accept or decline a pending correction, once, and tell its resident.

    Accepting records that the association applied it (it edits the place itself first).
    Decided by ``UPDATE ... WHERE state = 'pending'``: of two answers at once, one wins.

    :param user: the back-office account answering; it must be an administrator.
    :raise LifeError: ``not_allowed`` (403: not an administrator), ``answer_required`` (a
        decline without a reason), ``already_answered`` (409).
    """
    if user is None or not getattr(user, "is_admin", False):
        raise LifeError(
            _l("Only the association can answer corrections."), code="not_allowed", status=403
        )
    answer = answer.strip()
    if not accept and not answer:
        raise LifeError(
            _l("Please tell the resident why the correction is declined."),
            code="answer_required",
        )
    state = CorrectionState.accepted if accept else CorrectionState.declined
    result = db.session.execute(
        update(LifeCorrection)
        .where(LifeCorrection.id == correction.id, LifeCorrection.state == CorrectionState.pending)
        .values(state=state, answer=answer, answered_by_id=user.id, answered_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LifeError(
            _l("This correction was already answered."), code="already_answered", status=409
        )
    db.session.refresh(correction)
    correction_answered.send(correction)
    return correction
