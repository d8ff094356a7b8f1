"""The demo's ideas: one in every state, in Japanese and English; the done one has its
timeline and links the clean-up day it became; supports, a follower, answers."""

from sqlalchemy import select

from rally.demo import seed_demo
from rally.extensions import db
from rally.ideas.demo import seed_ideas
from rally.ideas.models import Idea, IdeaFollow, IdeaState, IdeaSupport
from rally.notifications.models import Notification
from rally.utils import utcnow


def test_the_demo_has_ideas_in_every_state_and_runs_twice(app, client):
    with app.app_context():
        seed_demo(utcnow())
        db.session.commit()
        seed_ideas(utcnow())  # again: nothing added
        db.session.commit()
        ideas = db.session.scalars(select(Idea)).all()
        assert {idea.state for idea in ideas} == set(IdeaState)
        assert len(ideas) == len({idea.title for idea in ideas}) == 7
        assert {idea.language for idea in ideas} == {"ja", "en"}
        done = next(idea for idea in ideas if idea.state is IdeaState.done)
        assert done.has_answer and done.progress == 100
        assert [u.progress for u in done.updates] == [30, 60, 100]
        event = done.updates[-1].event
        assert event is not None and event.title["ja"] == "商店街そうじの日"
        assert db.session.scalar(select(IdeaFollow.id)) is not None
        assert len(db.session.scalars(select(IdeaSupport.id)).all()) >= 10
        assert db.session.scalar(select(Notification.id).where(Notification.kind == "idea"))
        done_id, event_id = done.id, event.id
    page = client.get(f"/ideas/{done_id}", headers={"Accept-Language": "en"})
    assert f"/events/{event_id}" in page.get_data(as_text=True)
    listing = client.get("/ideas", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 idea done this year" in listing
