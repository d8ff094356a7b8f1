"""Every change tells the author, the supporters and the followers once each (in-app, and
one e-mail per recipient in their language), never the one who made it."""

from collections import Counter

import pytest
from sqlalchemy import select

from rally.extensions import db
from rally.ideas import operations
from rally.ideas.mails import send_change_mails
from rally.ideas.models import IdeaState
from rally.mail import outbox
from rally.notifications.models import Notification
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .conftest import answered, get_idea


@pytest.fixture
def people(app, make_visitor, make_idea):
    """An idea with its author (English), two supporters, a follower and one who does both."""
    author = make_visitor(locale="en")
    supporter = make_visitor(verified=True)
    digital = make_visitor(locale="en")
    follower = make_visitor()
    both = make_visitor(locale="ko")
    idea_id = make_idea(author_id=author, title="Benches <in> the park & more")
    with app.app_context():
        idea = get_idea(idea_id)
        for visitor_id in (supporter, digital, both):
            operations.support(idea, db.session.get(Visitor, visitor_id), utcnow())
        for visitor_id in (follower, both):
            operations.follow(idea, db.session.get(Visitor, visitor_id), utcnow())
        db.session.commit()
    return {
        "idea": idea_id,
        "author": author,
        "supporter": supporter,
        "digital": digital,
        "follower": follower,
        "both": both,
    }


def _told(change_id) -> Counter:
    return Counter(
        db.session.scalars(
            select(Notification.visitor_id).where(
                Notification.kind == "idea", Notification.detail == str(change_id)
            )
        )
    )


def test_a_change_tells_author_supporters_and_followers_exactly_once(app, people):
    everyone = {people[k] for k in ("author", "supporter", "digital", "follower", "both")}
    with app.app_context():
        change = operations.change_state(get_idea(people["idea"]), IdeaState.evaluating, utcnow())
        db.session.commit()
        told = _told(change.id)
        assert set(told) == everyone
        assert set(told.values()) == {1}
        answer = answered(people["idea"])
        db.session.commit()
        answer_change = max(c.id for c in operations.history(answer))
        assert set(_told(answer_change)) == everyone
        assert set(_told(answer_change).values()) == {1}


def test_the_author_withdrawing_is_not_told_of_it(app, people):
    with app.app_context():
        author = db.session.get(Visitor, people["author"])
        change = operations.withdraw(get_idea(people["idea"]), author, utcnow())
        db.session.commit()
        told = _told(change.id)
        assert people["author"] not in told
        assert set(told) == {people[k] for k in ("supporter", "digital", "follower", "both")}


def test_withdrawn_support_and_unfollowing_stop_the_telling(app, people):
    with app.app_context():
        idea = get_idea(people["idea"])
        operations.withdraw_support(idea, db.session.get(Visitor, people["supporter"]))
        operations.unfollow(idea, db.session.get(Visitor, people["follower"]))
        change = operations.change_state(idea, IdeaState.evaluating, utcnow())
        db.session.commit()
        told = _told(change.id)
        assert people["supporter"] not in told and people["follower"] not in told


def test_one_mail_per_recipient_per_change_in_their_language(app, people):
    with app.app_context():
        answered(people["idea"], "Yes, we will.")
        db.session.commit()  # publishing the answer is a change of its own: its mails go
        outbox().clear()
        idea = get_idea(people["idea"])
        idea.state = IdeaState.evaluating
        change = operations.change_state(idea, IdeaState.accepted, utcnow())
        db.session.flush()
        assert outbox() == []  # nothing is sent inside the transaction
        db.session.commit()  # the job runs after the commit (immediate mode in tests)
        mails = {m["To"]: m for m in outbox()}
        assert len(outbox()) == 5 and len(mails) == 5
        assert send_change_mails.call_local(change.id) == 0  # run again: queued once each
        assert len(outbox()) == 5
        emails = {k: db.session.get(Visitor, people[k]).email for k in people if k != "idea"}
        english = mails[emails["author"]].get_content()
        japanese = mails[emails["supporter"]].get_content()
        korean = mails[emails["both"]].get_content()
        assert "was accepted" in english and "Yes, we will." in english
        assert "採用されました" in japanese
        assert "채택되었습니다" in korean
        assert "Benches <in> the park & more" in english
        assert "/ideas/" in english


def test_notifications_are_worded_in_the_readers_language(app, people, visitor_client):
    with app.app_context():
        answered(people["idea"])
        idea = get_idea(people["idea"])
        idea.state = IdeaState.evaluating
        operations.change_state(idea, IdeaState.accepted, utcnow())
        db.session.commit()
    client = visitor_client(people["author"])
    page = client.get("/me/notifications", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The idea “Benches &lt;in&gt; the park &amp; more” was accepted" in page
    assert "The association answered the idea" in page
    page = visitor_client(people["supporter"]).get(
        "/me/notifications", headers={"Accept-Language": "ja"}
    )
    assert "採用されました" in page.get_data(as_text=True)
