"""Issue 20's ideas on a phone, in Japanese and English: after ``flask --app rally demo`` the
demo resident proposes an idea, another resident (the demo moderator) supports it, the
association answers and accepts it in the back office, and the author sees the
notification arrive in their language and follows it to the idea, which shows the answer
and the support. Every page visited fits 390 px and has no serious axe violation; the
``browser`` fixture fails the test on any Content-Security-Policy violation."""

import pytest
from sqlalchemy import select

from rally.extensions import db
from rally.ideas.models import Idea, IdeaState

from .conftest import PHONE
from .conftest import log_in as staff_log_in
from .test_community_journey import Looks, flat, log_in, unread_in_header

pytestmark = pytest.mark.browser

RESIDENT = ("resident@example.jp", "rally-resident-demo")
SUPPORTER = ("moderator@example.jp", "rally-moderator-demo")
ADMIN = ("admin@example.jp", "rally-admin-demo")

WORDS = {
    "ja": {
        "locale": "ja-JP",
        "propose": "アイデアを提案する",
        "submit": "提案する",
        "title": "駅前に花壇をつくる",
        "body": "駅前のロータリーに季節の花を植えませんか。",
        "support": "このアイデアに賛同する",
        "supported": "賛同1人",
        "answer": "商店会で花壇を整備します。",
        "change": "状態を変更",
        "told": "アイデア「駅前に花壇をつくる」が採用されました",
        "state": "採用",
    },
    "en": {
        "locale": "en-US",
        "propose": "Propose an idea",
        "submit": "Propose the idea",
        "title": "Flower beds at the station",
        "body": "Let us plant seasonal flowers at the station roundabout.",
        "support": "Support this idea",
        "supported": "1 supporter",
        "answer": "The association will make the flower beds.",
        "change": "Change the state",
        "told": "The idea “Flower beds at the station” was accepted",
        "state": "Accepted",
    },
}


@pytest.fixture
def demo(app, runner):
    with app.app_context():
        db.drop_all()  # the demo builds its schema through the migrations
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_resident_proposes_an_idea_that_is_supported_answered_and_accepted(
    browser, live_server, app, demo, lang
):
    words = WORDS[lang]
    look = Looks()
    options = dict(viewport=PHONE, is_mobile=True, has_touch=True, locale=words["locale"])
    author, supporter, staff = (browser.new_context(**options) for _ in range(3))
    try:
        # The resident proposes an idea.
        page = author.new_page()
        log_in(page, live_server, *RESIDENT)
        before = unread_in_header(page)
        page.goto(live_server + "/ideas")
        look(page, "ideas")
        page.get_by_role("link", name=words["propose"], exact=True).click()
        page.wait_for_load_state()
        look(page, "new idea")
        form = page.get_by_test_id("idea-form")
        form.locator("input[name=title]").fill(words["title"])
        form.locator("textarea[name=body]").fill(words["body"])
        form.get_by_role("button", name=words["submit"], exact=True).click()
        page.wait_for_load_state()
        assert page.get_by_test_id("idea-title").inner_text() == words["title"]
        idea_url = page.url
        look(page, "idea (author)")
        with app.app_context():
            idea_id = db.session.scalar(select(Idea.id).where(Idea.title == words["title"]))

        # Another resident supports it.
        other = supporter.new_page()
        log_in(other, live_server, *SUPPORTER)
        other.goto(idea_url)
        other.get_by_role("button", name=words["support"], exact=True).click()
        other.wait_for_load_state()
        assert words["supported"] in other.get_by_test_id("supports").inner_text()
        look(other, "idea (supporter)")

        # The association moves the idea on, then accepts it with its answer.
        desk = staff.new_page()
        staff_log_in(desk, live_server, *ADMIN)
        desk.goto(f"{live_server}/admin/ideas/{idea_id}")
        look(desk, "idea (association)")
        desk.get_by_test_id("state-form").get_by_role(
            "button", name=words["change"], exact=True
        ).click()
        desk.wait_for_load_state()
        # Accepting brings the answer in the same form: supporters are told once.
        desk.get_by_test_id("state-form").locator("select").select_option("accepted")
        desk.get_by_test_id("state-form").locator("textarea").fill(words["answer"])
        desk.get_by_test_id("state-form").get_by_role(
            "button", name=words["change"], exact=True
        ).click()
        desk.wait_for_load_state()
        assert desk.get_by_test_id("idea-state").inner_text() == words["state"]
        assert words["answer"] in desk.get_by_test_id("published-answer").inner_text()
        look(desk, "idea (association, accepted)")
        with app.app_context():
            assert db.session.get(Idea, idea_id).state is IdeaState.accepted

        # The author is told, in their language, and follows the notification to the idea.
        page.goto(live_server + "/")
        assert unread_in_header(page) == before + 2  # evaluating, accepted with the answer
        page.get_by_test_id("notifications-link").click()
        page.wait_for_load_state()
        told = flat(page.get_by_test_id("notifications").inner_text())
        assert words["told"] in told
        look(page, "notifications")
        page.get_by_test_id("notifications").get_by_role("link", name=words["told"]).click()
        page.wait_for_load_state()
        assert page.url.split("?")[0] == idea_url
        assert words["answer"] in page.get_by_test_id("answer").inner_text()
        assert words["supported"] in page.get_by_test_id("supports").inner_text()
        look(page, "idea (accepted)")
    finally:
        for context in (author, supporter, staff):
            context.close()
    assert look.found == {}
