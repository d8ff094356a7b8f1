"""The demo's volunteer staff (``flask --app rally demo``): a volunteer of the Online Town
Office whose role ends in two months, who also helps at an event, and a resident helping at
another event. Idempotent: an account is found by its e-mail address or handle, a role by
its holder, kind and scope."""

from datetime import datetime, timedelta

from sqlalchemy import select

from rally.cards.models import Card
from rally.extensions import db
from rally.residents.models import Resident
from rally.visitors.models import Visitor

from .models import RoleKind, StaffRole
from .operations import RoleInput, grant_role, today

VOLUNTEER_EMAIL = "volunteer@example.jp"
VOLUNTEER_PASSWORD = "rally-volunteer-demo"
# The demo's other helper: a resident the community demo made (rally/communitydemo.py).
HELPER_HANDLE = "kenji"
STAFF_DAYS = (-30, 60)  # the staff role: from 30 days ago to 60 days from today


def _volunteer(now: datetime) -> Visitor:
    visitor = db.session.scalar(select(Visitor).where(Visitor.email == VOLUNTEER_EMAIL))
    if visitor is None:
        visitor = Visitor(
            email=VOLUNTEER_EMAIL, locale="ja", verified_at=now, created_at=now - timedelta(days=90)
        )
        visitor.set_password(VOLUNTEER_PASSWORD)
        db.session.add(visitor)
        db.session.flush()
        db.session.add(Card(locale="ja", visitor_id=visitor.id))
    if db.session.get(Resident, visitor.id) is None:
        db.session.add(
            Resident(
                visitor_id=visitor.id,
                display_name="町役場ボランティア みのり",
                handle="minori",
                code_tries=0,
                resident_verified_at=now,
            )
        )
        db.session.flush()
    return visitor


def _grant_once(visitor: Visitor, data: RoleInput, now: datetime) -> None:
    query = select(StaffRole.id).where(
        StaffRole.visitor_id == visitor.id, StaffRole.kind == data.kind
    )
    if data.event_id is not None:
        query = query.where(StaffRole.event_id == data.event_id)
    if db.session.scalar(query.limit(1)) is None:
        grant_role(data, None, now)


def seed_roles(now: datetime, helped_event_ids: tuple[int, ...] = ()) -> dict:
    """The volunteer (Online Town Office staff with an end date, helping at the first of
    ``helped_event_ids``) and, if the community demo made them, a resident helping at the
    second. Returns the volunteer's log-in."""
    day = today()
    volunteer = _volunteer(now)
    first, last = (day + timedelta(days=n) for n in STAFF_DAYS)
    data = RoleInput(VOLUNTEER_EMAIL, RoleKind.town_office_staff, first, last)
    _grant_once(volunteer, data, now)
    helpers = [volunteer]
    helper = db.session.scalar(select(Resident).where(Resident.handle == HELPER_HANDLE))
    if helper is not None:
        helpers.append(helper.visitor)
    for visitor, event_id in zip(helpers, helped_event_ids, strict=False):
        data = RoleInput(
            visitor.email,
            RoleKind.event_helper,
            day - timedelta(days=7),
            day + timedelta(days=14),
            event_id=event_id,
        )
        _grant_once(visitor, data, now)
    db.session.flush()
    return {"volunteer": (VOLUNTEER_EMAIL, VOLUNTEER_PASSWORD)}
