"""Two admins granting the same role at once: the resident's row lock (PostgreSQL; SQLite's
write lock taken up front) lets one through, the others are told it overlaps."""

from sqlalchemy import func, select

from rally.auth.models import Role
from rally.extensions import db
from rally.roles.models import RoleLog, StaffRole

from .conftest import DAY

RACERS = 8


def test_the_same_role_granted_at_once_by_eight_admins_is_granted_once(
    app, make_visitor, auth, make_user, race
):
    make_visitor(handle="kaori")
    admin = make_user(role=Role.admin)
    clients = [auth.new_client(admin) for _ in range(RACERS)]
    form = {
        "who": "@kaori",
        "kind": "town_office_staff",
        "circle_id": "0",
        "event_id": "0",
        "badge": "",
        "starts_on": DAY.isoformat(),
        "ends_on": DAY.isoformat(),
    }

    def prepare(index):
        return lambda: clients[index].post("/admin/roles/new", data=form).status_code

    statuses = race(RACERS, prepare)
    assert sorted(statuses) == [303] + [400] * (RACERS - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StaffRole)) == 1
        assert db.session.scalar(select(func.count()).select_from(RoleLog)) == 1
