"""A resident on a phone opens "Notifications on your devices" from their notifications, in
Japanese and in English: the page fits the screen, its service worker registers under the
site's CSP, the button waits for a press (no permission asked on load), the iPhone steps are
there and axe finds nothing serious. Without JavaScript the page says what is needed.

Headless Chromium has no push service to subscribe to: the subscription itself is tested
at the protocol level in tests/push."""

import pytest

from rally.cards.models import Card
from rally.extensions import db
from rally.push.keys import generate_key_pair
from rally.push.models import PushSubscription
from rally.residents.models import Resident
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser

PASSWORD = "long enough pw"
ANDROID_ENDPOINT = "https://fcm.googleapis.com/fcm/send/browser-test"

WORDS = {
    "ja": {
        "link": "端末への通知",
        "button": "この端末で通知を受け取る",
        "iphone": "iPhone・iPadの場合",
        "unsupported": "JavaScriptと通知に対応したブラウザー",
        "device": "Chrome · Android",
        "remove": "Chrome · Androidを削除",
    },
    "en": {
        "link": "Notifications on your devices",
        "button": "Turn on notifications on this device",
        "iphone": "On an iPhone or iPad",
        "unsupported": "needs JavaScript and a browser that supports them",
        "device": "Chrome · Android",
        "remove": "Remove Chrome · Android",
    },
}


@pytest.fixture
def resident(app):
    app.config["RALLY_VAPID_PRIVATE_KEY"] = generate_key_pair().private_key
    with app.app_context():
        visitor = Visitor(email="hanako@example.jp", locale="ja", verified_at=utcnow())
        visitor.set_password(PASSWORD)
        db.session.add(visitor)
        db.session.flush()
        db.session.add(
            Resident(visitor_id=visitor.id, display_name="はなこ", handle="hanako", code_tries=0)
        )
        db.session.add(Card(locale="ja", visitor_id=visitor.id))
        db.session.add(
            PushSubscription(
                visitor_id=visitor.id,
                endpoint=ANDROID_ENDPOINT,
                p256dh="B" * 87,
                auth="A" * 22,
                user_agent="Chrome · Android",
            )
        )
        db.session.commit()


def log_in(page, live_server):
    page.goto(live_server + "/me/login")
    page.fill("input[name=email]", "hanako@example.jp")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/me/login" not in page.url


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_push_settings_page_on_a_phone(browser, live_server, resident, lang):
    words = WORDS[lang]
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="ja-JP" if lang == "ja" else "en-US"
    )
    try:
        page = context.new_page()
        log_in(page, live_server)
        page.goto(live_server + "/me/notifications")
        page.get_by_role("link", name=words["link"], exact=True).click()
        page.wait_for_url("**/me/push")

        # The script registered the service worker for the whole site, and asked nothing.
        scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
        assert scope == live_server + "/"
        assert page.evaluate("Notification.permission") == "default"
        button = page.get_by_role("button", name=words["button"], exact=True)
        button.wait_for()
        assert button.is_visible()
        assert not page.get_by_test_id("push-unsupported").is_visible()

        devices = page.get_by_test_id("push-devices")
        assert words["device"] in devices.inner_text()
        assert page.get_by_role("button", name=words["remove"], exact=True).is_visible()
        assert page.get_by_role("heading", name=words["iphone"], exact=True).is_visible()
        assert "16.4" in page.get_by_test_id("push-iphone").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert violations(page) == []
    finally:
        context.close()


def test_without_javascript_the_page_says_what_is_needed(browser, live_server, resident):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US", java_script_enabled=False
    )
    try:
        page = context.new_page()
        log_in(page, live_server)
        page.goto(live_server + "/me/push")
        assert WORDS["en"]["unsupported"] in page.get_by_test_id("push-unsupported").inner_text()
        assert not page.get_by_test_id("push-on").is_visible()
        assert page.get_by_role("button", name="Send me a test").is_visible()
    finally:
        context.close()
