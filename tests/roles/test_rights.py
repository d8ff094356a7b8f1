"""A role's rights start on its first day and end by themselves after its last day (days
of the district, Asia/Tokyo), for each kind; revoking ends them at once."""

from datetime import time, timedelta

import pytest

from rally.circles.models import Circle, CircleKind
from rally.circles.operations import Actor, is_moderator
from rally.extensions import db
from rally.news.models import Event
from rally.roles import operations
from rally.roles.models import RoleKind, StaffRole
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .conftest import DAY, EN, at

LAST = DAY + timedelta(days=3)
# Before the first day, the first day, the last day (inclusive), the day after.
DAYS = [(DAY - timedelta(days=1), False), (DAY, True), (LAST, True), (LAST + timedelta(1), False)]


def _scope(kind, circle_id, event_id):
    if kind is RoleKind.circle_moderator:
        return {"circle_id": circle_id}
    if kind is RoleKind.event_helper:
        return {"event_id": event_id}
    return {}


@pytest.mark.parametrize("kind", list(RoleKind))
def test_holds_from_the_first_day_to_the_last_day_inclusive(
    app, kind, make_visitor, make_circle, make_event, grant
):
    resident = make_visitor()
    circle_id, event_id = make_circle(), make_event()
    grant(resident, kind, starts=DAY, ends=LAST, **_scope(kind, circle_id, event_id))
    with app.app_context():
        for day, expected in DAYS:
            scope = _scope(kind, circle_id, event_id)
            assert operations.holds(resident, kind, today=day, **scope) is expected, day


@pytest.mark.parametrize("kind", list(RoleKind))
def test_the_rights_end_at_midnight_after_the_last_day_in_tokyo(
    app, kind, make_visitor, make_circle, make_event, grant, clock
):
    resident = make_visitor()
    circle_id, event_id = make_circle(), make_event()
    scope = _scope(kind, circle_id, event_id)
    grant(resident, kind, starts=DAY, ends=LAST, **scope)
    with app.app_context():
        clock(at(LAST, time(23, 59)))
        assert operations.holds(resident, kind, **scope)
    with app.app_context():  # a new request: what was read for the last one is gone
        clock(at(LAST + timedelta(days=1), time(0, 0)))
        assert not operations.holds(resident, kind, **scope)


def test_a_role_holds_only_for_its_own_scope(app, make_visitor, make_circle, make_event, grant):
    resident = make_visitor()
    circle_id, other_circle = make_circle(), make_circle()
    event_id, other_event = make_event(), make_event()
    grant(resident, RoleKind.circle_moderator, circle_id=circle_id)
    grant(resident, RoleKind.event_helper, event_id=event_id)
    with app.app_context():
        assert operations.holds(resident, RoleKind.circle_moderator, circle_id=circle_id, today=DAY)
        assert not operations.holds(
            resident, RoleKind.circle_moderator, circle_id=other_circle, today=DAY
        )
        assert operations.holds(resident, RoleKind.event_helper, event_id=event_id, today=DAY)
        assert not operations.holds(
            resident, RoleKind.event_helper, event_id=other_event, today=DAY
        )
        assert not operations.holds(resident, RoleKind.town_office_staff, today=DAY)


def test_a_helper_of_every_event_helps_at_each(app, make_visitor, make_event, grant):
    resident = make_visitor()
    grant(resident, RoleKind.event_helper, all_events=True)
    with app.app_context():
        for event_id in (make_event(), make_event()):
            assert operations.holds(resident, RoleKind.event_helper, event_id=event_id, today=DAY)


def test_revoking_ends_the_rights_at_once(app, make_visitor, grant, admin_id, clock):
    resident = make_visitor()
    role_id = grant(resident, RoleKind.town_office_staff, starts=DAY, ends=LAST)
    clock(at(DAY))
    with app.app_context():
        assert operations.holds(resident, RoleKind.town_office_staff)
        role = db.session.get(StaffRole, role_id)
        assert operations.revoke_role(role, db.session.get(operations.User, admin_id), utcnow())
        db.session.commit()
        # In the same request, what was read before the revocation is forgotten.
        assert not operations.holds(resident, RoleKind.town_office_staff)
        assert not operations.holds(resident, RoleKind.town_office_staff, today=DAY)


# Circle moderators and Online Town Office staff moderate circles ------------------------


def _moderates(app, resident, circle_id) -> bool:
    with app.app_context():
        circle = db.session.get(Circle, circle_id)
        return is_moderator(circle, Actor(visitor=db.session.get(Visitor, resident)))


@pytest.mark.parametrize(
    "day, status",
    [(DAY - timedelta(days=1), 403), (DAY, 200), (LAST, 200), (LAST + timedelta(days=1), 403)],
)
def test_a_circle_moderator_opens_the_circles_queue_only_while_the_role_lasts(
    app, make_visitor, make_circle, add_member, grant, visitor_client, clock, day, status
):
    resident = make_visitor()
    circle_id = make_circle()
    add_member(circle_id, resident)
    grant(resident, RoleKind.circle_moderator, starts=DAY, ends=LAST, circle_id=circle_id)
    clock(at(day))
    response = visitor_client(resident).get(f"/circles/{circle_id}/moderation", headers=EN)
    assert response.status_code == status


def test_a_circle_moderator_moderates_no_other_circle(
    app, make_visitor, make_circle, grant, visitor_client, clock
):
    resident = make_visitor()
    circle_id, other = make_circle(), make_circle()
    grant(resident, RoleKind.circle_moderator, circle_id=circle_id)
    clock(at(DAY))
    assert visitor_client(resident).get(f"/circles/{other}/moderation").status_code == 403
    assert _moderates(app, resident, circle_id)
    assert not _moderates(app, resident, other)


@pytest.mark.parametrize(
    "day, status",
    [(DAY - timedelta(days=1), 403), (DAY, 200), (LAST, 200), (LAST + timedelta(days=1), 403)],
)
def test_town_office_staff_moderate_open_circles_while_the_role_lasts(
    app, make_visitor, make_circle, grant, visitor_client, clock, day, status
):
    resident = make_visitor()
    circle_id = make_circle(kind=CircleKind.open)
    verified_only = make_circle(kind=CircleKind.verified_only)
    grant(resident, RoleKind.town_office_staff, starts=DAY, ends=LAST)
    clock(at(day))
    client = visitor_client(resident)
    assert client.get(f"/circles/{circle_id}/moderation").status_code == status
    assert client.get(f"/circles/{verified_only}/moderation").status_code == status


def test_town_office_staff_do_not_moderate_members_only_circles(
    app, make_visitor, make_circle, grant, visitor_client, clock
):
    resident = make_visitor()
    closed = make_circle(kind=CircleKind.members_only)
    grant(resident, RoleKind.town_office_staff)
    clock(at(DAY))
    assert visitor_client(resident).get(f"/circles/{closed}/moderation").status_code == 403
    assert not _moderates(app, resident, closed)


def test_a_revoked_circle_moderator_is_refused_at_once(
    app, make_visitor, make_circle, grant, visitor_client, admin_client, clock
):
    resident = make_visitor()
    circle_id = make_circle()
    role_id = grant(resident, RoleKind.circle_moderator, circle_id=circle_id)
    clock(at(DAY))
    client = visitor_client(resident)
    assert client.get(f"/circles/{circle_id}/moderation").status_code == 200
    assert admin_client.post(f"/admin/roles/{role_id}/revoke").status_code == 303
    assert client.get(f"/circles/{circle_id}/moderation").status_code == 403


# Event helpers: the registrations list and the attendance code ---------------------------


def _event_pages(event_id):
    return (
        f"/manage/events/{event_id}/registrations",
        f"/manage/events/{event_id}/attendance-code",
    )


@pytest.mark.parametrize(
    "day, allowed",
    [(DAY - timedelta(days=1), False), (DAY, True), (LAST, True), (LAST + timedelta(1), False)],
)
def test_an_event_helper_sees_the_events_pages_only_while_the_role_lasts(
    app, make_visitor, make_event, grant, visitor_client, clock, day, allowed
):
    resident = make_visitor()
    event_id = make_event()
    grant(resident, RoleKind.event_helper, starts=DAY, ends=LAST, event_id=event_id)
    clock(at(day))
    client = visitor_client(resident)
    for path in _event_pages(event_id):
        response = client.get(path, headers=EN)
        if allowed:
            assert response.status_code == 200, path
        else:  # as for anybody who is not an admin: the back office's log-in page
            assert response.status_code == 302, path
            assert "/auth/login" in response.headers["Location"]


def test_an_event_helper_helps_at_no_other_event(
    app, make_visitor, make_event, grant, visitor_client, clock
):
    resident = make_visitor()
    event_id, other = make_event(), make_event()
    grant(resident, RoleKind.event_helper, event_id=event_id)
    clock(at(DAY))
    client = visitor_client(resident)
    for path in _event_pages(other):
        assert client.get(path).status_code == 302


def test_a_helper_of_every_event_sees_each_events_pages(
    app, make_visitor, make_event, grant, visitor_client, clock
):
    resident = make_visitor()
    grant(resident, RoleKind.event_helper, all_events=True)
    clock(at(DAY))
    client = visitor_client(resident)
    for event_id in (make_event(), make_event()):
        for path in _event_pages(event_id):
            assert client.get(path).status_code == 200


def test_a_helper_sees_display_names_not_e_mail_addresses_nor_the_export(
    app, make_visitor, make_event, grant, visitor_client, clock
):
    helper, guest = make_visitor(), make_visitor()
    event_id = make_event()
    assert visitor_client(guest).post(f"/events/{event_id}/register").status_code == 303
    grant(helper, RoleKind.event_helper, event_id=event_id)
    clock(at(DAY))
    html = visitor_client(helper).get(_event_pages(event_id)[0], headers=EN).get_data(True)
    with app.app_context():
        email = db.session.get(Visitor, guest).email
        name = db.session.get(operations.Resident, guest).display_name
    assert name in html
    assert email not in html
    assert "Download as CSV" not in html
    export = visitor_client(helper).get(f"/admin/exports/events/{event_id}/registrations.csv")
    assert export.status_code == 302


def test_a_helper_may_not_stop_the_attendance_codes(
    app, make_visitor, make_event, grant, visitor_client, clock
):
    helper = make_visitor()
    event_id = make_event()
    grant(helper, RoleKind.event_helper, event_id=event_id)
    clock(at(DAY))
    client = visitor_client(helper)
    assert "Stop every code" not in client.get(_event_pages(event_id)[1], headers=EN).get_data(True)
    response = client.post(f"/manage/events/{event_id}/attendance-code/revoke")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Event, event_id).attendance_key == 1
