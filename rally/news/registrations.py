"""Registrations for events: seats, the waiting list, reminders and attendance.

Every change of an event's seats runs under a lock of the event's row
(``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite a writing request holds the database's
write lock from ``BEGIN IMMEDIATE``, see :mod:`rally.database`), so two residents racing
for the last seat are served one after the other: one registered, the other waitlisted.
Functions here change state and ``flush()``; the request commits once. E-mails are written
here (in each recipient's language, while the data is read) and sent by the caller after
the commit, never while the lock is held.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from itsdangerous import BadSignature
from sqlalchemy import func, select, update

from rally.campaigns.models import Checkpoint
from rally.cards.models import Stamp
from rally.cards.reading import open_card
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _, _l, format_when, recipient_language
from rally.jobs import deliver_mails
from rally.mail import Mail
from rally.residents.models import Resident
from rally.stamping.operations import StampError, check_checkpoint_open, grant_stamp
from rally.utils import signer
from rally.visitors.operations import card_of

from .models import Event, EventRegistration, RegistrationStatus
from .signals import seat_promoted

ATTENDANCE_SALT = "rally.event-attendance.v1"
STEP_SECONDS = 30
EPOCH = datetime(1970, 1, 1)
MAX_TOKEN_LENGTH = 200
# The venue's code is accepted from an hour before the event starts until it ends.
DOORS_OPEN = timedelta(hours=1)
REMIND_AHEAD = timedelta(days=1)


class RegistrationError(RallyError):
    """A registration, cancellation or attendance refused; ``code`` says why."""

    status = 409


# Seats ---------------------------------------------------------------------------------


def _locked(event: Event) -> Event:
    """``event`` read again under a lock of its row (see the module's docstring)."""
    return db.session.scalars(
        select(Event)
        .where(Event.id == event.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def registration_of(event: Event, visitor_id: int | None) -> EventRegistration | None:
    """``visitor_id``'s registration for ``event`` (cancelled ones included), if any."""
    if visitor_id is None:
        return None
    return db.session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id, EventRegistration.visitor_id == visitor_id
        )
    )


def counts(event: Event) -> dict[RegistrationStatus, int]:
    """How many registrations of each status ``event`` has."""
    rows = db.session.execute(
        select(EventRegistration.status, func.count())
        .where(EventRegistration.event_id == event.id)
        .group_by(EventRegistration.status)
    )
    found = dict.fromkeys(RegistrationStatus, 0)
    found.update({status: number for status, number in rows})
    return found


def _registered(event: Event) -> int:
    return db.session.scalar(
        select(func.count()).where(
            EventRegistration.event_id == event.id,
            EventRegistration.status == RegistrationStatus.registered,
        )
    )


@dataclass(frozen=True)
class Seats:
    """What an event's page says about its seats."""

    open_seats: int | None  # None: no limit
    registered: int
    waiting: int

    @property
    def left(self) -> int | None:
        return None if self.open_seats is None else max(0, self.open_seats - self.registered)


def seats(event: Event) -> Seats:
    found = counts(event)
    return Seats(
        event.open_seats,
        found[RegistrationStatus.registered],
        found[RegistrationStatus.waitlisted],
    )


def registration_open(event: Event, now: datetime) -> bool:
    return event.takes_registrations and now < event.closes_at()


def register(event: Event, visitor, now: datetime) -> EventRegistration:
    """Give ``visitor`` a seat at ``event``, or a place at the end of its waiting list when
    every open seat is taken. Registering again while registered or waiting changes nothing.

    :param visitor: the logged-in resident (a visitor account).
    :raise RegistrationError: ``no_registration`` (the event takes none),
        ``registration_closed`` (past its closing time).
    """
    event = _locked(event)
    if not event.takes_registrations:
        raise RegistrationError(
            _l("This event takes no registrations."), code="no_registration", status=404
        )
    if now >= event.closes_at():
        raise RegistrationError(
            _l("Registration for this event has closed."), code="registration_closed"
        )
    registration = registration_of(event, visitor.id)
    if registration is not None and registration.status is not RegistrationStatus.cancelled:
        return registration
    free = event.open_seats is None or _registered(event) < event.open_seats
    status = RegistrationStatus.registered if free else RegistrationStatus.waitlisted
    if registration is None:
        registration = EventRegistration(event_id=event.id, visitor_id=visitor.id, created_at=now)
        db.session.add(registration)
    registration.status = status
    registration.queued_at = now
    registration.cancelled_at = registration.promoted_at = registration.reminded_at = None
    db.session.flush()
    return registration


def cancel(event: Event, visitor, now: datetime) -> list[EventRegistration]:
    """Cancel ``visitor``'s registration (or place on the waiting list); a freed seat goes
    to the first waiting resident (:func:`fill_seats`).

    :return: the registrations promoted (tell them with :func:`promotion_mails`).
    :raise RegistrationError: ``not_registered``, ``event_started`` (too late to cancel).
    """
    event = _locked(event)
    registration = registration_of(event, visitor.id)
    if registration is None or registration.status is RegistrationStatus.cancelled:
        raise RegistrationError(_l("You are not registered for this event."), code="not_registered")
    if now >= event.starts_at:
        raise RegistrationError(
            _l("The event has started: the registration can no longer be cancelled."),
            code="event_started",
        )
    had_seat = registration.status is RegistrationStatus.registered
    registration.status = RegistrationStatus.cancelled
    registration.cancelled_at = now
    db.session.flush()
    return fill_seats(event, now) if had_seat else []


def fill_seats(event: Event, now: datetime) -> list[EventRegistration]:
    """Move waiting residents up, first come first served, while open seats are free (after
    a cancellation, or the association adding seats); until the event starts. Sends
    :data:`~rally.news.signals.seat_promoted` once per promotion.

    The caller holds the event's lock (:func:`cancel`), or this takes it.

    :return: the registrations promoted.
    """
    event = _locked(event)
    if now >= event.starts_at or not event.takes_registrations:
        return []
    query = (
        select(EventRegistration)
        .where(
            EventRegistration.event_id == event.id,
            EventRegistration.status == RegistrationStatus.waitlisted,
        )
        .order_by(EventRegistration.queued_at, EventRegistration.id)
    )
    if event.open_seats is not None:
        free = event.open_seats - _registered(event)
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for registration in promoted:
        registration.status = RegistrationStatus.registered
        registration.promoted_at = now
    db.session.flush()
    for registration in promoted:
        seat_promoted.send(registration)
    return promoted


def waiting_position(registration: EventRegistration) -> int | None:
    """1 for the first on the waiting list; ``None`` if not waiting."""
    if registration.status is not RegistrationStatus.waitlisted:
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            EventRegistration.event_id == registration.event_id,
            EventRegistration.status == RegistrationStatus.waitlisted,
            (EventRegistration.queued_at < registration.queued_at)
            | (
                (EventRegistration.queued_at == registration.queued_at)
                & (EventRegistration.id < registration.id)
            ),
        )
    )
    return ahead + 1


def online_link_for(event: Event, registration: EventRegistration | None) -> str | None:
    """The event's online link, for a resident registered for it; ``None`` for anyone else."""
    if not event.is_online or not event.online_url:
        return None
    if registration is None or registration.status is not RegistrationStatus.registered:
        return None
    return event.online_url


def display_names(rows: list[EventRegistration]) -> dict[int, str]:
    """The display names of the registered residents (one query): what an event helper
    sees instead of their e-mail addresses."""
    ids = {row.visitor_id for row in rows}
    if not ids:
        return {}
    found = db.session.execute(
        select(Resident.visitor_id, Resident.display_name).where(Resident.visitor_id.in_(ids))
    )
    return {visitor_id: name for visitor_id, name in found if name}


def registrations_of(event: Event) -> list[EventRegistration]:
    """Every registration of ``event``: seats, then the waiting list in order, then the
    cancelled ones."""
    order = {
        RegistrationStatus.registered: 0,
        RegistrationStatus.waitlisted: 1,
        RegistrationStatus.cancelled: 2,
    }
    found = db.session.scalars(
        select(EventRegistration)
        .where(EventRegistration.event_id == event.id)
        .order_by(EventRegistration.queued_at, EventRegistration.id)
    )
    return sorted(found, key=lambda registration: order[registration.status])


# E-mails -------------------------------------------------------------------------------


def _event_url(event: Event) -> str:
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    return base + url_for("news.event", event_id=event.id)


def tell_promoted(promoted: list[EventRegistration]) -> int:
    """Queue each promoted resident's e-mail (:func:`promotion_mails`), sent by the job
    queue once the request commits, once per promotion. How many were queued."""
    return deliver_mails(
        (
            mail,
            f"event-seat:{registration.id}:{registration.promoted_at:%Y%m%dT%H%M%S%f}",
            registration.visitor_id,
        )
        for mail, registration in zip(promotion_mails(promoted), promoted, strict=True)
    )


def promotion_mails(promoted: list[EventRegistration]) -> list[Mail]:
    """One e-mail per promoted resident, in their language."""
    mails = []
    for registration in promoted:
        visitor, event = registration.visitor, registration.event
        lang = recipient_language(visitor.locale)
        with force_locale(lang):
            body = _(
                "A seat became free and it is yours: you are now registered for "
                "“%(title)s” (%(when)s).\n\nDetails: %(url)s\n\n"
                "If you cannot come after all, please cancel on that page so that the next "
                "person can take the seat.",
                title=event.tr("title", lang),
                when=format_when(event.starts_at),
                url=_event_url(event),
            )
            link = online_link_for(event, registration)
            if link:
                body += "\n\n" + _("Online link: %(link)s", link=link)
            subject = _("You have a seat: %(title)s", title=event.tr("title", lang))
        mails.append(Mail(visitor.email, subject, body))
    return mails


def due_reminders(now: datetime) -> list[int]:
    """Registrations whose event starts within a day and whose reminder is not sent yet."""
    return list(
        db.session.scalars(
            select(EventRegistration.id)
            .join(Event, Event.id == EventRegistration.event_id)
            .where(
                EventRegistration.status == RegistrationStatus.registered,
                EventRegistration.reminded_at.is_(None),
                Event.starts_at > now,
                Event.starts_at <= now + REMIND_AHEAD,
                Event.visible_clause(now),
            )
            .order_by(EventRegistration.id)
        )
    )


def claim_reminder(registration_id: int, now: datetime) -> EventRegistration | None:
    """Mark one reminder sent, once: the statement that sets ``reminded_at`` decides, so two
    runs at once (or one run twice) remind once. ``None`` if it was taken already."""
    taken = db.session.execute(
        update(EventRegistration)
        .where(
            EventRegistration.id == registration_id,
            EventRegistration.reminded_at.is_(None),
            EventRegistration.status == RegistrationStatus.registered,
        )
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        return None
    return db.session.get(EventRegistration, registration_id)


def reminder_mail(registration: EventRegistration) -> Mail:
    """The reminder a day before, in the resident's language (with the online link)."""
    visitor, event = registration.visitor, registration.event
    lang = recipient_language(visitor.locale)
    with force_locale(lang):
        subject = _("Reminder: %(title)s", title=event.tr("title", lang))
        body = _(
            "You are registered for “%(title)s”, which starts %(when)s.\n\nDetails: %(url)s\n\n"
            "If you cannot come, please cancel on that page so that the next person can "
            "take the seat.",
            title=event.tr("title", lang),
            when=format_when(event.starts_at),
            url=_event_url(event),
        )
        place = event.tr("place", lang)
        if event.is_in_person and place:
            body += "\n\n" + _("Place: %(place)s", place=place)
        link = online_link_for(event, registration)
        if link:
            body += "\n\n" + _("Online link: %(link)s", link=link)
    return Mail(visitor.email, subject, body)


def send_reminders(now: datetime) -> int:
    """Claim every due reminder (:func:`claim_reminder`) and queue its e-mail, sent by the
    job queue once the caller commits. How many were queued."""
    pairs = []
    for registration_id in due_reminders(now):
        registration = claim_reminder(registration_id, now)
        if registration is not None:
            key = f"event-reminder:{registration.id}:{registration.event.starts_at:%Y%m%dT%H%M}"
            pairs.append((reminder_mail(registration), key, registration.visitor_id))
    return deliver_mails(pairs)


# Attendance ----------------------------------------------------------------------------


class InvalidAttendanceToken(Exception):
    """Not a token this app signed for an event's attendance."""


@dataclass(frozen=True)
class AttendanceToken:
    event_id: int
    key: int
    step: int


def time_step(now: datetime) -> int:
    return int((now - EPOCH).total_seconds() // STEP_SECONDS)


def seconds_left_in_step(now: datetime) -> float:
    return STEP_SECONDS - ((now - EPOCH).total_seconds() % STEP_SECONDS)


def attendance_token(event: Event, step: int) -> str:
    """The token the venue's screen shows during ``step``: ``[event, key, step]`` signed."""
    return signer(ATTENDANCE_SALT).dumps([event.id, event.attendance_key, step])


def attendance_url(event: Event, step: int) -> str:
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    return base + url_for("news.attend", token=attendance_token(event, step))


def read_attendance_token(token: str) -> AttendanceToken:
    """:raise InvalidAttendanceToken: bad signature, wrong shape, absurd length."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidAttendanceToken(token)
    try:
        data = signer(ATTENDANCE_SALT).loads(token)
    except BadSignature as exc:
        raise InvalidAttendanceToken(token) from exc
    if (
        not isinstance(data, list)
        or len(data) != 3
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in data)
    ):
        raise InvalidAttendanceToken(token)
    return AttendanceToken(*data)


def check_attendance_token(token: str, now: datetime) -> Event:
    """The event a venue code is for, if it is genuine and current.

    :raise RegistrationError: ``invalid_token`` (forged, another event's key, revoked),
        ``expired_token`` (older than the previous 30-second step: a photo passed on, a
        replay), ``not_during_event``.
    """
    invalid = RegistrationError(_l("This code is not valid."), code="invalid_token", status=404)
    try:
        data = read_attendance_token(token)
    except InvalidAttendanceToken:
        raise invalid from None
    event = db.session.get(Event, data.event_id)
    if event is None or data.key != event.attendance_key or not event.is_visible(now):
        raise invalid
    if data.step not in (time_step(now), time_step(now) - 1):
        raise RegistrationError(
            _l("This code has expired. Please scan the code shown at the venue now."),
            code="expired_token",
        )
    if not event.starts_at - DOORS_OPEN <= now <= event.ends_at:
        raise RegistrationError(
            _l("Attendance is recorded during the event only."), code="not_during_event"
        )
    return event


@dataclass(frozen=True)
class Attendance:
    registration: EventRegistration
    stamp: Stamp | None  # the campaign's stamp attending gave, if the event is a checkpoint


def _event_stamp(event: Event, visitor, now: datetime) -> Stamp | None:
    """The stamp of the event's checkpoint on the resident's card (a card is opened for an
    account without one). A stamp the campaign refuses (not running, too soon after another)
    leaves the attendance recorded: the refusal is rolled back to a savepoint."""
    if event.checkpoint_id is None:
        return None
    checkpoint = db.session.get(Checkpoint, event.checkpoint_id)
    card = card_of(visitor)
    if card is None:
        card = open_card(None, visitor.locale)
        card.visitor_id = visitor.id
    try:
        with db.session.begin_nested():
            check_checkpoint_open(checkpoint, now)
            return grant_stamp(card, checkpoint, now)
    except StampError as refusal:
        return refusal.stamp if refusal.is_repeat else None


def attend(token: str, visitor, now: datetime) -> Attendance:
    """Record that ``visitor`` is at the event whose venue code ``token`` is, once.

    An event that takes registrations counts its registered residents only; at one that
    takes none, a resident who scans is counted as they come. An event that is a campaign's
    checkpoint also gives its stamp to the resident's card (:func:`_event_stamp`).

    :raise RegistrationError: those of :func:`check_attendance_token`, ``not_registered``,
        ``already_attended`` (the same resident scanning again: nothing changes).
    """
    event = _locked(check_attendance_token(token, now))
    registration = registration_of(event, visitor.id)
    if registration is None and not event.takes_registrations:
        registration = EventRegistration(
            event_id=event.id,
            visitor_id=visitor.id,
            status=RegistrationStatus.registered,
            created_at=now,
            queued_at=now,
        )
        db.session.add(registration)
        db.session.flush()
    if registration is None or registration.status is not RegistrationStatus.registered:
        raise RegistrationError(
            _l("Only residents registered for this event can record their attendance."),
            code="not_registered",
            status=403,
        )
    marked = db.session.execute(
        update(EventRegistration)
        .where(EventRegistration.id == registration.id, EventRegistration.attended_at.is_(None))
        .values(attended_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if marked != 1:
        raise RegistrationError(_l("Your attendance is already recorded."), code="already_attended")
    db.session.expire(registration, ["attended_at"])
    return Attendance(registration, _event_stamp(event, visitor, now))


def revoke_attendance_codes(event: Event) -> None:
    """Refuse every code shown so far (a photo of the screen went round)."""
    db.session.execute(
        update(Event)
        .where(Event.id == event.id)
        .values(attendance_key=Event.attendance_key + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(event, ["attendance_key"])
