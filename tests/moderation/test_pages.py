"""The links the threads' pages include (``moderation/_post_actions.html``) and the
association's decisions about a reported resident."""

import pytest
from flask import render_template
from sqlalchemy import select

from rally.auth.models import Role
from rally.circles.models import CircleKind
from rally.extensions import db
from rally.moderation.models import Decision, Report, ReportReason
from rally.residents.models import Resident
from rally.threads.models import Post
from rally.visitors.models import Visitor
from rally.visitors.session import SESSION_KEY, STAMP_KEY, password_stamp

from .conftest import snapshot

EN = {"Accept-Language": "en"}


@pytest.fixture
def scene(make_visitor, make_circle, add_member, make_post):
    circle = make_circle(kind=CircleKind.open)
    author, reader, moderator = make_visitor(), make_visitor(), make_visitor()
    add_member(circle, author)
    add_member(circle, moderator, moderator=True)
    return {
        "post": make_post(circle, author),
        "author": author,
        "reader": reader,
        "moderator": moderator,
    }


def links(app, post_id, visitor_id=None):
    with app.test_request_context(headers=EN):
        from flask import session

        if visitor_id is not None:
            visitor = db.session.get(Visitor, visitor_id)
            session[SESSION_KEY] = visitor_id
            session[STAMP_KEY] = password_stamp(visitor.password_hash)
        html = render_template("moderation/_post_actions.html", post=db.session.get(Post, post_id))
        return ("Report" in html, "Moderate" in html)


def test_the_post_links_fit_the_reader(app, scene):
    assert links(app, scene["post"]) == (False, False)
    assert links(app, scene["post"], scene["reader"]) == (True, False)
    assert links(app, scene["post"], scene["author"]) == (False, False)
    assert links(app, scene["post"], scene["moderator"]) == (True, True)


def test_the_association_suspends_a_reported_resident_and_undoes_it(
    app, scene, make_visitor, auth, make_user, told
):
    subject = scene["author"]
    with app.app_context():
        db.session.add(
            Report(reporter_id=scene["reader"], subject_id=subject, reason=ReportReason.harassment)
        )
        db.session.commit()
        handle = db.session.get(Resident, subject).handle
    merchant = auth.new_client(make_user(role=Role.merchant))
    before = snapshot(app)
    refused = merchant.post(f"/admin/moderation/residents/{handle}/suspend", data={"reason": "x"})
    assert refused.status_code == 403
    assert snapshot(app) == before

    admin = auth.new_client(make_user(role=Role.admin))
    queue = admin.get("/admin/moderation/", headers=EN).text
    assert f"@{handle}" in queue and "Harassment or hate (1)" in queue
    page = admin.get(f"/admin/moderation/residents/{handle}/suspend", headers=EN)
    assert "The suspension lasts 24 hours" in page.text
    done = admin.post(
        f"/admin/moderation/residents/{handle}/suspend", data={"reason": "暴言が続いています"}
    )
    assert done.status_code == 303
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        assert (decision.action, decision.subject_id, decision.post_id) == (
            "suspend",
            subject,
            None,
        )
        assert db.session.get(Resident, subject).suspended_until == decision.until
        assert db.session.scalar(select(Report.resolved_at)) == decision.created_at
        decision_id = decision.id
    assert told == [("suspend", subject, None, "暴言が続いています", False)]
    assert (
        admin.post(f"/moderation/decisions/{decision_id}/undo", data={"reason": "人違いでした"})
        .headers["Location"]
        .endswith(f"/admin/moderation/residents/{handle}")
    )
    with app.app_context():
        assert db.session.get(Resident, subject).suspended_until is None
        assert db.session.scalar(select(Report.resolved_at)) is None
    assert told[-1][-1] is True
