"""Events with places: an event factory and residents (visitor accounts)."""

import itertools
from datetime import timedelta

import pytest

from rally.extensions import db
from rally.news.models import Event, EventMode, EventRegistration
from rally.utils import utcnow
from rally.visitors.models import Visitor

_n = itertools.count(1)
ONLINE_URL = "https://meet.example.jp/secret-room-42"


@pytest.fixture
def make_event(app):
    """An event that takes registrations, starting in two days; returns its id."""

    def make(**kw):
        now = utcnow()
        values = {
            "title": {"ja": "座談会", "en": "Round table"},
            "body": {"ja": "まちの話", "en": "Talking about the town"},
            "place": {"ja": "公民館", "en": "Community hall"},
            "starts_at": now + timedelta(days=2),
            "ends_at": now + timedelta(days=2, hours=2),
            "publish_at": now - timedelta(days=1),
            "mode": EventMode.online,
            "online_url": ONLINE_URL,
            "takes_registrations": True,
            "capacity": 3,
            "held_seats": 0,
        }
        values.update(kw)
        with app.app_context():
            event = Event(**values)
            db.session.add(event)
            db.session.commit()
            return event.id

    return make


@pytest.fixture
def make_resident(app):
    """A visitor account (a resident); returns its id."""

    def make(locale="ja"):
        with app.app_context():
            visitor = Visitor(email=f"guest{next(_n)}@example.jp", locale=locale)
            visitor.set_password("long enough pw")
            visitor.verified_at = utcnow()
            db.session.add(visitor)
            db.session.commit()
            return visitor.id

    return make


@pytest.fixture
def statuses(app):
    """``{visitor id: status value}`` of an event's registrations."""

    def read(event_id):
        with app.app_context():
            rows = db.session.scalars(
                db.select(EventRegistration).where(EventRegistration.event_id == event_id)
            )
            return {row.visitor_id: row.status.value for row in rows}

    return read


@pytest.fixture
def registration(app):
    def read(event_id, visitor_id):
        with app.app_context():
            row = db.session.scalar(
                db.select(EventRegistration).where(
                    EventRegistration.event_id == event_id,
                    EventRegistration.visitor_id == visitor_id,
                )
            )
            if row is not None:
                db.session.expunge(row)
            return row

    return read
