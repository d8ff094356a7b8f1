"""Who reaches the moderation queues and decides: the access matrix, refusals leaving the
database unchanged; the audit log; the back office's link."""

import pytest
from sqlalchemy import select

from rally.auth.models import Role
from rally.circles.models import CircleKind
from rally.extensions import db
from rally.moderation.models import Decision, Report, ReportReason
from rally.residents.models import Resident

from .conftest import snapshot

EN = {"Accept-Language": "en"}


@pytest.fixture
def world(
    app,
    make_visitor,
    make_circle,
    add_member,
    add_staff,
    make_post,
    visitor_client,
    auth,
    make_user,
):
    circle = make_circle(kind=CircleKind.members_only)
    elsewhere = make_circle(kind=CircleKind.open, name="まちの情報")
    author, member, moderator, other_moderator, outsider, reporter = (
        make_visitor() for _ in range(6)
    )
    verified_outsider = make_visitor(verified=True)
    add_member(circle, author)
    add_member(circle, member)
    add_member(circle, moderator, moderator=True)
    add_member(elsewhere, other_moderator, moderator=True)
    staff = make_user(role=Role.merchant)
    add_staff(circle, staff.id)
    post = make_post(circle, author, text="子どもの名前と住所")
    with app.app_context():
        db.session.add(
            Report(reporter_id=reporter, post_id=post, reason=ReportReason.personal_data)
        )
        db.session.commit()
    clients = {
        "anonymous": app.test_client(),
        "resident": visitor_client(outsider),
        "verified resident, not a member": visitor_client(verified_outsider),
        "member": visitor_client(member),
        "moderator of another circle": visitor_client(other_moderator),
        "merchant": auth.new_client(make_user(role=Role.merchant)),
        "circle moderator": visitor_client(moderator),
        "staff moderator": auth.new_client(staff),
        "admin": auth.new_client(make_user(role=Role.admin)),
    }
    return {"circle": circle, "post": post, "clients": clients}


LOGIN = "login"
# role: (queue, post page, hide)
EXPECTED = {
    "anonymous": (LOGIN, LOGIN, LOGIN),
    "resident": (403, 404, 404),
    "verified resident, not a member": (403, 404, 404),
    "member": (403, 403, 403),
    "moderator of another circle": (403, 404, 404),
    "merchant": (403, 404, 404),
    "circle moderator": (200, 200, 303),
    "staff moderator": (200, 200, 303),
    "admin": (200, 200, 303),
}


def status(response):
    if response.status_code in (302, 303) and "login" in response.headers["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_circle_queue_and_its_decisions_by_role(app, world, role):
    client = world["clients"][role]
    before = snapshot(app)
    queue = client.get(f"/circles/{world['circle']}/moderation", headers=EN)
    page = client.get(f"/moderation/posts/{world['post']}", headers=EN)
    assert (status(queue), status(page)) == EXPECTED[role][:2]
    if queue.status_code == 200:
        text = queue.get_data(as_text=True)
        assert "子どもの名前と住所" in text and "Personal data or a child" in text
    else:
        assert "子どもの名前と住所" not in queue.get_data(as_text=True)
    hide = client.post(f"/moderation/posts/{world['post']}/hide", data={"reason": "個人情報"})
    assert status(hide) == EXPECTED[role][2]
    if hide.status_code == 303:
        with app.app_context():
            assert db.session.scalar(select(Decision.action)) == "hide"
    else:
        assert snapshot(app) == before


ADMIN_PAGES = ("/admin/moderation/", "/admin/moderation/log", "/admin/moderation/words")


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_association_pages_are_for_admins(app, world, role):
    client = world["clients"][role]
    staff = role in ("merchant", "staff moderator")
    expected = 200 if role == "admin" else 403 if staff else LOGIN
    before = snapshot(app)
    for path in ADMIN_PAGES:
        assert status(client.get(path, headers=EN)) == expected, path
    assert status(client.post("/admin/moderation/words", data={"word": "spam"})) in (
        expected if expected != 200 else 303,
    )
    if role != "admin":
        assert snapshot(app) == before


def test_the_admins_back_office_menu_links_to_the_queue(world):
    page = world["clients"]["admin"].get("/admin/moderation/", headers=EN).get_data(as_text=True)
    assert 'href="/admin/moderation/"' in page and "Moderation" in page


def test_the_audit_log_says_who_what_when_why(app, world, make_circle, make_post):
    moderator = world["clients"]["circle moderator"]
    moderator.post(f"/moderation/posts/{world['post']}/hide", data={"reason": "子どもの個人情報"})
    other_circle = make_circle(kind=CircleKind.open, name="三鷹")
    with app.app_context():
        author = db.session.scalar(select(Resident.visitor_id).order_by(Resident.visitor_id))
    other_post = make_post(other_circle, author)
    world["clients"]["admin"].post(
        f"/moderation/posts/{other_post}/warn", data={"reason": "Off-topic again"}
    )
    admin = world["clients"]["admin"]
    with app.app_context():
        hide = db.session.scalar(select(Decision).where(Decision.action == "hide"))
        who = db.session.get(Resident, hide.moderator_id)
        when = hide.created_at
    page = admin.get("/admin/moderation/log", headers=EN).get_data(as_text=True)
    assert f"@{who.handle}" in page  # who
    assert "Hide" in page and "Warn the author" in page  # what
    assert "子どもの個人情報" in page and "Off-topic again" in page  # why
    assert str(when.year) in page  # when (in the district's time zone)
    only = admin.get(f"/admin/moderation/log?circle={other_circle}", headers=EN).get_data(
        as_text=True
    )
    assert "Off-topic again" in only and "子どもの個人情報" not in only


def test_a_hidden_post_shows_in_the_queue_with_its_undo(app, world):
    moderator = world["clients"]["circle moderator"]
    moderator.post(f"/moderation/posts/{world['post']}/hide", data={"reason": "個人情報"})
    page = moderator.get(f"/circles/{world['circle']}/moderation", headers=EN).get_data(
        as_text=True
    )
    with app.app_context():
        decision_id = db.session.scalar(select(Decision.id))
    assert "No post is hidden." not in page
    assert f"/moderation/decisions/{decision_id}/undo" in page
    assert "Nothing reported." in page  # the hiding answered the report
