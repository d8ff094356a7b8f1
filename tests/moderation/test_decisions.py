"""Moderators' decisions: each action and its undo, the suspension ladder, bans, reasons,
who may undo, and what the author is told."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from rally.circles.models import CircleKind
from rally.extensions import db
from rally.moderation.models import Decision, Report, ReportReason
from rally.residents.models import Resident
from rally.threads.models import Post, PostState
from rally.threads.signals import post_published
from rally.utils import utcnow

from .conftest import post_state, snapshot

EN = {"Accept-Language": "en"}


@pytest.fixture
def scene(make_visitor, make_circle, add_member, make_post, visitor_client):
    circle = make_circle(kind=CircleKind.open)
    author, moderator, other_moderator = make_visitor(), make_visitor(), make_visitor()
    add_member(circle, author)
    add_member(circle, moderator, moderator=True)
    add_member(circle, other_moderator, moderator=True)
    return {
        "circle": circle,
        "author": author,
        "moderator": visitor_client(moderator),
        "moderator_id": moderator,
        "other": visitor_client(other_moderator),
        "post": lambda **kw: make_post(circle, author, **kw),
    }


def decide(client, post_id, action, reason="Rule 2: be kind"):
    return client.post(f"/moderation/posts/{post_id}/{action}", data={"reason": reason})


def last_decision(app):
    with app.app_context():
        decision = db.session.scalars(select(Decision).order_by(Decision.id.desc())).first()
        db.session.expunge(decision)
        return decision


def undo(client, decision_id, reason="My mistake"):
    return client.post(
        f"/moderation/decisions/{decision_id}/undo", data={"reason": reason}, headers=EN
    )


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("hide", ("visible", ""), ("hidden", "moderator")),
        ("restore", ("hidden", "reports"), ("visible", "moderator")),
        ("delete", ("visible", ""), ("deleted", "moderator")),
        ("delete", ("held", "held_word"), ("deleted", "moderator")),
        ("release", ("held", "held_word"), ("visible", "")),
    ],
)
def test_each_post_action_and_its_undo(app, scene, told, action, before, after):
    post = scene["post"](state=PostState(before[0]), reason=before[1])
    assert decide(scene["moderator"], post, action).status_code == 303
    assert post_state(app, post) == after
    decision = last_decision(app)
    assert (decision.action, decision.reason, decision.moderator_id, decision.subject_id) == (
        action,
        "Rule 2: be kind",
        scene["moderator_id"],
        scene["author"],
    )
    assert told == [(action, scene["author"], post, "Rule 2: be kind", False)]
    assert undo(scene["moderator"], decision.id).status_code == 303
    assert post_state(app, post) == before
    with app.app_context():
        assert db.session.get(Post, post).deleted_at is None
        assert db.session.get(Decision, decision.id).undone_at is not None
        logged = db.session.scalars(select(Decision).order_by(Decision.id.desc())).first()
        assert (logged.action, logged.reason) == (f"undo_{action}", "My mistake")
    assert told[-1] == (action, scene["author"], post, "Rule 2: be kind", True)


def test_releasing_a_held_post_publishes_it(app, scene):
    post = scene["post"](state=PostState.held, reason="held_word")
    published = []

    def receiver(sender, mentioned=None, **_kw):
        published.append((sender.id, mentioned))

    post_published.connect(receiver)
    try:
        assert decide(scene["moderator"], post, "release").status_code == 303
    finally:
        post_published.disconnect(receiver)
    assert published == [(post, set())]


def test_an_action_that_no_longer_applies_changes_nothing(app, scene):
    post = scene["post"](state=PostState.hidden, reason="moderator")
    before = snapshot(app)
    assert decide(scene["moderator"], post, "hide").status_code == 409
    assert snapshot(app) == before


def test_every_decision_needs_a_reason(app, scene):
    post = scene["post"]()
    before = snapshot(app)
    response = decide(scene["moderator"], post, "hide", reason="  ")
    assert response.status_code == 400
    assert snapshot(app) == before


def test_a_warning_and_its_undo(app, scene, told):
    post = scene["post"]()
    assert decide(scene["moderator"], post, "warn").status_code == 303
    assert post_state(app, post) == ("visible", "")
    decision = last_decision(app)
    assert undo(scene["moderator"], decision.id).status_code == 303
    assert [(a, undone) for a, *_rest, undone in told] == [("warn", False), ("warn", True)]


def test_dismissing_reports_closes_them_and_its_undo_opens_them(app, scene, make_visitor, told):
    post = scene["post"]()
    with app.app_context():
        db.session.add(Report(reporter_id=make_visitor(), post_id=post, reason=ReportReason.spam))
        db.session.commit()
    assert decide(scene["moderator"], post, "dismiss").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Report.resolved_at)) is not None
    assert told == []  # nothing to tell the author
    assert undo(scene["moderator"], last_decision(app).id).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Report.resolved_at)) is None


def test_suspensions_climb_the_ladder(app, scene):
    post = scene["post"]()
    steps = []
    for _ in range(5):
        started = utcnow()
        assert decide(scene["moderator"], post, "suspend").status_code == 303
        decision = last_decision(app)
        steps.append(round((decision.until - started) / timedelta(hours=1)))
    assert steps == [24, 72, 7 * 24, 30 * 24, 30 * 24]
    with app.app_context():
        assert db.session.get(Resident, scene["author"]).suspended_until == decision.until


def test_undoing_the_last_suspension_leaves_the_earlier_one(app, scene):
    post = scene["post"]()
    decide(scene["moderator"], post, "suspend")
    first = last_decision(app)
    decide(scene["moderator"], post, "suspend")
    second = last_decision(app)
    assert undo(scene["moderator"], second.id).status_code == 303
    with app.app_context():
        assert db.session.get(Resident, scene["author"]).suspended_until == first.until
    assert undo(scene["moderator"], first.id).status_code == 303
    with app.app_context():
        assert db.session.get(Resident, scene["author"]).suspended_until is None
    # The ladder starts again once the earlier suspensions are undone.
    started = utcnow()
    decide(scene["moderator"], post, "suspend")
    assert round((last_decision(app).until - started) / timedelta(hours=1)) == 24


def test_only_the_association_bans(app, scene, admin_client):
    post = scene["post"]()
    before = snapshot(app)
    assert decide(scene["moderator"], post, "ban").status_code == 403
    assert snapshot(app) == before
    assert decide(admin_client, post, "ban").status_code == 303
    with app.app_context():
        assert db.session.get(Resident, scene["author"]).banned_at is not None
    assert decide(admin_client, post, "ban").status_code == 409
    with app.app_context():
        ban = db.session.scalar(select(Decision).where(Decision.action == "ban"))
        assert ban.user_id is not None and ban.moderator_id is None
        ban_id = ban.id
    assert undo(admin_client, ban_id).status_code == 303
    with app.app_context():
        assert db.session.get(Resident, scene["author"]).banned_at is None


def test_only_its_moderator_or_an_admin_undoes_a_decision(app, scene, admin_client):
    post = scene["post"]()
    decide(scene["moderator"], post, "hide")
    decision = last_decision(app)
    before = snapshot(app)
    assert scene["other"].get(f"/moderation/decisions/{decision.id}/undo").status_code == 403
    assert undo(scene["other"], decision.id).status_code == 403
    assert snapshot(app) == before
    assert undo(admin_client, decision.id).status_code == 303
    assert post_state(app, post) == ("visible", "")


def test_a_decision_is_undone_once(app, scene):
    post = scene["post"]()
    decide(scene["moderator"], post, "hide")
    decision = last_decision(app)
    assert undo(scene["moderator"], decision.id).status_code == 303
    before = snapshot(app)
    again = undo(scene["moderator"], decision.id)
    assert again.status_code == 303
    assert "undone already" in scene["moderator"].get(again.headers["Location"], headers=EN).text
    assert snapshot(app) == before


def test_an_undo_refuses_when_the_post_changed_since(app, scene):
    post = scene["post"]()
    decide(scene["moderator"], post, "hide")
    hidden = last_decision(app)
    decide(scene["other"], post, "delete")
    before = snapshot(app)
    assert undo(scene["moderator"], hidden.id).status_code == 409
    assert snapshot(app) == before
    assert post_state(app, post) == ("deleted", "moderator")


def test_the_author_of_a_hidden_post_is_told_why(app, scene, told):
    post = scene["post"]()
    decide(scene["moderator"], post, "hide", reason="個人情報が含まれています")
    assert told == [("hide", scene["author"], post, "個人情報が含まれています", False)]
