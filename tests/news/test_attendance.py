"""Attendance by the venue's QR code: signed, current, once per resident."""

from datetime import timedelta

from rally.extensions import db
from rally.news import registrations
from rally.news.models import Event, EventRegistration, RegistrationStatus
from rally.utils import utcnow

EN = {"Accept-Language": "en"}


def _running(make_event, **kw):
    now = utcnow()
    return make_event(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=1), **kw)


def _token(app, event_id, steps_back=0):
    with app.test_request_context():
        event = db.session.get(Event, event_id)
        step = registrations.time_step(utcnow()) - steps_back
        return registrations.attendance_token(event, step)


def _attended(app, event_id):
    with app.app_context():
        return db.session.scalars(
            db.select(EventRegistration.visitor_id).where(
                EventRegistration.event_id == event_id, EventRegistration.attended_at.is_not(None)
            )
        ).all()


def _seat(app, event_id, visitor_id):
    """A seat taken before the event started."""
    with app.app_context():
        db.session.add(
            EventRegistration(
                event_id=event_id, visitor_id=visitor_id, status=RegistrationStatus.registered
            )
        )
        db.session.commit()


def test_a_registered_resident_scans_the_current_code_once(
    app, make_event, make_resident, visitor_client
):
    event_id = _running(make_event)
    resident = make_resident()
    _seat(app, event_id, resident)
    client = visitor_client(resident)
    token = _token(app, event_id)
    page = client.get(f"/events/attend/{token}", headers=EN)
    assert page.status_code == 200 and "I am here" in page.get_data(as_text=True)
    assert _attended(app, event_id) == []  # a GET changes nothing
    done = client.post(f"/events/attend/{token}", headers=EN)
    assert "Your attendance is recorded." in done.get_data(as_text=True)
    assert _attended(app, event_id) == [resident]
    again = client.post(f"/events/attend/{token}", headers=EN)
    assert again.status_code == 409
    assert "already recorded" in again.get_data(as_text=True)
    assert _attended(app, event_id) == [resident]


def test_the_previous_step_is_still_accepted(app, make_event, make_resident, visitor_client):
    event_id = _running(make_event)
    resident = make_resident()
    _seat(app, event_id, resident)
    response = visitor_client(resident).post(f"/events/attend/{_token(app, event_id, 1)}")
    assert response.status_code == 200
    assert _attended(app, event_id) == [resident]


def test_a_forged_code_is_refused(app, make_event, make_resident, visitor_client):
    event_id = _running(make_event)
    resident = make_resident()
    _seat(app, event_id, resident)
    token = _token(app, event_id)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = visitor_client(resident).post(f"/events/attend/{forged}", headers=EN)
    assert response.status_code == 404
    assert "This code is not valid." in response.get_data(as_text=True)
    assert _attended(app, event_id) == []


def test_a_replayed_old_code_is_refused(app, make_event, make_resident, visitor_client):
    event_id = _running(make_event)
    resident = make_resident()
    _seat(app, event_id, resident)
    response = visitor_client(resident).post(
        f"/events/attend/{_token(app, event_id, steps_back=4)}", headers=EN
    )
    assert response.status_code == 409
    assert "This code has expired." in response.get_data(as_text=True)
    assert _attended(app, event_id) == []


def test_a_revoked_code_is_refused(app, admin_client, make_event, make_resident, visitor_client):
    event_id = _running(make_event)
    resident = make_resident()
    _seat(app, event_id, resident)
    token = _token(app, event_id)
    assert admin_client.post(f"/manage/events/{event_id}/attendance-code/revoke").status_code == 303
    assert visitor_client(resident).post(f"/events/attend/{token}").status_code == 404
    assert _attended(app, event_id) == []


def test_a_resident_not_registered_is_not_counted(app, make_event, make_resident, visitor_client):
    event_id = _running(make_event)
    stranger = make_resident()
    response = visitor_client(stranger).post(f"/events/attend/{_token(app, event_id)}")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.query(EventRegistration).count() == 0


def test_a_code_of_another_day_is_refused(app, make_event, make_resident, visitor_client):
    event_id = make_event()  # in two days
    resident = make_resident()
    visitor_client(resident).post(f"/events/{event_id}/register")
    response = visitor_client(resident).post(f"/events/attend/{_token(app, event_id)}")
    assert response.status_code == 409
    assert _attended(app, event_id) == []


def test_the_venue_screen_shows_the_current_code(app, admin_client, make_event):
    import base64
    import re

    from rally.qr import qr_svg

    event_id = _running(make_event)
    page = admin_client.get(f"/manage/events/{event_id}/attendance-code").get_data(as_text=True)
    url = re.search(r'data-url="([^"]+)"', page).group(1)
    base = "http://rally.test/events/attend/"
    assert url in {base + _token(app, event_id), base + _token(app, event_id, 1)}  # a step may end
    image = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(image) == qr_svg(url)


def test_attending_an_event_that_is_a_checkpoint_gives_its_stamp_once(
    app, make_event, make_resident, visitor_client, make_campaign, stamps_of
):
    _, checkpoints = make_campaign(stores=1)
    event_id = _running(make_event, checkpoint_id=checkpoints[0])
    resident = make_resident()
    _seat(app, event_id, resident)
    client = visitor_client(resident)
    response = client.post(f"/events/attend/{_token(app, event_id)}", headers=EN)
    assert "Your stamp card also has the stamp of" in response.get_data(as_text=True)
    client.post(f"/events/attend/{_token(app, event_id)}")
    with app.app_context():
        from rally.cards.models import Card

        card = db.session.scalar(db.select(Card).where(Card.visitor_id == resident))
        assert stamps_of(checkpoints[0]) == [(card.id, None)]
    assert _attended(app, event_id) == [resident]


def test_a_stamp_the_campaign_refuses_leaves_the_attendance(
    app, make_event, make_resident, visitor_client, make_campaign, stamps_of
):
    _, checkpoints = make_campaign(stores=1, starts=1)  # not started yet
    event_id = _running(make_event, checkpoint_id=checkpoints[0])
    resident = make_resident()
    _seat(app, event_id, resident)
    response = visitor_client(resident).post(f"/events/attend/{_token(app, event_id)}")
    assert response.status_code == 200
    assert _attended(app, event_id) == [resident]
    assert stamps_of(checkpoints[0]) == []
