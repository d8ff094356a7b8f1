"""The demo's volunteer staff: `flask --app rally demo` prints the volunteer's log-in; the
volunteer wears the Online Town Office badge until a set end date and helps at an event."""

from sqlalchemy import func, select

from rally.extensions import db
from rally.roles import operations
from rally.roles.models import RoleKind, StaffRole

from .conftest import EN


def test_the_demo_has_a_volunteer_with_an_end_date_and_event_helpers(app, runner, client):
    with app.app_context():
        db.drop_all()  # the demo builds its schema through the migrations
    output = runner.invoke(args=["demo"]).output
    runner.invoke(args=["demo"])  # idempotent: nothing added the second time
    line = next(line for line in output.splitlines() if line.startswith("  Volunteer staff:"))
    email, password = line.split(":", 1)[1].strip().split(" / ")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StaffRole)) == 3
        volunteer = operations.find_resident(email)
        today = operations.today()
        (staff,) = db.session.scalars(
            select(StaffRole).where(
                StaffRole.visitor_id == volunteer.id,
                StaffRole.kind == RoleKind.town_office_staff,
            )
        )
        assert staff.starts_on <= today < staff.ends_on
        helped = db.session.scalar(
            select(StaffRole.event_id).where(
                StaffRole.visitor_id == volunteer.id, StaffRole.kind == RoleKind.event_helper
            )
        )
        assert operations.holds(volunteer.id, RoleKind.event_helper, event_id=helped)
        handle = db.session.get(operations.Resident, volunteer.id).handle
    response = client.post("/me/login", data={"email": email, "password": password})
    assert response.status_code == 303
    assert client.get(f"/manage/events/{helped}/registrations").status_code == 200
    html = client.get(f"/residents/{handle}", headers=EN).get_data(True)
    assert "Online Town Office staff" in html
