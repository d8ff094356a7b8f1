"""The association accepts (or does not adopt) an idea with its answer in one submission:
one change, so each supporter is told once (one notification, one e-mail carrying the
answer); refusals change nothing; other states keep publishing the answer on its own."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from rally.extensions import db
from rally.ideas import operations
from rally.ideas.models import IdeaChange, IdeaState
from rally.mail import outbox
from rally.notifications.models import Notification
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .conftest import answered, get_idea, snapshot


@pytest.fixture
def evaluated(app, make_visitor, make_idea):
    """An idea being evaluated, with no answer, its author and two supporters."""
    author = make_visitor(locale="en")
    supporters = [make_visitor(), make_visitor(locale="ko")]
    idea_id = make_idea(author_id=author)
    with app.app_context():
        idea = get_idea(idea_id)
        for visitor_id in supporters:
            operations.support(idea, db.session.get(Visitor, visitor_id), utcnow())
        idea.state = IdeaState.evaluating
        db.session.commit()
    return idea_id, {author, *supporters}


def _told() -> Counter:
    return Counter(
        db.session.scalars(select(Notification.visitor_id).where(Notification.kind == "idea"))
    )


def _changes(idea_id) -> list[IdeaChange]:
    return list(db.session.scalars(select(IdeaChange).where(IdeaChange.idea_id == idea_id)))


@pytest.mark.parametrize("to", [IdeaState.accepted, IdeaState.not_adopted])
def test_deciding_with_the_answer_tells_each_supporter_once(app, evaluated, to):
    idea_id, everyone = evaluated
    with app.app_context():
        outbox().clear()
        operations.change_state(get_idea(idea_id), to, utcnow(), "  商店会で整備します。 ")
        db.session.commit()
        idea = get_idea(idea_id)
        assert idea.state is to and idea.has_answer
        assert idea.answer == "商店会で整備します。"
        changes = _changes(idea_id)
        assert [(c.kind.value, c.to_state) for c in changes] == [("state", to.value)]
        told = _told()
        assert set(told) == everyone and set(told.values()) == {1}
        assert len(outbox()) == 3 and len({m["To"] for m in outbox()}) == 3
        assert all("商店会で整備します。" in m.get_content() for m in outbox())


def test_the_admin_page_accepts_with_the_answer_in_one_submission(app, evaluated, admin_client):
    idea_id, everyone = evaluated
    page = admin_client.get(f"/admin/ideas/{idea_id}").get_data(as_text=True)
    assert 'data-testid="answer-form"' not in page  # the answer goes with the decision
    assert 'name="text"' in page and 'value="accepted"' in page
    with app.app_context():
        outbox().clear()
    response = admin_client.post(
        f"/admin/ideas/{idea_id}/state", data={"to": "accepted", "text": "実施します。"}
    )
    assert response.status_code == 303
    with app.app_context():
        idea = get_idea(idea_id)
        assert (idea.state, idea.answer) == (IdeaState.accepted, "実施します。")
        assert len(_changes(idea_id)) == 1
        told = _told()
        assert set(told) == everyone and set(told.values()) == {1}
        assert len(outbox()) == 3
    page = admin_client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert "実施します。" in page
    # Accepted: the answer is published on its own again (a correction is its own change).
    admin_page = admin_client.get(f"/admin/ideas/{idea_id}").get_data(as_text=True)
    assert 'data-testid="answer-form"' in admin_page


def test_an_answer_published_before_is_kept_when_the_decision_brings_none(app, evaluated):
    idea_id, everyone = evaluated
    with app.app_context():
        answered(idea_id, "前に公開した回答")
        db.session.commit()
        before = len(_changes(idea_id))
        operations.change_state(get_idea(idea_id), IdeaState.not_adopted, utcnow(), "")
        db.session.commit()
        idea = get_idea(idea_id)
        assert (idea.state, idea.answer) == (IdeaState.not_adopted, "前に公開した回答")
        assert len(_changes(idea_id)) == before + 1


def test_the_save_button_keeps_a_draft_and_tells_nobody(app, evaluated, admin_client):
    idea_id, _ = evaluated
    response = admin_client.post(
        f"/admin/ideas/{idea_id}/answer", data={"to": "accepted", "text": "下書き", "save": "1"}
    )
    assert response.status_code == 303
    with app.app_context():
        idea = get_idea(idea_id)
        assert (idea.state, idea.answer_draft, idea.has_answer) == (
            IdeaState.evaluating,
            "下書き",
            False,
        )
        assert _changes(idea_id) == [] and not _told()


def test_a_decision_without_an_answer_is_refused_and_changes_nothing(app, evaluated, admin_client):
    idea_id, _ = evaluated
    with app.app_context():
        before = snapshot(idea_id)
        with pytest.raises(operations.IdeaError) as refused:
            operations.change_state(get_idea(idea_id), IdeaState.accepted, utcnow(), "  ")
        assert refused.value.code == "answer_required"
        db.session.rollback()
    response = admin_client.post(f"/admin/ideas/{idea_id}/state", data={"to": "accepted"})
    assert response.status_code == 303
    with app.app_context():
        assert snapshot(idea_id) == before


def test_a_refused_move_publishes_no_answer(app, make_idea, admin_client):
    idea_id = make_idea()  # submitted: it cannot be accepted yet
    with app.app_context():
        before = snapshot(idea_id)
        with pytest.raises(operations.IdeaError) as refused:
            operations.change_state(get_idea(idea_id), IdeaState.accepted, utcnow(), "回答")
        assert refused.value.code == "transition_refused"
        db.session.rollback()
    response = admin_client.post(
        f"/admin/ideas/{idea_id}/state", data={"to": "accepted", "text": "回答"}
    )
    assert response.status_code == 303
    with app.app_context():
        assert snapshot(idea_id) == before
        idea = get_idea(idea_id)
        assert (idea.answer_published_at, idea.answer_draft) == (None, "")
        assert db.session.scalar(select(func.count()).select_from(IdeaChange)) == 0
