"""The community side read through the API: residents' ideas (only those anyone may see,
the answer only once published) and the daily-life places (only published ones)."""

from sqlalchemy import select

from rally.demo import seed_demo
from rally.extensions import db
from rally.ideas.models import Idea, IdeaState
from rally.lifeinfo.models import LifeKind, LifePlace
from rally.threads.models import Post, PostState
from rally.utils import utcnow


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_ideas_anyone_may_see_with_their_state_answer_and_supports(app, client):
    with app.app_context():
        seed_demo(utcnow())
        ideas = list(db.session.scalars(select(Idea).order_by(Idea.id)))
        done = next(idea for idea in ideas if idea.state is IdeaState.done)
        draft_only = next(idea for idea in ideas if idea.state is IdeaState.submitted)
        draft_only.answer_draft = "まだ公開しない下書き"
        hidden = next(idea for idea in ideas if idea.id not in (done.id, draft_only.id))
        db.session.get(Post, hidden.thread_id).state = PostState.hidden
        db.session.commit()
        expected = {idea.id for idea in ideas} - {hidden.id}
        done_id, draft_id, hidden_id, done_answer = done.id, draft_only.id, hidden.id, done.answer

    listed = client.get("/api/v1/ideas?per_page=100")
    assert set(ids(listed)) == expected
    assert client.get(f"/api/v1/ideas/{hidden_id}").status_code == 404
    assert ids(client.get("/api/v1/ideas?state=done")) == [done_id]

    shown = client.get(f"/api/v1/ideas/{done_id}?lang=en").get_json()
    assert shown["state"] == "done" and shown["progress"] == 100
    assert shown["answer"] == done_answer and shown["answer_published_at"]
    assert shown["supports_verified"] + shown["supports_digital"] > 0
    assert shown["url"].endswith(f"/ideas/{done_id}")
    unanswered = client.get(f"/api/v1/ideas/{draft_id}").get_json()
    assert unanswered["answer"] is None  # a draft is nobody's business yet
    assert "まだ公開しない下書き" not in client.get(f"/api/v1/ideas/{draft_id}").text


def test_life_places_published_only_by_kind_and_in_the_readers_language(app, client):
    with app.app_context():
        seed_demo(utcnow())
        places = list(db.session.scalars(select(LifePlace).order_by(LifePlace.id)))
        clinics = {p.id for p in places if p.kind is LifeKind.clinic}
        unpublished = next(p for p in places if p.kind is LifeKind.clinic)
        unpublished.published = False
        db.session.commit()
        gone = unpublished.id
        name_en = next(p for p in places if p.id != gone).tr("name", "en")
        first = next(p.id for p in places if p.id != gone)
        every = {p.id for p in places}

    assert set(ids(client.get("/api/v1/life-places?per_page=100"))) == every - {gone}
    assert set(ids(client.get("/api/v1/life-places?kind=clinic"))) == clinics - {gone}
    assert client.get(f"/api/v1/life-places/{gone}").status_code == 404
    place = client.get(f"/api/v1/life-places/{first}?lang=en").get_json()
    assert place["name"] == name_en
    assert place["open_now"] in (True, False, None)
    assert place["url"].endswith(f"/life/{first}")
