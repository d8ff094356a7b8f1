"""Volunteer staff: granting, changing and revoking roles, and who holds one today.

Whether a role gives its rights is decided at each request from its dates (inclusive, days
of the district's time zone) and ``revoked_at``: nothing has to run on the end date.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from flask import g
from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.orm import joinedload

from rally.auth.models import User
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.residents.models import Resident
from rally.residents.operations import district_today
from rally.utils import strip_control_characters, utcnow
from rally.visitors.models import Visitor
from rally.visitors.operations import find_by_email

from .models import BADGE_MAX, RoleAction, RoleKind, RoleLog, StaffRole


class RoleError(RallyError):
    """A grant, change or revocation that cannot go ahead; ``code`` says why."""


@dataclass(frozen=True)
class RoleInput:
    """A new role. ``who``: the resident's e-mail address or @handle. The scope:
    ``circle_id`` for a circle moderator; ``event_id`` or ``all_events`` for an event
    helper; none for Online Town Office staff."""

    who: str
    kind: RoleKind
    starts_on: date
    ends_on: date
    badge: str = ""
    circle_id: int | None = None
    event_id: int | None = None
    all_events: bool = False


def today() -> date:
    """The district's day now (``RALLY_TIMEZONE``)."""
    return district_today(utcnow())


# Who holds what -----------------------------------------------------------------------


def _active_clause(day: date):
    return and_(
        StaffRole.revoked_at.is_(None), StaffRole.starts_on <= day, StaffRole.ends_on >= day
    )


def active_roles(visitor_ids, day: date | None = None) -> dict[int, list[StaffRole]]:
    """The roles active on ``day`` (default: today) of each of ``visitor_ids``, in one
    query; residents without one are left out."""
    ids = {visitor_id for visitor_id in visitor_ids if visitor_id is not None}
    if not ids:
        return {}
    day = day or today()
    found: dict[int, list[StaffRole]] = defaultdict(list)
    query = (
        select(StaffRole)
        .where(StaffRole.visitor_id.in_(ids), _active_clause(day))
        .order_by(StaffRole.starts_on, StaffRole.id)
    )
    for role in db.session.scalars(query):
        found[role.visitor_id].append(role)
    return dict(found)


def holder_ids(
    kind: RoleKind, *, circle_id: int | None = None, day: date | None = None
) -> set[int]:
    """Who holds an active role of ``kind`` on ``day`` (default: the district's day now,
    first and last days included), in one query; for a circle moderator, of ``circle_id``."""
    query = select(StaffRole.visitor_id).where(
        StaffRole.kind == kind, _active_clause(day or today())
    )
    if kind is RoleKind.circle_moderator:
        query = query.where(StaffRole.circle_id == circle_id)
    return set(db.session.scalars(query.distinct()))


@dataclass(frozen=True)
class _Held:
    """What a role gives, kept for the request as plain values: the session's objects would
    be read again after each commit."""

    kind: RoleKind
    circle_id: int | None
    event_id: int | None
    all_events: bool


def _roles_today(visitor_id: int) -> list[_Held]:
    """Today's active roles of one resident, read once per request (``is_moderator`` asks
    many times a page); granting, changing or revoking forgets what was read."""
    cache = g.setdefault("rally_roles_today", {})
    day = today()
    key = (visitor_id, day)
    if key not in cache:
        roles = active_roles([visitor_id], day).get(visitor_id, [])
        cache[key] = [_Held(r.kind, r.circle_id, r.event_id, r.all_events) for r in roles]
    return cache[key]


def _forget_read_roles() -> None:
    g.pop("rally_roles_today", None)


def holds(
    visitor_id: int | None,
    kind: RoleKind,
    *,
    circle_id: int | None = None,
    event_id: int | None = None,
    today: date | None = None,
) -> bool:
    """Whether the resident holds an active role of ``kind`` on ``today`` (default: the
    district's day now) for the scope: a circle moderator for ``circle_id``, an event
    helper for ``event_id`` (a helper of every event too)."""
    if visitor_id is None:
        return False
    if today is None:
        roles = _roles_today(visitor_id)
    else:
        roles = active_roles([visitor_id], today).get(visitor_id, [])
    for role in roles:
        if role.kind is not kind:
            continue
        if kind is RoleKind.circle_moderator and role.circle_id != circle_id:
            continue
        if kind is RoleKind.event_helper and not (
            role.all_events or (event_id is not None and role.event_id == event_id)
        ):
            continue
        return True
    return False


def badges(visitor_ids, day: date | None = None) -> dict[int, list[str]]:
    """The badges to show next to each resident's name, in the reader's language (one
    query for a whole page of authors); only active roles give one."""
    shown: dict[int, list[str]] = {}
    for visitor_id, roles in active_roles(visitor_ids, day).items():
        titles: list[str] = []
        for role in roles:
            if role.badge_title not in titles:
                titles.append(role.badge_title)
        shown[visitor_id] = titles
    return shown


# The association's list ----------------------------------------------------------------

ROLE_FILTERS = ("active", "upcoming", "ended")


def roles_listing(which: str, day: date | None = None) -> list[StaffRole]:
    """Roles active on ``day``, upcoming (starting later, not revoked) or ended (past
    their end date, or revoked); ``""`` lists all, newest first."""
    day = day or today()
    query = select(StaffRole).options(joinedload(StaffRole.visitor))
    if which == "active":
        query = query.where(_active_clause(day))
    elif which == "upcoming":
        query = query.where(StaffRole.revoked_at.is_(None), StaffRole.starts_on > day)
    elif which == "ended":
        query = query.where(or_(StaffRole.revoked_at.is_not(None), StaffRole.ends_on < day))
    return list(db.session.scalars(query.order_by(StaffRole.starts_on.desc(), StaffRole.id.desc())))


def role_log_query() -> Select:
    """The audit log, newest first (a total order: it is paged)."""
    return (
        select(RoleLog)
        .options(joinedload(RoleLog.role).joinedload(StaffRole.visitor), joinedload(RoleLog.user))
        .order_by(RoleLog.created_at.desc(), RoleLog.id.desc())
    )


def residents_of(roles) -> dict[int, Resident]:
    """The public profiles of the roles' holders (one query)."""
    ids = {role.visitor_id for role in roles if role is not None}
    if not ids:
        return {}
    found = db.session.scalars(select(Resident).where(Resident.visitor_id.in_(ids)))
    return {resident.visitor_id: resident for resident in found}


# Granting, changing, revoking -----------------------------------------------------------


def find_resident(who: str) -> Visitor:
    """The resident an admin names by e-mail address or by @handle.

    :raise RoleError: ``unknown_resident`` (404).
    """
    who = unicodedata.normalize("NFKC", who or "").strip()
    visitor = None
    if "@" in who[1:]:
        visitor = find_by_email(who)
    elif who:
        handle = who.removeprefix("@").lower()
        resident = db.session.scalar(select(Resident).where(Resident.handle == handle))
        visitor = resident.visitor if resident is not None else None
    if visitor is None:
        raise RoleError(
            _l("No resident has this e-mail address or handle."),
            code="unknown_resident",
            status=404,
        )
    return visitor


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise RoleError(_l("The end date comes before the start date."), code="ends_before_starts")


def _check_scope(data: RoleInput) -> None:
    circle, event = data.circle_id is not None, data.event_id is not None or data.all_events
    if data.kind is RoleKind.circle_moderator:
        if not circle:
            raise RoleError(
                _l("Choose the circle this moderator looks after."), code="scope_missing"
            )
        if event:
            raise RoleError(_l("A circle moderator's scope is one circle."), code="wrong_scope")
    elif data.kind is RoleKind.event_helper:
        if not event:
            raise RoleError(
                _l("Choose the event this helper helps at, or every event."), code="scope_missing"
            )
        if circle or (data.event_id is not None and data.all_events):
            raise RoleError(
                _l("An event helper's scope is one event or every event."), code="wrong_scope"
            )
    elif circle or event:
        raise RoleError(
            _l("Online Town Office staff have no circle or event to choose."), code="wrong_scope"
        )


def _clean_badge(raw: str) -> str:
    badge = " ".join(strip_control_characters(unicodedata.normalize("NFKC", raw or "")).split())
    if len(badge) > BADGE_MAX:
        raise RoleError(
            _l("A badge can have at most %(count)s characters.", count=BADGE_MAX),
            code="badge_too_long",
        )
    return badge


def _check_no_overlap(role: StaffRole, starts_on: date, ends_on: date) -> None:
    """The same resident may not hold the same role for the same scope twice on a day.

    Called under a lock of the resident's account row (see :func:`_lock_holder`), so two
    admins granting at once cannot both pass."""
    query = select(StaffRole.id).where(
        StaffRole.visitor_id == role.visitor_id,
        StaffRole.kind == role.kind,
        StaffRole.revoked_at.is_(None),
        StaffRole.starts_on <= ends_on,
        StaffRole.ends_on >= starts_on,
        _same_scope(role),
    )
    if role.id is not None:
        query = query.where(StaffRole.id != role.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise RoleError(
            _l("This resident already holds this role on some of these days."),
            code="overlapping_role",
            status=409,
        )


def _same_scope(role: StaffRole):
    if role.kind is RoleKind.circle_moderator:
        return StaffRole.circle_id == role.circle_id
    if role.kind is RoleKind.event_helper:
        if role.all_events:
            return StaffRole.all_events.is_(True)
        return StaffRole.event_id == role.event_id
    return StaffRole.id.is_not(None)


def _lock_holder(visitor_id: int) -> None:
    """Row lock on the resident's account (PostgreSQL; SQLite writers hold the database's
    write lock from the start, see rally.database): the overlap check and the insert or
    update happen one admin at a time per resident."""
    db.session.execute(select(Visitor.id).where(Visitor.id == visitor_id).with_for_update())


def _log(role: StaffRole, action: RoleAction, user: User | None, now: datetime, before=None):
    db.session.add(
        RoleLog(
            role_id=role.id,
            action=action,
            kind=role.kind,
            user_id=user.id if user is not None else None,
            created_at=now,
            starts_on=role.starts_on,
            ends_on=role.ends_on,
            previous_starts_on=before[0] if before else None,
            previous_ends_on=before[1] if before else None,
        )
    )


def grant_role(data: RoleInput, by: User | None, now: datetime) -> StaffRole:
    """Give a resident a role for the days ``starts_on`` to ``ends_on`` (inclusive) and log
    the grant.

    :param data: who, which role, its scope, badge and dates.
    :param by: the back-office user granting it (``None``: the demo).
    :param now: naive UTC, the log's time.
    :raise RoleError: ``unknown_resident`` (404), ``ends_before_starts``, ``scope_missing``,
        ``wrong_scope``, ``badge_too_long``, ``overlapping_role`` (409).
    """
    visitor = find_resident(data.who)
    _check_dates(data.starts_on, data.ends_on)
    _check_scope(data)
    role = StaffRole(
        visitor_id=visitor.id,
        kind=data.kind,
        badge=_clean_badge(data.badge),
        circle_id=data.circle_id if data.kind is RoleKind.circle_moderator else None,
        event_id=data.event_id if data.kind is RoleKind.event_helper else None,
        all_events=data.kind is RoleKind.event_helper and data.all_events,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        granted_by_id=by.id if by is not None else None,
        created_at=now,
    )
    _lock_holder(visitor.id)
    _check_no_overlap(role, data.starts_on, data.ends_on)
    db.session.add(role)
    db.session.flush()
    _log(role, RoleAction.granted, by, now)
    db.session.flush()
    _forget_read_roles()
    return role


def change_dates(role: StaffRole, starts_on: date, ends_on: date, by: User, now: datetime) -> bool:
    """Move a role's start or end date (end it early, or extend it), logged with the dates
    before. Unchanged dates change and log nothing (``False``).

    :raise RoleError: ``role_revoked`` (409), ``ends_before_starts``, ``overlapping_role``
        (409).
    """
    if role.revoked_at is not None:
        raise RoleError(_l("This role was revoked."), code="role_revoked", status=409)
    _check_dates(starts_on, ends_on)
    if (starts_on, ends_on) == (role.starts_on, role.ends_on):
        return False
    _lock_holder(role.visitor_id)
    _check_no_overlap(role, starts_on, ends_on)
    before = (role.starts_on, role.ends_on)
    changed = db.session.execute(
        update(StaffRole)
        .where(StaffRole.id == role.id, StaffRole.revoked_at.is_(None))
        .values(starts_on=starts_on, ends_on=ends_on)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(role)
    if not changed:
        raise RoleError(_l("This role was revoked."), code="role_revoked", status=409)
    _log(role, RoleAction.dates_changed, by, now, before)
    db.session.flush()
    _forget_read_roles()
    return True


def revoke_role(role: StaffRole, by: User, now: datetime) -> bool:
    """Take a role away at once (``UPDATE ... WHERE revoked_at IS NULL``: revoking twice
    revokes and logs once). ``False`` if it was revoked already."""
    revoked = db.session.execute(
        update(StaffRole)
        .where(StaffRole.id == role.id, StaffRole.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(role)
    if revoked:
        _log(role, RoleAction.revoked, by, now)
        db.session.flush()
    _forget_read_roles()
    return bool(revoked)
