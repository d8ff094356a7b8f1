"""A resident on a phone opens their notifications from the header's link, in Japanese and
in English, and follows one to its post; the page fits the screen and axe finds nothing
serious."""

import pytest

from rally.cards.models import Card
from rally.circles.models import Circle, CircleKind, CircleStatus
from rally.extensions import db
from rally.residents.models import Resident
from rally.threads.models import Post, Reaction
from rally.threads.signals import post_published, reaction_added
from rally.ugc.text import render_post
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser

PASSWORD = "long enough pw"


def _resident(email, name, handle):
    visitor = Visitor(email=email, locale="ja", verified_at=utcnow())
    visitor.set_password(PASSWORD)
    db.session.add(visitor)
    db.session.flush()
    db.session.add(Resident(visitor_id=visitor.id, display_name=name, handle=handle, code_tries=0))
    db.session.add(Card(locale="ja", visitor_id=visitor.id))  # an account holds a card
    return visitor


def _post(circle, author, text, thread=None):
    post = Post(
        circle_id=circle.id,
        author_id=author.id,
        thread_id=thread.id if thread else None,
        text=text,
        html=str(render_post(text)),
    )
    db.session.add(post)
    db.session.flush()
    return post


@pytest.fixture
def told(app):
    """Hanako's thread in Town notes, a reply from Taro and his reaction to it."""
    with app.app_context():
        hanako = _resident("hanako@example.jp", "はなこ", "hanako")
        taro = _resident("taro@example.jp", "たろう", "taro")
        circle = Circle(
            kind=CircleKind.open,
            status=CircleStatus.active,
            name={"ja": "まちの情報", "en": "Town notes"},
            description={},
            icon="📣",
        )
        db.session.add(circle)
        db.session.flush()
        thread = _post(circle, hanako, "日曜日に**公園**の掃除をします。参加できる方はどうぞ")
        reply = _post(circle, taro, "行きます！軍手を持っていきます", thread)
        post_published.send(reply, mentioned=set())
        reaction = Reaction(post_id=thread.id, visitor_id=taro.id, emoji="👍")
        db.session.add(reaction)
        db.session.flush()
        reaction_added.send(reaction, post=thread)
        db.session.commit()
        return {"circle": circle.id, "thread": thread.id, "reply": reply.id}


WORDS = {
    "ja": {
        "link": "通知（未読2件）",
        "heading": "通知",
        "reply": (
            "たろうさんがあなたのスレッド「日曜日に公園の掃除をします。参加できる方はどうぞ」"
            "に返信しました"
        ),
        "reaction": "たろうさんがあなたの投稿",
    },
    "en": {
        "link": "Notifications, 2 unread",
        "heading": "Notifications",
        "reply": "たろう replied to your thread “日曜日に公園の掃除をします。参加できる方はどうぞ”",
        "reaction": "たろう reacted 👍 to your post",
    },
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_resident_opens_notifications_from_the_header(browser, live_server, told, lang):
    words = WORDS[lang]
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="ja-JP" if lang == "ja" else "en-US"
    )
    try:
        page = context.new_page()
        page.goto(live_server + "/me/login")
        page.fill("input[name=email]", "hanako@example.jp")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state()
        assert "/me/login" not in page.url

        page.get_by_role("link", name=words["link"], exact=True).click()
        page.wait_for_url("**/me/notifications")
        assert page.get_by_role("heading", level=1).inner_text() == words["heading"]
        items = page.get_by_test_id("notifications")
        assert words["reply"] in " ".join(items.inner_text().split())
        assert words["reaction"] in items.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert violations(page) == []

        items.get_by_role("link", name=words["reply"]).click()
        page.wait_for_load_state()
        assert page.url.endswith(
            f"/circles/{told['circle']}/threads/{told['thread']}?post={told['reply']}#post-{told['reply']}"
        )
        page.goto(live_server + "/me/notifications")
        # One read, one unread left: the header says so.
        link = page.get_by_test_id("notifications-link")
        assert link.get_attribute("aria-label") == words["link"].replace("2", "1")
    finally:
        context.close()
