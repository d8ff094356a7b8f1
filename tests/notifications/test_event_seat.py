"""A resident who moves up from an event's waiting list finds it among their notifications."""

from datetime import timedelta

from sqlalchemy import select

from rally.extensions import db
from rally.news import registrations
from rally.news.models import Event
from rally.notifications.models import Notification
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .test_page import EN, JA, text_of


def make_full_event(app) -> int:
    now = utcnow()
    with app.app_context():
        event = Event(
            title={"ja": "まち歩き座談会", "en": "Town walk round table"},
            body={"ja": "まちの話", "en": "Talking about the town"},
            place={"ja": "公民館", "en": "Community hall"},
            starts_at=now + timedelta(days=2),
            ends_at=now + timedelta(days=2, hours=2),
            publish_at=now - timedelta(days=1),
            takes_registrations=True,
            capacity=1,
            held_seats=0,
        )
        db.session.add(event)
        db.session.commit()
        return event.id


def test_a_promoted_resident_is_told_in_their_language_and_led_to_the_event(
    app, make_resident, visitor_client
):
    event_id = make_full_event(app)
    seated, waiting = make_resident("けんじ"), make_resident("ゆき")
    with app.app_context():
        event = db.session.get(Event, event_id)
        registrations.register(event, db.session.get(Visitor, seated), utcnow())
        registrations.register(event, db.session.get(Visitor, waiting), utcnow())
        db.session.commit()
        assert db.session.scalars(select(Notification)).all() == []
        registrations.cancel(
            db.session.get(Event, event_id), db.session.get(Visitor, seated), utcnow()
        )
        db.session.commit()
        told = db.session.scalars(select(Notification)).all()
        assert [(row.visitor_id, row.kind, row.detail) for row in told] == [
            (waiting, "seat_promoted", str(event_id))
        ]
    client = visitor_client(waiting)
    assert "席が空き、「まち歩き座談会」に参加登録されました" in text_of(
        client.get("/me/notifications", headers=JA)
    )
    page = text_of(client.get("/me/notifications", headers=EN))
    assert "A seat freed up: you are now registered for “Town walk round table”" in page
    response = client.get(f"/me/notifications/{told[0].id}/open")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/events/{event_id}")
