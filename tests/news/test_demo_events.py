"""The demo's events with places: an online event with a full list and a waiting list, an
in-person event with its attendance; seeding twice adds nothing."""

from rally.extensions import db
from rally.news import registrations
from rally.news.demo import seed_events_with_places
from rally.news.models import EventMode, EventRegistration
from rally.utils import utcnow


def test_the_demo_has_a_full_online_event_and_an_attended_one(app, ctx):
    events = seed_events_with_places(utcnow())
    seed_events_with_places(utcnow())
    db.session.commit()
    online, held = events["online_event"], events["in_person_event"]
    assert online.mode is EventMode.online
    seats = registrations.seats(online)
    assert (seats.left, seats.waiting) == (0, 2)
    assert held.mode is EventMode.in_person
    attended = db.session.scalars(
        db.select(EventRegistration).where(
            EventRegistration.event_id == held.id, EventRegistration.attended_at.is_not(None)
        )
    ).all()
    assert len(attended) == 3
    assert db.session.query(EventRegistration).count() == 9
