"""A role that makes a resident a circle's moderator (rally.roles) brings the moderators'
notifications too, while it is active (first and last days included, in the district's
time zone), each moderator told once however many ways they moderate."""

from collections import Counter
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from rally.auth.models import User
from rally.circles import operations as circles
from rally.circles.models import Circle, CircleKind
from rally.extensions import db
from rally.notifications.models import Notification
from rally.roles import operations as roles
from rally.roles.models import RoleKind, StaffRole
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .conftest import DAY, at

LAST = DAY + timedelta(days=2)


def _ask_to_join(app, circle_id, visitor_id) -> Counter:
    """``visitor_id`` asks to join; who is told of it (recipient: how many times)."""
    with app.app_context():
        circles.join(db.session.get(Circle, circle_id), db.session.get(Visitor, visitor_id))
        db.session.commit()
        return Counter(
            db.session.scalars(
                select(Notification.visitor_id).where(
                    Notification.kind == "join_request", Notification.circle_id == circle_id
                )
            )
        )


@pytest.mark.parametrize(
    ("moment", "told"),
    [
        (at(DAY, time(0, 0)), True),  # the first day, from midnight in Tokyo
        (at(LAST, time(23, 59)), True),  # the last day, to its end
        (at(DAY - timedelta(days=1), time(23, 59)), False),
        (at(LAST + timedelta(days=1), time(0, 0)), False),
    ],
)
def test_a_circle_moderator_role_holder_is_told_of_join_requests_while_active(
    app, make_visitor, make_circle, add_member, grant, clock, moment, told
):
    circle_id = make_circle(kind=CircleKind.members_only)
    named, holder, asker = make_visitor(), make_visitor(), make_visitor()
    add_member(circle_id, named, moderator=True)
    grant(holder, RoleKind.circle_moderator, starts=DAY, ends=LAST, circle_id=circle_id)
    clock(moment)
    told_now = _ask_to_join(app, circle_id, asker)
    assert told_now == (Counter({named: 1, holder: 1}) if told else Counter({named: 1}))


def test_a_moderator_both_named_and_by_role_is_told_once(
    app, make_visitor, make_circle, add_member, grant, clock
):
    circle_id = make_circle(kind=CircleKind.members_only)
    other_circle = make_circle(kind=CircleKind.members_only)
    both, elsewhere, staff, asker = make_visitor(), make_visitor(), make_visitor(), make_visitor()
    add_member(circle_id, both, moderator=True)
    grant(both, RoleKind.circle_moderator, starts=DAY, ends=LAST, circle_id=circle_id)
    grant(elsewhere, RoleKind.circle_moderator, starts=DAY, ends=LAST, circle_id=other_circle)
    # Online Town Office staff do not moderate members-only circles: not told either.
    grant(staff, RoleKind.town_office_staff, starts=DAY, ends=LAST)
    clock(at(DAY))
    assert _ask_to_join(app, circle_id, asker) == Counter({both: 1})


def test_a_revoked_role_tells_nothing_more(app, make_visitor, make_circle, grant, clock, admin_id):
    circle_id = make_circle(kind=CircleKind.members_only)
    holder, asker = make_visitor(), make_visitor()
    role_id = grant(holder, RoleKind.circle_moderator, starts=DAY, ends=LAST, circle_id=circle_id)
    clock(at(DAY))
    with app.app_context():
        roles.revoke_role(
            db.session.get(StaffRole, role_id), db.session.get(User, admin_id), utcnow()
        )
        db.session.commit()
    assert _ask_to_join(app, circle_id, asker) == Counter()


def test_moderator_ids_follow_is_moderator_for_town_office_staff(
    app, make_visitor, make_circle, grant, clock
):
    open_circle = make_circle(kind=CircleKind.open)
    closed = make_circle(kind=CircleKind.members_only)
    staff = make_visitor()
    grant(staff, RoleKind.town_office_staff, starts=DAY, ends=LAST)
    clock(at(DAY))
    with app.app_context():
        for circle_id, expected in ((open_circle, {staff}), (closed, set())):
            circle = db.session.get(Circle, circle_id)
            assert circles.moderator_ids(circle) == expected
            actor = circles.Actor(visitor=db.session.get(Visitor, staff))
            assert circles.is_moderator(circle, actor) is bool(expected)
