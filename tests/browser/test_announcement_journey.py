"""On a phone (390 px), in Japanese and in English: the association writes an announcement
and sends it after confirming; a resident then sees its banner and its notification. axe
checks each page."""

import pytest

from rally.auth.models import Role
from rally.cards.models import Card
from rally.extensions import db
from rally.residents.models import Resident
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .axe import violations
from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser

PASSWORD = "long enough pw"
TITLE = {"ja": "夏祭りのお知らせ", "en": "Summer festival"}
BODY = {
    "ja": "土曜日の夕方から夏祭りがあります。",
    "en": "The summer festival is on Saturday evening.",
}
WORDS = {
    "ja": {
        "new": "新しいお知らせ",
        "save": "保存",
        "send": "今すぐ配信",
        "sent": "配信済み",
        "banner": "お知らせ: 夏祭りのお知らせ",
        "reach": "1人の住民",
    },
    "en": {
        "new": "New announcement",
        "save": "Save",
        "send": "Send now",
        "sent": "Sent",
        "banner": "Announcement: Summer festival",
        "reach": "1 resident",
    },
}


@pytest.fixture
def resident(app):
    def make(lang):
        with app.app_context():
            visitor = Visitor(email=f"hanako-{lang}@example.jp", locale=lang, verified_at=utcnow())
            visitor.set_password(PASSWORD)
            db.session.add(visitor)
            db.session.flush()
            db.session.add(
                Resident(
                    visitor_id=visitor.id, display_name="はなこ", handle="hanako", code_tries=0
                )
            )
            db.session.add(Card(locale=lang, visitor_id=visitor.id))
            db.session.commit()
            return visitor.email

    return make


def _context(browser, lang):
    return browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="ja-JP" if lang == "ja" else "en-US"
    )


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_association_sends_and_a_resident_sees_it(
    browser, live_server, make_user, resident, lang
):
    words = WORDS[lang]
    email = resident(lang)
    admin = make_user(role=Role.admin)
    found = {}
    context = _context(browser, lang)
    try:
        page = context.new_page()
        log_in(page, live_server, admin.email, "correct horse battery")
        page.goto(live_server + "/admin/announcements")
        found["list"] = violations(page)
        page.get_by_role("link", name=words["new"], exact=True).click()
        page.wait_for_url("**/admin/announcements/new")
        found["new"] = violations(page)
        _fits(page)
        page.fill(f"input[name=title-{lang}]", TITLE[lang])
        page.fill(f"textarea[name=body-{lang}]", BODY[lang])
        page.get_by_role("button", name=words["save"], exact=True).click()
        page.wait_for_url("**/admin/announcements/*")
        found["show"] = violations(page)
        page.get_by_role("link", name=words["send"], exact=True).click()
        page.wait_for_url("**/send")
        assert words["reach"] in page.get_by_test_id("recipient-count").inner_text()
        found["confirm"] = violations(page)
        _fits(page)
        page.get_by_role("button", name=words["send"], exact=True).click()
        page.wait_for_load_state()
        assert words["sent"] in page.get_by_test_id("state").inner_text()
        found["figures"] = violations(page)
        _fits(page)
    finally:
        context.close()

    context = _context(browser, lang)
    try:
        page = context.new_page()
        page.goto(live_server + "/me/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state()
        assert "/me/login" not in page.url
        page.goto(live_server + "/")
        banner = page.get_by_test_id("announcement-banner")
        assert words["banner"] in banner.inner_text()
        found["home"] = violations(page)
        _fits(page)
        page.goto(live_server + "/me/notifications")
        assert words["banner"] in page.locator("main").inner_text()
        found["notifications"] = violations(page)
        page.get_by_test_id("announcement-banner").get_by_role("link").click()
        page.wait_for_url("**/me/announcements/*")
        assert BODY[lang] in page.locator("main").inner_text()
        found["announcement"] = violations(page)
        _fits(page)
    finally:
        context.close()
    assert found == {name: [] for name in found}
