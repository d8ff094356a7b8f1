"""Reports: one per account and item; three distinct trusted accounts hide a post at once
and its author is told why."""

import pytest
from sqlalchemy import select

from rally.circles.models import CircleKind
from rally.extensions import db
from rally.moderation.models import Decision, Report
from rally.threads.models import PostState

from .conftest import post_state, rows, snapshot

EN = {"Accept-Language": "en"}


@pytest.fixture
def scene(make_visitor, make_circle, add_member, make_post):
    circle = make_circle(kind=CircleKind.members_only)
    author = make_visitor()
    add_member(circle, author)
    post = make_post(circle, author)
    return {"circle": circle, "author": author, "post": post}


def reporter(scene, make_visitor, add_member, **kw):
    visitor = make_visitor(**kw)
    add_member(scene["circle"], visitor)
    return visitor


def report(client, post_id, reason="spam", note=""):
    return client.post(
        f"/posts/{post_id}/report", data={"reason": reason, "note": note}, headers=EN
    )


def test_the_report_form_offers_every_reason(scene, make_visitor, add_member, visitor_client):
    client = visitor_client(reporter(scene, make_visitor, add_member))
    page = client.get(f"/posts/{scene['post']}/report", headers=EN).get_data(as_text=True)
    for title in ("Spam or advertising", "Harassment or hate", "Personal data or a child"):
        assert title in page


def test_one_report_per_account_and_post(app, scene, make_visitor, add_member, visitor_client):
    client = visitor_client(reporter(scene, make_visitor, add_member))
    assert report(client, scene["post"], note="宣伝です").status_code == 303
    again = report(client, scene["post"], reason="harassment")
    assert again.status_code == 303
    page = client.get(again.headers["Location"], headers=EN).get_data(as_text=True)
    assert "You have reported this already" in page
    with app.app_context():
        found = db.session.scalars(select(Report)).all()
        assert [(r.post_id, r.reason.value, r.note) for r in found] == [
            (scene["post"], "spam", "宣伝です")
        ]


def test_reporting_asks_to_log_in_first(app, client, scene):
    before = snapshot(app)
    response = report(client, scene["post"])
    assert response.status_code == 302 and "/me/login" in response.headers["Location"]
    assert snapshot(app) == before


def test_a_non_member_cannot_report_a_members_only_post(app, scene, make_visitor, visitor_client):
    client = visitor_client(make_visitor(verified=True))
    before = snapshot(app)
    assert client.get(f"/posts/{scene['post']}/report").status_code == 404
    assert report(client, scene["post"]).status_code == 404
    assert snapshot(app) == before


def test_the_author_cannot_report_their_own_post(app, scene, visitor_client):
    before = snapshot(app)
    assert report(visitor_client(scene["author"]), scene["post"]).status_code == 403
    assert snapshot(app) == before


def test_three_distinct_trusted_accounts_hide_the_post_and_its_author_is_told(
    app, scene, make_visitor, add_member, visitor_client, told
):
    reporters = [
        reporter(scene, make_visitor, add_member, verified=True),
        reporter(scene, make_visitor, add_member, age_days=31),
        reporter(scene, make_visitor, add_member, verified=True),
    ]
    for number, visitor in enumerate(reporters, 1):
        assert (
            report(visitor_client(visitor), scene["post"], reason="harassment").status_code == 303
        )
        expected = ("hidden", "reports") if number == 3 else ("visible", "")
        assert post_state(app, scene["post"]) == expected
    with app.app_context():
        decisions = db.session.scalars(select(Decision)).all()
        assert [
            (d.action, d.post_id, d.subject_id, d.moderator_id, d.user_id) for d in decisions
        ] == [("auto_hide", scene["post"], scene["author"], None, None)]
    assert told == [("auto_hide", scene["author"], scene["post"], "harassment", False)]


def test_reports_of_new_unverified_accounts_do_not_hide(
    app, scene, make_visitor, add_member, visitor_client, told
):
    for _ in range(3):
        visitor = reporter(scene, make_visitor, add_member, age_days=29)
        assert report(visitor_client(visitor), scene["post"]).status_code == 303
    assert post_state(app, scene["post"]) == ("visible", "")
    with app.app_context():
        assert db.session.scalars(select(Report.trusted)).all() == [False] * 3
    assert rows(app, Decision) == [] and told == []


def test_the_same_account_reporting_again_does_not_count_twice(
    app, scene, make_visitor, add_member, visitor_client
):
    first = reporter(scene, make_visitor, add_member, verified=True)
    second = reporter(scene, make_visitor, add_member, verified=True)
    for visitor in (first, second, first, second, first):
        report(visitor_client(visitor), scene["post"])
    assert post_state(app, scene["post"]) == ("visible", "")
    assert len(rows(app, Report)) == 2


@pytest.mark.parametrize("count", [3, 6])
def test_trusted_reports_at_once_hide_the_post_once(
    app, scene, make_visitor, add_member, visitor_client, race, told, count
):
    """On PostgreSQL too: the post's row lock makes each report count the ones before it,
    so the third of three reports sent together still hides the post, and only once."""
    reporters = [reporter(scene, make_visitor, add_member, verified=True) for _ in range(count)]

    def prepare(index):
        client = visitor_client(reporters[index])
        return lambda: report(client, scene["post"]).status_code

    assert race(count, prepare) == [303] * count
    assert post_state(app, scene["post"]) == ("hidden", "reports")
    with app.app_context():
        assert db.session.scalars(select(Decision.action)).all() == ["auto_hide"]
        assert len(db.session.scalars(select(Report)).all()) == count
    assert [entry[0] for entry in told] == ["auto_hide"]


def test_reports_sent_together_each_count_the_ones_before(
    app, scene, make_visitor, add_member, visitor_client, race, monkeypatch
):
    """The window between a report's insert and its count made wide: each report waits
    there (up to a second) for the others. Without the post's row lock each would count
    only itself and none would hide the post; with it, the others wait for the first."""
    import threading

    from rally.moderation import operations

    reporters = [reporter(scene, make_visitor, add_member, verified=True) for _ in range(3)]
    together = threading.Barrier(3, timeout=1)
    add_report = operations._add_report

    def slow_add_report(report):
        added = add_report(report)
        try:
            together.wait()
        except threading.BrokenBarrierError:
            pass
        return added

    monkeypatch.setattr(operations, "_add_report", slow_add_report)

    def prepare(index):
        client = visitor_client(reporters[index])
        return lambda: report(client, scene["post"]).status_code

    assert race(3, prepare) == [303] * 3
    assert post_state(app, scene["post"]) == ("hidden", "reports")


def test_a_resident_is_reported_once_and_never_by_themselves(app, make_visitor, visitor_client):
    subject, other = make_visitor(), make_visitor()
    with app.app_context():
        from rally.residents.models import Resident

        handle = db.session.get(Resident, subject).handle
    before = snapshot(app)
    own = visitor_client(subject).post(f"/residents/{handle}/report", data={"reason": "spam"})
    assert own.status_code == 403
    assert snapshot(app) == before
    client = visitor_client(other)
    for reason in ("harassment", "spam"):
        response = client.post(f"/residents/{handle}/report", data={"reason": reason})
        assert response.status_code == 303
    with app.app_context():
        found = db.session.scalars(select(Report)).all()
        assert [(r.subject_id, r.post_id, r.reason.value) for r in found] == [
            (subject, None, "harassment")
        ]


def test_a_post_hidden_by_reports_waits_in_the_circle_queue(
    app, scene, make_visitor, add_member, visitor_client
):
    for _ in range(3):
        report(
            visitor_client(reporter(scene, make_visitor, add_member, verified=True)), scene["post"]
        )
    moderator = make_visitor()
    add_member(scene["circle"], moderator, moderator=True)
    page = visitor_client(moderator).get(f"/circles/{scene['circle']}/moderation", headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "3 reports" in text and "Spam or advertising (3)" in text
    assert post_state(app, scene["post"])[0] == PostState.hidden.value
