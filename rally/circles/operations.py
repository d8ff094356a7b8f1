"""Circles and membership: the rules.

Who is acting is a :class:`Actor`: a resident (their visitor account) and/or an admin of
the association (a back-office user). Admins moderate every circle.
"""

import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from rally.auth.models import User
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.i18n.content import clean_texts, sort_key_sql
from rally.residents.models import Resident
from rally.residents.operations import may_post, profile_of, public_profile
from rally.roles.models import RoleKind
from rally.roles.operations import holder_ids, holds
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .models import Circle, CircleKind, CircleMember, CircleStaff, CircleStatus, MemberState
from .signals import join_answered, join_requested

ICON_MAX = 8


class CircleError(RallyError):
    """A circle or membership step that cannot go ahead; ``code`` says why."""


@dataclass(frozen=True)
class Actor:
    visitor: Visitor | None = None
    is_admin: bool = False
    # A back-office account (staff), which the association may name moderator.
    user_id: int | None = None


@dataclass(frozen=True)
class CircleInput:
    name: dict[str, str]
    description: dict[str, str]
    icon: str
    kind: CircleKind


def membership(circle: Circle, visitor: Visitor | None) -> CircleMember | None:
    if visitor is None:
        return None
    return db.session.scalar(
        select(CircleMember).where(
            CircleMember.circle_id == circle.id, CircleMember.visitor_id == visitor.id
        )
    )


def is_member(circle: Circle, actor: Actor) -> bool:
    row = membership(circle, actor.visitor)
    return row is not None and row.state is MemberState.member


def is_moderator(circle: Circle, actor: Actor) -> bool:
    """Admins everywhere; a resident or staff member the association named for this circle;
    while their role is active (rally.roles), a resident made circle moderator of it, and
    Online Town Office staff in every circle that is not members-only."""
    if actor.is_admin:
        return True
    if actor.user_id is not None and db.session.scalar(
        select(CircleStaff.id).where(
            CircleStaff.circle_id == circle.id, CircleStaff.user_id == actor.user_id
        )
    ):
        return True
    row = membership(circle, actor.visitor)
    if row is not None and row.is_moderator and row.state is MemberState.member:
        return True
    return actor.visitor is not None and _holds_a_moderating_role(circle, actor.visitor.id)


def _holds_a_moderating_role(circle: Circle, visitor_id: int) -> bool:
    if holds(visitor_id, RoleKind.circle_moderator, circle_id=circle.id):
        return True
    return circle.kind is not CircleKind.members_only and holds(
        visitor_id, RoleKind.town_office_staff
    )


def moderator_ids(circle: Circle) -> set[int]:
    """The residents who moderate ``circle`` as :func:`is_moderator` decides, each once:
    its named moderators who are members, and today's active role holders (its circle
    moderators; Online Town Office staff unless the circle is members-only). Whom the
    moderators' notifications go to."""
    named = set(
        db.session.scalars(
            select(CircleMember.visitor_id).where(
                CircleMember.circle_id == circle.id,
                CircleMember.is_moderator.is_(True),
                CircleMember.state == MemberState.member,
            )
        )
    )
    named |= holder_ids(RoleKind.circle_moderator, circle_id=circle.id)
    if circle.kind is not CircleKind.members_only:
        named |= holder_ids(RoleKind.town_office_staff)
    return named


def may_see(circle: Circle, actor: Actor) -> bool:
    """Whether the circle's page exists for ``actor``: active circles for everyone;
    a pending one for admins and whoever proposed it; archived ones for admins."""
    if circle.is_active or actor.is_admin:
        return True
    return (
        circle.status is CircleStatus.pending
        and actor.visitor is not None
        and circle.proposed_by_id == actor.visitor.id
    )


def may_read(circle: Circle, actor: Actor) -> bool:
    """Whether ``actor`` may read the circle's content (its description, later its posts):
    members-only circles to their members and moderators alone."""
    if not may_see(circle, actor):
        return False
    if circle.kind is CircleKind.members_only:
        return is_member(circle, actor) or is_moderator(circle, actor)
    return True


def visible_circles(actor: Actor) -> list[Circle]:
    """Active circles by name in the reader's language (members-only ones too: listed by
    name, their content shown only to members)."""
    query = select(Circle).where(Circle.status == CircleStatus.active)
    return list(db.session.scalars(query.order_by(sort_key_sql(Circle.name), Circle.id)))


def member_count(circle: Circle) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(CircleMember)
        .where(CircleMember.circle_id == circle.id, CircleMember.state == MemberState.member)
    )


def pending_requests(circle: Circle) -> list[CircleMember]:
    return list(
        db.session.scalars(
            select(CircleMember)
            .where(
                CircleMember.circle_id == circle.id,
                CircleMember.state == MemberState.requested,
            )
            .order_by(CircleMember.requested_at, CircleMember.id)
        )
    )


def members(circle: Circle) -> list[CircleMember]:
    return list(
        db.session.scalars(
            select(CircleMember)
            .where(CircleMember.circle_id == circle.id, CircleMember.state == MemberState.member)
            .order_by(CircleMember.joined_at, CircleMember.id)
        )
    )


def residents_of(rows: list[CircleMember]) -> dict[int, Resident]:
    ids = [row.visitor_id for row in rows]
    if not ids:
        return {}
    found = db.session.scalars(select(Resident).where(Resident.visitor_id.in_(ids)))
    return {resident.visitor_id: resident for resident in found}


# Joining and leaving.


def join(circle: Circle, visitor: Visitor) -> CircleMember:
    """Join an open or verified-only circle at once; ask to join a members-only one.

    The database decides: the unique (circle, resident) constraint makes a second join a
    no-op that returns the existing row.

    :raise CircleError: ``circle_not_active`` (404), ``profile_incomplete`` (403: the
        caller sends the resident to their profile), ``not_verified_resident`` (403).
    """
    if not circle.is_active:
        raise CircleError(_l("This circle is not open."), code="circle_not_active", status=404)
    if not may_post(visitor):
        raise CircleError(
            _l("Please confirm your e-mail address and complete your profile first."),
            code="profile_incomplete",
            status=403,
        )
    if circle.kind is CircleKind.verified_only and not profile_of(visitor).is_verified_resident:
        raise CircleError(
            _l("Only verified residents can join this circle."),
            code="not_verified_resident",
            status=403,
        )
    existing = membership(circle, visitor)
    if existing is not None:
        return existing
    now = utcnow()
    asks = circle.kind is CircleKind.members_only
    row = CircleMember(
        circle_id=circle.id,
        visitor_id=visitor.id,
        state=MemberState.requested if asks else MemberState.member,
        is_moderator=False,
        requested_at=now,
        joined_at=None if asks else now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same resident's other request won
        return membership(circle, visitor)
    if asks:
        join_requested.send(row)
    return row


def leave(circle: Circle, visitor: Visitor) -> bool:
    """Leave a circle (or withdraw a join request); True when there was something to leave."""
    gone = db.session.execute(
        delete(CircleMember).where(
            CircleMember.circle_id == circle.id, CircleMember.visitor_id == visitor.id
        )
    ).rowcount
    return gone == 1


def _moderator_only(circle: Circle, actor: Actor) -> None:
    if not is_moderator(circle, actor):
        raise CircleError(
            _l("Only this circle's moderators can do this."), code="not_moderator", status=403
        )


def _row_of(circle: Circle, member_id: int) -> CircleMember:
    row = db.session.get(CircleMember, member_id)
    if row is None or row.circle_id != circle.id:
        raise CircleError(_l("This request or member is gone."), code="no_member", status=404)
    return row


def approve_request(circle: Circle, member_id: int, actor: Actor) -> None:
    """Approve a join request. Atomic in the database (``UPDATE ... WHERE state =
    'requested'``): of two moderators approving at once, one approves, the other is told
    it was answered.

    :raise CircleError: ``not_moderator`` (403), ``no_member`` (404),
        ``already_answered`` (409).
    """
    _moderator_only(circle, actor)
    visitor_id = _row_of(circle, member_id).visitor_id
    approved = db.session.execute(
        update(CircleMember)
        .where(CircleMember.id == member_id, CircleMember.state == MemberState.requested)
        .values(state=MemberState.member, joined_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire_all()
    if approved != 1:
        raise CircleError(
            _l("This request has already been answered."), code="already_answered", status=409
        )
    join_answered.send(circle, visitor_id=visitor_id, approved=True)


def refuse_request(circle: Circle, member_id: int, actor: Actor) -> bool:
    """Refuse a join request (the resident may ask again later).

    :raise CircleError: ``not_moderator`` (403), ``no_member`` (404).
    """
    _moderator_only(circle, actor)
    visitor_id = _row_of(circle, member_id).visitor_id
    refused = (
        db.session.execute(
            delete(CircleMember).where(
                CircleMember.id == member_id, CircleMember.state == MemberState.requested
            )
        ).rowcount
        == 1
    )
    if refused:
        join_answered.send(circle, visitor_id=visitor_id, approved=False)
    return refused


def remove_member(circle: Circle, member_id: int, actor: Actor) -> bool:
    """A moderator removes a member. Moderators are removed only by the association.

    :raise CircleError: ``not_moderator`` (403), ``no_member`` (404),
        ``is_moderator`` (403).
    """
    _moderator_only(circle, actor)
    row = _row_of(circle, member_id)
    if row.is_moderator and not actor.is_admin:
        raise CircleError(
            _l("Only the association can remove a moderator."), code="is_moderator", status=403
        )
    return (
        db.session.execute(delete(CircleMember).where(CircleMember.id == member_id)).rowcount == 1
    )


# The association's side.


def clean_icon(raw: str) -> str:
    icon = unicodedata.normalize("NFC", raw or "").strip()
    if len(icon) > ICON_MAX or any(unicodedata.category(c) in {"Cc", "Zl", "Zp"} for c in icon):
        raise CircleError(
            _l("An icon is one emoji or a few characters."), code="icon_invalid", status=400
        )
    return icon


def _fill(circle: Circle, data: CircleInput) -> None:
    name = clean_texts(data.name)
    if not name:
        raise CircleError(_l("Please give the circle a name."), code="name_empty", status=400)
    circle.name = name
    circle.description = clean_texts(data.description)
    circle.icon = clean_icon(data.icon)
    circle.kind = CircleKind(data.kind)


def _admin_only(actor: Actor) -> None:
    if not actor.is_admin:
        raise CircleError(_l("Only the association can do this."), code="not_admin", status=403)


def save_circle(data: CircleInput, actor: Actor, circle: Circle | None = None) -> Circle:
    """The association creates (active at once) or edits a circle.

    :raise CircleError: ``not_admin`` (403), ``name_empty``, ``icon_invalid``.
    """
    _admin_only(actor)
    if circle is None:
        circle = Circle(status=CircleStatus.active)
        db.session.add(circle)
    _fill(circle, data)
    db.session.flush()
    return circle


def propose_circle(data: CircleInput, visitor: Visitor) -> Circle:
    """A resident proposes a circle: pending until the association approves it.

    :raise CircleError: ``profile_incomplete`` (403), ``name_empty``, ``icon_invalid``.
    """
    if not may_post(visitor):
        raise CircleError(
            _l("Please confirm your e-mail address and complete your profile first."),
            code="profile_incomplete",
            status=403,
        )
    circle = Circle(status=CircleStatus.pending, proposed_by_id=visitor.id)
    _fill(circle, data)
    db.session.add(circle)
    db.session.flush()
    if visitor is not None:  # the proposer moderates the circle they asked for
        db.session.add(
            CircleMember(
                circle_id=circle.id,
                visitor_id=visitor.id,
                state=MemberState.member,
                is_moderator=True,
                joined_at=utcnow(),
            )
        )
        db.session.flush()
    return circle


def set_status(circle: Circle, status: CircleStatus, actor: Actor) -> bool:
    """Approve (active), archive or re-open a circle; True when it changed.

    :raise CircleError: ``not_admin`` (403).
    """
    _admin_only(actor)
    changed = (
        db.session.execute(
            update(Circle)
            .where(Circle.id == circle.id, Circle.status != status)
            .values(status=status)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    db.session.expire(circle, ["status"])
    return changed


def name_moderator(circle: Circle, who: str, actor: Actor) -> CircleMember | CircleStaff:
    """The association names a moderator of a circle: a resident by handle (``@hanako``;
    they become a member if they were not) or a staff member by their back-office e-mail
    address. Naming someone twice is a no-op (unique constraints).

    :raise CircleError: ``not_admin`` (403), ``unknown_resident`` (404),
        ``unknown_staff`` (404).
    """
    _admin_only(actor)
    who = (who or "").strip()
    if "@" in who[1:]:
        return _name_staff(circle, who)
    handle = who
    resident = public_profile(handle)
    if resident is None:
        raise CircleError(
            _l("No resident has the handle %(handle)s.", handle=handle),
            code="unknown_resident",
            status=404,
        )
    row = membership(circle, resident.visitor)
    if row is None:
        row = CircleMember(circle_id=circle.id, visitor_id=resident.visitor_id)
        db.session.add(row)
    row.state = MemberState.member
    row.joined_at = row.joined_at or utcnow()
    row.is_moderator = True
    db.session.flush()
    return row


def unname_moderator(circle: Circle, member_id: int, actor: Actor) -> None:
    """:raise CircleError: ``not_admin`` (403), ``no_member`` (404)."""
    _admin_only(actor)
    _row_of(circle, member_id).is_moderator = False
    db.session.flush()


def all_circles() -> list[Circle]:
    """Every circle, for the association: pending first, then by name."""
    order = {CircleStatus.pending: 0, CircleStatus.active: 1, CircleStatus.archived: 2}
    circles = db.session.scalars(select(Circle).order_by(sort_key_sql(Circle.name), Circle.id))
    return sorted(circles, key=lambda circle: order[circle.status])


def _name_staff(circle: Circle, email: str) -> CircleStaff:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None:
        raise CircleError(
            _l("No staff account has the e-mail address %(email)s.", email=email),
            code="unknown_staff",
            status=404,
        )
    existing = db.session.scalar(
        select(CircleStaff).where(
            CircleStaff.circle_id == circle.id, CircleStaff.user_id == user.id
        )
    )
    if existing is not None:
        return existing
    row = CircleStaff(circle_id=circle.id, user_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # named at the same moment by another admin
        return db.session.scalar(
            select(CircleStaff).where(
                CircleStaff.circle_id == circle.id, CircleStaff.user_id == user.id
            )
        )
    return row


def staff_moderators(circle: Circle) -> list[CircleStaff]:
    return list(
        db.session.scalars(
            select(CircleStaff).where(CircleStaff.circle_id == circle.id).order_by(CircleStaff.id)
        )
    )


def unname_staff(circle: Circle, staff_id: int, actor: Actor) -> None:
    """:raise CircleError: ``not_admin`` (403), ``no_member`` (404)."""
    _admin_only(actor)
    gone = db.session.execute(
        delete(CircleStaff).where(CircleStaff.id == staff_id, CircleStaff.circle_id == circle.id)
    ).rowcount
    if gone != 1:
        raise CircleError(_l("This request or member is gone."), code="no_member", status=404)
