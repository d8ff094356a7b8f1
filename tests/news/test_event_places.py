"""Where an event happens: the online link for registered residents only, the .ics file and
calendar feed, the reminder a day before (once), and the association's pages."""

from datetime import timedelta

from icalendar import Calendar

from rally.extensions import db
from rally.mail import outbox
from rally.news.models import EventRegistration, RegistrationStatus
from rally.utils import utcnow

from .conftest import ONLINE_URL

EN = {"Accept-Language": "en"}


def _register(visitor_client, event_id, visitor_id):
    assert visitor_client(visitor_id).post(f"/events/{event_id}/register").status_code == 303


def test_the_online_link_is_shown_to_registered_residents_only(
    app, client, make_event, make_resident, visitor_client
):
    event_id = make_event(capacity=1)
    seated, waiting, stranger = make_resident(), make_resident(), make_resident()
    _register(visitor_client, event_id, seated)
    _register(visitor_client, event_id, waiting)

    def page(who):
        return who.get(f"/events/{event_id}", headers=EN).get_data(as_text=True)

    assert ONLINE_URL in page(visitor_client(seated))
    assert "https://schema.org/OnlineEventAttendanceMode" in page(client)  # JSON-LD
    for other in (client, visitor_client(waiting), visitor_client(stranger)):
        text = page(other)
        assert "Round table" in text
        assert ONLINE_URL not in text  # nor in the page's JSON-LD
        assert "meet.example.jp" not in text
    for path in ("/feed.atom", "/events/calendar.ics", f"/events/{event_id}/calendar.ics"):
        assert "meet.example.jp" not in client.get(path).get_data(as_text=True)
    waiting_ics = visitor_client(waiting).get(f"/events/{event_id}/calendar.ics")
    assert "meet.example.jp" not in waiting_ics.get_data(as_text=True)
    seated_ics = visitor_client(seated).get(f"/events/{event_id}/calendar.ics")
    assert ONLINE_URL in seated_ics.get_data(as_text=True).replace("\r\n ", "")


def test_the_ics_file_describes_the_event(app, client, make_event):
    event_id = make_event(mode="in_person", online_url="")
    response = client.get(f"/events/{event_id}/calendar.ics", headers=EN)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    (item,) = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "Round table"
    assert str(item["LOCATION"]) == "Community hall"
    assert str(item["URL"]) == f"http://rally.test/events/{event_id}"
    assert item["UID"] == f"event-{event_id}@rally.test"
    with app.app_context():
        from rally.news.models import Event

        event = db.session.get(Event, event_id)
        assert item.decoded("DTSTART").replace(tzinfo=None) == event.starts_at.replace(
            microsecond=0
        )
        assert item.decoded("DTSTART").utcoffset() == timedelta(0)


def test_the_calendar_feed_lists_published_events(app, client, make_event):
    make_event(title={"en": "Coming"})
    make_event(title={"en": "Not yet published"}, publish_at=utcnow() + timedelta(days=1))
    calendar = Calendar.from_ical(client.get("/events/calendar.ics?lang=en").data)
    assert [str(item["SUMMARY"]) for item in calendar.walk("VEVENT")] == ["Coming"]


def test_the_reminder_command_sends_each_reminder_once(
    app, runner, make_event, make_resident, visitor_client
):
    tomorrow = make_event(
        capacity=1, starts_at=utcnow() + timedelta(hours=20), ends_at=utcnow() + timedelta(hours=22)
    )
    later = make_event(capacity=5)  # in two days: not yet
    seated, waiting = make_resident("en"), make_resident()
    _register(visitor_client, tomorrow, seated)
    _register(visitor_client, tomorrow, waiting)
    _register(visitor_client, later, seated)

    first = runner.invoke(args=["events", "remind"])
    second = runner.invoke(args=["events", "remind"])
    assert first.exit_code == 0, first.output
    assert "Reminders queued: 1." in first.output
    assert "Reminders queued: 0." in second.output
    with app.app_context():
        mails = outbox()
        assert len(mails) == 1
        assert mails[0]["Subject"] == "Reminder: Round table"
        assert ONLINE_URL in mails[0].get_content()
        reminded = db.session.scalars(
            db.select(EventRegistration.visitor_id).where(
                EventRegistration.reminded_at.is_not(None)
            )
        ).all()
        assert reminded == [seated]


def test_only_the_association_sees_and_exports_registrations(
    app, client, admin_client, merchant_client, make_event, make_resident, visitor_client
):
    event_id = make_event(capacity=1)
    seated, waiting = make_resident(), make_resident()
    _register(visitor_client, event_id, seated)
    _register(visitor_client, event_id, waiting)
    page = f"/manage/events/{event_id}/registrations"
    export = f"/admin/exports/events/{event_id}/registrations.csv"
    for path in (page, export, f"/manage/events/{event_id}/attendance-code"):
        assert client.get(path).status_code == 302  # anonymous: the log-in
        assert merchant_client.get(path).status_code == 403
        assert visitor_client(seated).get(path).status_code == 302
    revoke = f"/manage/events/{event_id}/attendance-code/revoke"
    assert merchant_client.post(revoke).status_code == 403
    with app.app_context():
        from rally.news.models import Event

        assert db.session.get(Event, event_id).attendance_key == 1  # refused: unchanged
    text = admin_client.get(page, headers=EN).get_data(as_text=True)
    assert 'data-testid="count-registered">1<' in text
    assert 'data-testid="count-waiting">1<' in text
    response = admin_client.get(export, headers=EN)
    assert response.status_code == 200
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Registration ID,E-mail,Status,Place in the list")
    assert [line.split(",")[2] for line in lines[1:]] == ["Has a seat", "On the waiting list"]


def test_the_export_defuses_formulas(app, admin_client, make_event, make_resident, ctx):
    from rally.visitors.models import Visitor

    event_id = make_event()
    visitor = db.session.get(Visitor, make_resident())
    visitor.email = "=cmd@example.jp"
    db.session.add(
        EventRegistration(
            event_id=event_id, visitor_id=visitor.id, status=RegistrationStatus.registered
        )
    )
    db.session.commit()
    text = admin_client.get(f"/admin/exports/events/{event_id}/registrations.csv").get_data(
        as_text=True
    )
    assert ",'=cmd@example.jp," in text


def test_the_event_form_refuses_held_seats_beyond_capacity(app, admin_client, ctx):
    from rally.news.models import Event

    response = admin_client.post(
        "/manage/events/new",
        headers=EN,
        data={
            "title-en": "Too many held",
            "starts_at": "2030-01-10T10:00",
            "ends_at": "2030-01-10T12:00",
            "mode": "in_person",
            "takes_registrations": "y",
            "capacity": "2",
            "held_seats": "3",
        },
    )
    assert response.status_code == 400
    assert "More seats are held back than the event has." in response.get_data(as_text=True)
    assert db.session.query(Event).count() == 0


def test_an_online_link_must_be_a_web_address(app, admin_client, ctx):
    from rally.news.models import Event

    response = admin_client.post(
        "/manage/events/new",
        headers=EN,
        data={
            "title-en": "Online",
            "starts_at": "2030-01-10T10:00",
            "ends_at": "2030-01-10T12:00",
            "mode": "online",
            "online_url": "javascript:alert(1)",
        },
    )
    assert response.status_code == 400
    assert db.session.query(Event).count() == 0


def test_the_association_creates_an_event_and_adding_seats_promotes_at_once(
    app, admin_client, make_resident, visitor_client, make_campaign
):
    from rally.news.models import Event

    _, checkpoints = make_campaign(stores=1)
    form = {
        "title-en": "Clean-up",
        "starts_at": "2030-01-10T10:00",
        "ends_at": "2030-01-10T12:00",
        "mode": "mixed",
        "online_url": "https://meet.example.jp/clean-up",
        "takes_registrations": "y",
        "capacity": "2",
        "held_seats": "1",
        "checkpoint_id": str(checkpoints[0]),
    }
    assert "Attending gives the stamp of" in admin_client.get(
        "/manage/events/new", headers=EN
    ).get_data(as_text=True)
    assert admin_client.post("/manage/events/new", data=form).status_code == 303
    with app.app_context():
        event = db.session.scalar(db.select(Event))
        assert (event.capacity, event.held_seats, event.open_seats) == (2, 1, 1)
        assert event.checkpoint_id == checkpoints[0]
        event_id = event.id
    seated, waiting = make_resident(), make_resident()
    _register(visitor_client, event_id, seated)
    _register(visitor_client, event_id, waiting)
    response = admin_client.post(
        f"/manage/events/{event_id}/edit", data={**form, "held_seats": "0"}
    )
    assert response.status_code == 303
    with app.app_context():
        assert [mail["Subject"] for mail in outbox()] == ["席が確保されました: Clean-up"]
        rows = db.session.scalars(db.select(EventRegistration.status)).all()
        assert rows == [RegistrationStatus.registered] * 2
