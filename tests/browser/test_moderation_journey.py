"""A moderator on a phone hides a reported post and undoes it, in Japanese and English;
the moderation pages have no serious accessibility violation."""

import pytest
from sqlalchemy import select

from rally.auth.models import Role
from rally.cards.models import Card
from rally.circles.models import Circle, CircleKind, CircleMember, CircleStatus, MemberState
from rally.extensions import db
from rally.moderation.models import Decision, Report, ReportReason
from rally.residents.models import Resident
from rally.threads.models import Post, PostState
from rally.ugc.text import render_post
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .axe import violations
from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser

PASSWORD = "long enough pw"
STAFF_PASSWORD = "a long staff password"
POST_TEXT = "ひろばの**子ども**の名前と住所です"


@pytest.fixture
def reported(app):
    """A members-only circle, its moderator's log-in, and a post one member reported."""
    with app.app_context():
        circle = Circle(
            kind=CircleKind.members_only,
            status=CircleStatus.active,
            name={"ja": "子育てひろば", "en": "Child-raising Hiroba"},
            description={},
            icon="🧸",
        )
        db.session.add(circle)
        people = []
        for number, name in enumerate(("はなこ", "たろう", "モデレーター")):
            visitor = Visitor(email=f"journey{number}@example.jp", locale="ja")
            visitor.set_password(PASSWORD)
            visitor.verified_at = utcnow()
            db.session.add(visitor)
            db.session.flush()
            db.session.add(
                Resident(
                    visitor_id=visitor.id,
                    display_name=name,
                    handle=f"journey{number}",
                    code_tries=0,
                )
            )
            db.session.add(Card(visitor_id=visitor.id))  # an account holds a card
            people.append(visitor)
        db.session.flush()
        author, reporter, moderator = people
        for visitor in people:
            db.session.add(
                CircleMember(
                    circle_id=circle.id,
                    visitor_id=visitor.id,
                    state=MemberState.member,
                    is_moderator=visitor is moderator,
                    joined_at=utcnow(),
                )
            )
        post = Post(
            circle_id=circle.id,
            author_id=author.id,
            text=POST_TEXT,
            html=str(render_post(POST_TEXT)),
        )
        db.session.add(post)
        db.session.flush()
        db.session.add(
            Report(reporter_id=reporter.id, post_id=post.id, reason=ReportReason.personal_data)
        )
        db.session.commit()
        return {"circle": circle.id, "post": post.id, "moderator": moderator.email}


def state_of(app, post_id):
    with app.app_context():
        return db.session.get(Post, post_id).state


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_moderator_hides_a_reported_post_and_undoes_it(browser, live_server, app, reported, lang):
    locale = "ja-JP" if lang == "ja" else "en-US"
    words = {
        "ja": ("個人情報", "非表示", "取り消し"),
        "en": ("Personal data", "Hide", "Undo"),
    }[lang]
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=locale)
    found = {}
    try:
        page = context.new_page()
        page.goto(live_server + "/me/login")
        page.fill("input[name=email]", reported["moderator"])
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state()

        page.goto(f"{live_server}/circles/{reported['circle']}/moderation")
        assert words[0] in page.get_by_test_id("reported").inner_text()
        found["queue"] = violations(page)
        page.get_by_test_id("review").first.click()
        page.wait_for_load_state()
        found["post"] = violations(page)

        page.get_by_test_id("action-hide").click()
        page.wait_for_load_state()
        assert words[1] in page.locator("h1").inner_text()
        found["decide"] = violations(page)
        page.get_by_role("textbox").fill("お子さんの名前が読めます / A child's name is readable")
        page.get_by_test_id("confirm").click()
        page.wait_for_load_state()
        assert state_of(app, reported["post"]) is PostState.hidden
        assert page.get_by_test_id("post-state").inner_text() == (
            "非表示" if lang == "ja" else "Hidden from readers"
        )

        page.get_by_test_id("undo").first.click()
        page.wait_for_load_state()
        assert words[2] in page.locator("h1").inner_text()
        page.get_by_role("textbox").fill("確認しました / Checked with the author")
        page.get_by_test_id("confirm").click()
        page.wait_for_load_state()
        assert state_of(app, reported["post"]) is PostState.visible
        assert page.get_by_test_id("undone").count() == 1
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert not overflow
    finally:
        context.close()
    with app.app_context():
        actions = db.session.scalars(select(Decision.action).order_by(Decision.id)).all()
    assert actions == ["hide", "undo_hide"]
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_other_moderation_pages_have_no_serious_accessibility_violation(
    browser, live_server, app, reported, make_user
):
    with app.app_context():
        db.session.add(
            Report(
                reporter_id=db.session.scalar(
                    select(Visitor.id).where(Visitor.email == reported["moderator"])
                ),
                subject_id=db.session.scalar(
                    select(Visitor.id).where(Visitor.email == "journey0@example.jp")
                ),
                reason=ReportReason.harassment,
            )
        )
        db.session.commit()
    admin = make_user(role=Role.admin, password=STAFF_PASSWORD)
    found = {}
    staff = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    resident = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    try:
        page = staff.new_page()
        log_in(page, live_server, admin.email, STAFF_PASSWORD)
        page.goto(live_server + "/admin/moderation/words")
        page.get_by_label("Word or phrase").fill("勧誘")
        page.get_by_role("button", name="Add").click()
        page.wait_for_load_state()
        for path in (
            "/admin/moderation/",
            "/admin/moderation/log",
            "/admin/moderation/words",
            "/admin/moderation/residents/journey0",
            "/admin/moderation/residents/journey0/suspend",
        ):
            assert page.goto(live_server + path).status == 200, path
            found[path] = violations(page)
        mine = resident.new_page()
        mine.goto(live_server + "/me/login")
        mine.fill("input[name=email]", "journey1@example.jp")
        mine.fill("input[name=password]", PASSWORD)
        mine.locator("main form [type=submit]").first.click()
        mine.wait_for_load_state()
        mine.goto(live_server + "/residents/journey0")
        mine.get_by_role("button", name="Mute").click()
        mine.wait_for_load_state()
        assert mine.get_by_test_id("block-state").is_visible()
        found["public"] = violations(mine)
        for path in (
            "/me/blocked",
            f"/posts/{reported['post']}/report",
            "/residents/journey0/report",
        ):
            assert mine.goto(live_server + path).status == 200, path
            found[path] = violations(mine)
    finally:
        staff.close()
        resident.close()
    assert {name: problems for name, problems in found.items() if problems} == {}
