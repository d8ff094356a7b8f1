"""The state machine: each change the association may make, each refused (its code, the
database unchanged), the answer required to accept or not adopt, and withdrawal."""

import pytest

from rally.extensions import db
from rally.ideas import operations
from rally.ideas.models import IdeaChange, IdeaState
from rally.ideas.operations import IdeaError
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .conftest import answered, get_idea, snapshot

S = IdeaState
ALLOWED = [
    (S.submitted, S.evaluating),
    (S.evaluating, S.accepted),
    (S.evaluating, S.not_adopted),
    (S.accepted, S.in_progress),
    (S.in_progress, S.done),
]
REFUSED = [
    (was, to)
    for was in IdeaState
    for to in IdeaState
    if (was, to) not in ALLOWED and to is not S.withdrawn
]


@pytest.mark.parametrize(("was", "to"), ALLOWED)
def test_each_allowed_change_moves_the_idea_and_records_it(app, make_idea, was, to):
    idea_id = make_idea(state=was)
    with app.app_context():
        answered(idea_id)
        change = operations.change_state(get_idea(idea_id), to, utcnow())
        db.session.commit()
        idea = get_idea(idea_id)
        assert idea.state is to
        assert (change.kind.value, change.from_state, change.to_state) == (
            "state",
            was.value,
            to.value,
        )
        if to is S.done:
            assert idea.progress == 100 and idea.done_at is not None


@pytest.mark.parametrize(("was", "to"), REFUSED)
def test_each_other_change_is_refused_and_changes_nothing(app, make_idea, was, to):
    idea_id = make_idea(state=was)
    with app.app_context():
        answered(idea_id)
        db.session.commit()
        before = snapshot(idea_id)
        with pytest.raises(IdeaError) as refused:
            operations.change_state(get_idea(idea_id), to, utcnow())
        assert refused.value.code == "transition_refused"
        assert refused.value.status == 409
        db.session.rollback()
        assert snapshot(idea_id) == before


@pytest.mark.parametrize("to", [S.accepted, S.not_adopted])
def test_accepting_or_not_adopting_needs_a_published_answer(app, make_idea, to):
    idea_id = make_idea(state=S.evaluating)
    with app.app_context():
        idea = get_idea(idea_id)
        operations.save_answer_draft(idea, "下書きです")  # a draft is not an answer
        db.session.commit()
        before = snapshot(idea_id)
        with pytest.raises(IdeaError) as refused:
            operations.change_state(get_idea(idea_id), to, utcnow())
        assert refused.value.code == "answer_required"
        db.session.rollback()
        assert snapshot(idea_id) == before
        operations.publish_answer(get_idea(idea_id), utcnow())
        operations.change_state(get_idea(idea_id), to, utcnow())
        db.session.commit()
        assert get_idea(idea_id).state is to
        assert get_idea(idea_id).answer == "下書きです"


def test_an_answer_is_drafted_unseen_and_published_later(app, make_idea, client):
    idea_id = make_idea()
    with app.app_context():
        operations.save_answer_draft(get_idea(idea_id), "検討中の回答 <b>x</b>")
        db.session.commit()
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert "検討中の回答" not in page
    with app.app_context():
        operations.publish_answer(get_idea(idea_id), utcnow())
        db.session.commit()
        with pytest.raises(IdeaError) as again:
            operations.publish_answer(get_idea(idea_id), utcnow())
        assert again.value.code == "answer_unchanged"
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert "検討中の回答 &lt;b&gt;x&lt;/b&gt;" in page


def test_publishing_an_empty_answer_is_refused(app, make_idea):
    idea_id = make_idea(state=S.evaluating)
    with app.app_context():
        with pytest.raises(IdeaError) as refused:
            operations.publish_answer(get_idea(idea_id), utcnow())
        assert refused.value.code == "answer_empty"


@pytest.mark.parametrize("was", [S.submitted, S.evaluating])
def test_the_author_withdraws_a_waiting_idea(app, make_idea, make_visitor, was):
    author = make_visitor()
    idea_id = make_idea(author_id=author, state=was)
    with app.app_context():
        change = operations.withdraw(get_idea(idea_id), db.session.get(Visitor, author), utcnow())
        db.session.commit()
        assert get_idea(idea_id).state is S.withdrawn
        assert change.actor_id == author


@pytest.mark.parametrize("was", [S.accepted, S.not_adopted, S.in_progress, S.done, S.withdrawn])
def test_a_decided_idea_cannot_be_withdrawn(app, make_idea, make_visitor, was):
    author = make_visitor()
    idea_id = make_idea(author_id=author, state=was)
    with app.app_context():
        before = snapshot(idea_id)
        with pytest.raises(IdeaError) as refused:
            operations.withdraw(get_idea(idea_id), db.session.get(Visitor, author), utcnow())
        assert refused.value.code == "transition_refused"
        db.session.rollback()
        assert snapshot(idea_id) == before


def test_only_the_author_withdraws(app, make_idea, make_visitor):
    idea_id = make_idea()
    other = make_visitor()
    with app.app_context():
        before = snapshot(idea_id)
        with pytest.raises(IdeaError) as refused:
            operations.withdraw(get_idea(idea_id), db.session.get(Visitor, other), utcnow())
        assert (refused.value.code, refused.value.status) == ("not_author", 403)
        db.session.rollback()
        assert snapshot(idea_id) == before


def test_progress_updates_belong_to_accepted_ideas(app, make_idea):
    from datetime import date

    idea_id = make_idea(state=S.evaluating)
    data = operations.UpdateInput(date(2026, 12, 1), {"ja": "工事開始"}, 40)
    with app.app_context():
        before = snapshot(idea_id)
        with pytest.raises(IdeaError) as refused:
            operations.add_update(get_idea(idea_id), data, utcnow())
        assert refused.value.code == "no_result"
        db.session.rollback()
        assert snapshot(idea_id) == before
        get_idea(idea_id).state = S.in_progress
        change = operations.add_update(get_idea(idea_id), data, utcnow())
        db.session.commit()
        assert get_idea(idea_id).progress == 40
        assert change.update.text == {"ja": "工事開始"}
        with pytest.raises(IdeaError) as bad:
            operations.add_update(
                get_idea(idea_id),
                operations.UpdateInput(date(2026, 12, 2), {"ja": "x"}, 140),
                utcnow(),
            )
        assert bad.value.code == "bad_progress"
        assert db.session.query(IdeaChange).count() == 1
