"""Registering for an event: seats, held seats, closing time, the waiting list, the race for
the last seat, promotion on cancellation and its one e-mail."""

from datetime import timedelta

from rally.extensions import db
from rally.mail import outbox
from rally.news import registrations
from rally.news.models import Event, EventRegistration
from rally.news.signals import seat_promoted
from rally.utils import utcnow
from rally.visitors.models import Visitor

EN = {"Accept-Language": "en"}


def _register(visitor_client, event_id, visitor_id):
    return visitor_client(visitor_id).post(f"/events/{event_id}/register")


def _rows(app):
    with app.app_context():
        return db.session.query(EventRegistration).count()


def test_open_seats_are_capacity_less_held_seats_then_the_waiting_list(
    app, make_event, make_resident, visitor_client, statuses
):
    event_id = make_event(capacity=3, held_seats=1)
    first, second, third = (make_resident() for _ in range(3))
    for resident in (first, second, third):
        assert _register(visitor_client, event_id, resident).status_code == 303
    assert statuses(event_id) == {first: "registered", second: "registered", third: "waitlisted"}
    page = visitor_client(third).get(f"/events/{event_id}", headers=EN).get_data(as_text=True)
    assert "You are number 1 on the waiting list" in page


def test_registering_twice_changes_nothing(app, make_event, make_resident, visitor_client):
    event_id = make_event(capacity=1)
    resident = make_resident()
    _register(visitor_client, event_id, resident)
    _register(visitor_client, event_id, resident)
    assert _rows(app) == 1


def test_registration_closes_at_its_closing_time(
    app, make_event, make_resident, visitor_client, ctx
):
    event_id = make_event(registration_closes_at=utcnow() - timedelta(minutes=1))
    client = visitor_client(make_resident())
    response = client.post(f"/events/{event_id}/register", headers=EN, follow_redirects=True)
    assert "Registration for this event has closed." in response.get_data(as_text=True)
    assert _rows(app) == 0
    event = db.session.get(Event, event_id)
    visitor = db.session.get(Visitor, make_resident())
    try:
        registrations.register(event, visitor, utcnow())
    except registrations.RegistrationError as error:
        assert error.code == "registration_closed"
    else:
        raise AssertionError("registered after the closing time")


def test_an_event_without_registrations_refuses_them(
    app, make_event, make_resident, visitor_client
):
    event_id = make_event(takes_registrations=False)
    response = _register(visitor_client, event_id, make_resident())
    assert response.status_code == 303
    assert _rows(app) == 0


def test_16_residents_race_for_the_last_seat(
    app, make_event, make_resident, visitor_client, statuses, race
):
    event_id = make_event(capacity=2)
    early = make_resident()
    _register(visitor_client, event_id, early)
    racers = [make_resident() for _ in range(16)]

    def prepare(index):
        client = visitor_client(racers[index])
        return lambda: client.post(f"/events/{event_id}/register").status_code

    assert race(16, prepare) == [303] * 16
    found = statuses(event_id)
    raced = [found[resident] for resident in racers]
    assert found[early] == "registered"
    assert raced.count("registered") == 1
    assert raced.count("waitlisted") == 15


def test_cancelling_moves_the_first_waiting_up_and_tells_them_once(
    app, make_event, make_resident, visitor_client, statuses
):
    event_id = make_event(capacity=1)
    seated, first_waiting, second_waiting = make_resident(), make_resident("en"), make_resident()
    for resident in (seated, first_waiting, second_waiting):
        _register(visitor_client, event_id, resident)
    announced = []

    def listen(sender):
        announced.append(sender.visitor_id)

    seat_promoted.connect(listen)
    try:
        response = visitor_client(seated).post(f"/events/{event_id}/cancel")
    finally:
        seat_promoted.disconnect(listen)
    assert response.status_code == 303
    assert statuses(event_id) == {
        seated: "cancelled",
        first_waiting: "registered",
        second_waiting: "waitlisted",
    }
    assert announced == [first_waiting]
    with app.app_context():
        promoted_email = db.session.get(Visitor, first_waiting).email
        mails = [mail for mail in outbox() if mail["To"] == promoted_email]
        assert len(outbox()) == 1
    assert len(mails) == 1
    assert mails[0]["Subject"] == "You have a seat: Round table"
    assert "https://meet.example.jp/secret-room-42" in mails[0].get_content()


def test_leaving_the_waiting_list_promotes_nobody(
    app, make_event, make_resident, visitor_client, statuses
):
    event_id = make_event(capacity=1)
    seated, waiting = make_resident(), make_resident()
    _register(visitor_client, event_id, seated)
    _register(visitor_client, event_id, waiting)
    visitor_client(waiting).post(f"/events/{event_id}/cancel")
    assert statuses(event_id) == {seated: "registered", waiting: "cancelled"}
    with app.app_context():
        assert outbox() == []


def test_cancelling_without_a_registration_is_refused_and_changes_nothing(
    app, make_event, make_resident, visitor_client
):
    event_id = make_event()
    client = visitor_client(make_resident())
    response = client.post(f"/events/{event_id}/cancel", headers=EN, follow_redirects=True)
    assert "You are not registered for this event." in response.get_data(as_text=True)
    assert _rows(app) == 0


def test_the_association_adding_seats_moves_the_waiting_list_up(
    app, admin_client, make_event, make_resident, visitor_client, statuses
):
    event_id = make_event(capacity=1)
    seated, waiting = make_resident(), make_resident()
    _register(visitor_client, event_id, seated)
    _register(visitor_client, event_id, waiting)
    with app.app_context():
        event = db.session.get(Event, event_id)
        registrations.fill_seats(event, utcnow())  # no free seat: nobody moves
        event.capacity = 2
        promoted = registrations.fill_seats(event, utcnow())
        assert [row.visitor_id for row in promoted] == [waiting]
        db.session.commit()
    assert statuses(event_id) == {seated: "registered", waiting: "registered"}


def test_anonymous_residents_are_sent_to_log_in(app, client, make_event):
    event_id = make_event()
    response = client.post(f"/events/{event_id}/register")
    assert response.status_code == 303
    assert response.location.endswith("/me/login")
    assert _rows(app) == 0
    page = client.get(f"/events/{event_id}", headers=EN).get_data(as_text=True)
    assert "Log in with your account to register." in page
