"""The association's volunteer staff pages: admins only; grant, change the dates, revoke
(after a confirmation), the list's filters and the audit log."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from rally.extensions import db
from rally.roles.models import RoleAction, RoleKind, RoleLog, StaffRole

from .conftest import DAY, EN, at

LAST = DAY + timedelta(days=3)


def _form(who, kind="town_office_staff", starts=DAY, ends=LAST, **kw):
    return {
        "who": who,
        "kind": kind,
        "circle_id": "0",
        "event_id": "0",
        "badge": "",
        "starts_on": starts.isoformat(),
        "ends_on": ends.isoformat(),
        **kw,
    }


@pytest.fixture
def role_id(make_visitor, grant):
    return grant(
        make_visitor(handle="volunteer"), RoleKind.town_office_staff, starts=DAY, ends=LAST
    )


def _requests(role_id):
    return [
        ("get", "/admin/roles/", None),
        ("get", "/admin/roles/log", None),
        ("get", "/admin/roles/new", None),
        ("post", "/admin/roles/new", _form("@volunteer", starts=DAY + timedelta(days=9))),
        ("get", f"/admin/roles/{role_id}/dates", None),
        (
            "post",
            f"/admin/roles/{role_id}/dates",
            {"starts_on": "2031-01-01", "ends_on": "2031-12-31"},
        ),
        ("get", f"/admin/roles/{role_id}/revoke", None),
        ("post", f"/admin/roles/{role_id}/revoke", {}),
    ]


def _state(app):
    with app.app_context():
        roles = [
            (r.id, r.starts_on, r.ends_on, r.revoked_at)
            for r in db.session.scalars(select(StaffRole))
        ]
        return roles, len(db.session.scalars(select(RoleLog)).all())


def test_the_pages_refuse_merchants_with_403_and_change_nothing(app, role_id, merchant_client):
    before = _state(app)
    for method, path, data in _requests(role_id):
        response = getattr(merchant_client, method)(path, data=data)
        assert response.status_code == 403, path
    assert _state(app) == before


def test_the_pages_send_residents_and_strangers_to_the_log_in_page(
    app, role_id, client, visitor_client
):
    before = _state(app)
    # Even the role's own holder, an active Online Town Office staff member.
    for who in (client, visitor_client(_holder(app, role_id))):
        for method, path, data in _requests(role_id):
            response = getattr(who, method)(path, data=data)
            assert response.status_code == 302, path
            assert "/auth/login" in response.headers["Location"]
    assert _state(app) == before


def _holder(app, role_id):
    with app.app_context():
        return db.session.get(StaffRole, role_id).visitor_id


def test_an_admin_grants_a_role_by_handle(app, make_visitor, make_circle, admin_client):
    resident = make_visitor(handle="kaori")
    circle_id = make_circle()
    page = admin_client.get("/admin/roles/new", headers=EN).get_data(True)
    assert "Hiroba" in page  # the circle picker
    data = _form("@kaori", "circle_moderator", circle_id=str(circle_id), badge="ひろば係")
    response = admin_client.post("/admin/roles/new", data=data, headers=EN)
    assert response.status_code == 303
    with app.app_context():
        role = db.session.scalar(select(StaffRole))
        assert (role.visitor_id, role.kind, role.circle_id, role.badge) == (
            resident,
            RoleKind.circle_moderator,
            circle_id,
            "ひろば係",
        )
        assert (role.starts_on, role.ends_on) == (DAY, LAST)
        (log,) = db.session.scalars(select(RoleLog)).all()
        assert log.action is RoleAction.granted and log.user.email == "admin-roles@example.jp"


@pytest.fixture
def admin_client(auth, make_user):
    from rally.auth.models import Role

    return auth.new_client(make_user(role=Role.admin, email="admin-roles@example.jp"))


def test_a_refused_grant_says_why_and_writes_nothing(app, make_visitor, admin_client, counts):
    make_visitor(handle="kaori")
    before = counts()
    response = admin_client.post(
        "/admin/roles/new", data=_form("@kaori", "circle_moderator"), headers=EN
    )
    assert response.status_code == 400
    assert "Choose the circle this moderator looks after." in response.get_data(True)
    response = admin_client.post(
        "/admin/roles/new", data=_form("@kaori", ends=DAY - timedelta(days=1)), headers=EN
    )
    assert "The end date comes before the start date." in response.get_data(True)
    assert counts() == before


def test_an_admin_grants_a_helper_of_every_event(app, make_visitor, make_event, admin_client):
    make_visitor(handle="kaori")
    make_event()
    data = _form("@kaori", "event_helper", event_id="-1")
    assert admin_client.post("/admin/roles/new", data=data).status_code == 303
    with app.app_context():
        role = db.session.scalar(select(StaffRole))
        assert role.all_events and role.event_id is None


def test_an_admin_moves_the_end_date(app, role_id, admin_client):
    page = admin_client.get(f"/admin/roles/{role_id}/dates", headers=EN).get_data(True)
    assert LAST.isoformat() in page
    later = LAST + timedelta(days=10)
    data = {"starts_on": DAY.isoformat(), "ends_on": later.isoformat()}
    assert admin_client.post(f"/admin/roles/{role_id}/dates", data=data).status_code == 303
    with app.app_context():
        assert db.session.get(StaffRole, role_id).ends_on == later
        actions = [row.action for row in db.session.scalars(select(RoleLog).order_by(RoleLog.id))]
        assert actions == [RoleAction.granted, RoleAction.dates_changed]


def test_revoking_asks_first_then_revokes(app, role_id, admin_client):
    page = admin_client.get(f"/admin/roles/{role_id}/revoke", headers=EN)
    assert page.status_code == 200
    assert "Revoke this role?" in page.get_data(True)
    with app.app_context():
        assert db.session.get(StaffRole, role_id).revoked_at is None
    assert admin_client.post(f"/admin/roles/{role_id}/revoke").status_code == 303
    with app.app_context():
        assert db.session.get(StaffRole, role_id).revoked_at is not None
    log = admin_client.get("/admin/roles/log", headers=EN).get_data(True)
    assert 'data-testid="log-granted"' in log and 'data-testid="log-revoked"' in log


def test_the_list_filters_active_upcoming_and_ended_roles(
    app, make_visitor, grant, admin_client, clock
):
    active = grant(make_visitor(), starts=DAY - timedelta(days=1), ends=DAY)
    upcoming = grant(make_visitor(), starts=DAY + timedelta(days=1))
    ended = grant(make_visitor(), starts=DAY - timedelta(days=9), ends=DAY - timedelta(days=1))
    revoked = grant(make_visitor(), starts=DAY - timedelta(days=1), ends=DAY + timedelta(days=1))
    admin_client.post(f"/admin/roles/{revoked}/revoke")
    clock(at(DAY))
    expected = {"active": {active}, "upcoming": {upcoming}, "ended": {ended, revoked}}
    for which, ids in expected.items():
        html = admin_client.get(f"/admin/roles/?show={which}").get_data(True)
        shown = {i for i in (active, upcoming, ended, revoked) if f'data-testid="role-{i}"' in html}
        assert shown == ids, which
    html = admin_client.get("/admin/roles/?show=all").get_data(True)
    assert all(f'data-testid="role-{i}"' in html for i in (active, upcoming, ended, revoked))


def test_the_audit_log_is_paged_newest_first(app, make_visitor, grant, admin_client):
    from rally.roles.models import RoleAction, RoleLog

    role_id = grant(make_visitor())
    with app.app_context():
        first = db.session.scalar(db.select(RoleLog))
        for number in range(54):  # 55 entries: 50 on the first page, 5 on the second
            db.session.add(
                RoleLog(
                    role_id=role_id,
                    action=RoleAction.dates_changed,
                    kind=first.kind,
                    starts_on=first.starts_on,
                    ends_on=first.ends_on + timedelta(days=number + 1),
                    created_at=first.created_at + timedelta(minutes=number + 1),
                )
            )
        db.session.commit()
    page_one = admin_client.get("/admin/roles/log", headers=EN).get_data(True)
    assert page_one.count('data-testid="log-') == 50
    assert 'data-testid="log-granted"' not in page_one  # the oldest is on the last page
    assert 'href="/admin/roles/log?page=2"' in page_one
    page_two = admin_client.get("/admin/roles/log?page=2", headers=EN).get_data(True)
    assert page_two.count('data-testid="log-') == 5
    assert 'data-testid="log-granted"' in page_two
