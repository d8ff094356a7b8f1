"""Supports decided by the database: 32 tries at once count once per resident (SQLite
serialises writers; PostgreSQL runs them truly at once)."""

from sqlalchemy import select

from rally.extensions import db
from rally.ideas.models import IdeaChange, IdeaState, IdeaSupport

from .conftest import answered, get_idea


def test_32_concurrent_supports_by_one_resident_count_once(
    app, make_idea, make_visitor, visitor_client, race
):
    idea_id = make_idea()
    resident = make_visitor()

    def prepare(index):
        client = visitor_client(resident)
        return lambda: client.post(f"/ideas/{idea_id}/support").status_code

    assert race(32, prepare) == [303] * 32
    with app.app_context():
        rows = db.session.scalars(select(IdeaSupport.visitor_id)).all()
    assert rows == [resident]


def test_32_residents_supporting_at_once_give_32(
    app, make_idea, make_visitor, visitor_client, race
):
    idea_id = make_idea()
    residents = [make_visitor() for _ in range(16)]
    order = residents * 2

    def prepare(index):
        client = visitor_client(order[index])
        return lambda: client.post(f"/ideas/{idea_id}/support").status_code

    assert race(32, prepare) == [303] * 32
    with app.app_context():
        rows = db.session.scalars(select(IdeaSupport.visitor_id)).all()
    assert sorted(rows) == sorted(residents)


def test_two_state_changes_at_once_move_the_idea_once(app, make_idea, admin_client, auth, race):
    idea_id = make_idea(state=IdeaState.evaluating)
    with app.app_context():
        answered(idea_id)
        db.session.commit()

    def prepare(index):
        # One client per thread, each with the administrator's session.
        client = admin_client.application.test_client()
        with admin_client.session_transaction() as theirs, client.session_transaction() as mine:
            mine.update(dict(theirs))
        return lambda: (
            client.post(f"/admin/ideas/{idea_id}/state", data={"to": "accepted"}).status_code
        )

    assert race(8, prepare) == [303] * 8
    with app.app_context():
        changes = db.session.scalars(
            select(IdeaChange).where(IdeaChange.kind == "state", IdeaChange.to_state == "accepted")
        ).all()
        assert len(changes) == 1
        assert get_idea(idea_id).state is IdeaState.accepted
