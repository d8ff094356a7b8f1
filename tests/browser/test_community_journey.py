"""Issue 19's journey on a phone, in Japanese, English and Korean (the language the browser
asks for): after ``flask --app rally demo`` the demo resident asks to join 子育てひろば, the
demo moderator approves, the resident posts a thread with a photo (first refused without the
child-photo confirmation, said at the checkbox, the text kept), the moderator replies and
reacts, and the resident sees the count in the header, reads both notifications in their
language and follows the reply to the post. Every page visited fits 390 px and has no
serious axe violation; the ``browser`` fixture fails the test on any Content-Security-Policy
violation.

(A moderator hiding a reported post and undoing it: tests/browser/test_moderation_journey.py.)
"""

import io

import pytest
from PIL import Image
from sqlalchemy import delete, select

from rally.circles.models import Circle, CircleMember
from rally.extensions import db
from rally.i18n.content import texts_sql
from rally.threads.models import Post
from rally.visitors.models import Visitor

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser

RESIDENT = ("resident@example.jp", "rally-resident-demo")
MODERATOR = ("moderator@example.jp", "rally-moderator-demo")
MODERATOR_NAME = "ひろば係 さくら"

WORDS = {
    "ja": {
        "locale": "ja-JP",
        "ask": "参加を申請する",
        "approve": "承認する",
        "new": "新しいスレッドを立てる",
        "post": "投稿する",
        "reply": "返信する",
        "confirm": "これらの写真から子どもの顔や名前がわからないことを確認しました。",
        "refused": "写真から子どもの顔や名前がわからないことを確認してください。",
        "heading": "通知",
        "text": "公園の砂場で遊びました",
        "answer": "楽しそうですね",
        "link": "通知（未読{}件）",
        "told reply": f"{MODERATOR_NAME}さんがあなたのスレッド「{{}}」に返信しました",
        "told reaction": f"{MODERATOR_NAME}さんがあなたの投稿「{{}}」に👍でリアクションしました",
        "told approval": "子育てひろばへの参加申請が承認されました",
    },
    "en": {
        "locale": "en-US",
        "ask": "Ask to join",
        "approve": "Approve",
        "new": "Start a new thread",
        "post": "Post",
        "reply": "Reply",
        "confirm": "I confirm that no child's face or name can be identified in these photos.",
        "refused": "Please confirm that no child's face or name can be identified in the photos.",
        "heading": "Notifications",
        "text": "We played in the park sandpit",
        "answer": "Looks like fun",
        "link": "Notifications, {} unread",
        "told reply": f"{MODERATOR_NAME} replied to your thread “{{}}”",
        "told reaction": f"{MODERATOR_NAME} reacted 👍 to your post “{{}}”",
        "told approval": "Your request to join Child-raising Hiroba was approved",
    },
    "ko": {
        "locale": "ko-KR",
        "ask": "가입 신청",
        "approve": "승인",
        "new": "새 스레드 만들기",
        "post": "올리기",
        "reply": "답글 달기",
        "confirm": "이 사진들에서 아이의 얼굴이나 이름을 알아볼 수 없음을 확인했습니다.",
        "refused": "사진에서 아이의 얼굴이나 이름을 알아볼 수 없는지 확인해 주세요.",
        "heading": "알림",
        "text": "공원 모래밭에서 놀았어요",
        "answer": "즐거워 보이네요",
        "link": "알림, 읽지 않음 {}개",
        "told reply": f"{MODERATOR_NAME} 님이 내 스레드 “{{}}”에 답글을 남겼습니다",
        "told reaction": f"{MODERATOR_NAME} 님이 내 게시물 “{{}}”에 👍 반응을 남겼습니다",
        "told approval": "육아 광장 가입 신청이 승인되었습니다",
    },
}


@pytest.fixture
def demo(app, runner, tmp_path):
    """The demo district, before its resident has asked to join 子育てひろば (the demo makes
    that request so that its moderator has one to answer: this journey makes it itself)."""
    with app.app_context():
        db.drop_all()  # the demo builds its schema through the migrations
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        hiroba = db.session.scalar(
            select(Circle.id).where(texts_sql(Circle.name, "ja") == "子育てひろば")
        )
        resident = db.session.scalar(select(Visitor.id).where(Visitor.email == RESIDENT[0]))
        db.session.execute(
            delete(CircleMember).where(
                CircleMember.circle_id == hiroba, CircleMember.visitor_id == resident
            )
        )
        db.session.commit()
    photo = tmp_path / "sandpit.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 170, 90)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    return {"hiroba": hiroba, "photo": str(photo)}


def log_in(page, live_server, email, password):
    page.goto(live_server + "/me/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/me/login" not in page.url


def flat(text: str) -> str:
    return " ".join(text.split())


class Looks:
    """What was wrong on each page visited: axe's serious violations, a page wider than the
    phone."""

    def __init__(self):
        self.found = {}

    def __call__(self, page, name):
        problems = violations(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{width} px wide")
        if problems:
            self.found[name] = problems


def unread_in_header(page) -> int:
    count = page.get_by_test_id("notifications-count")
    return int(count.inner_text()) if count.count() else 0


@pytest.mark.parametrize("lang", ["ja", "en", "ko"])
def test_a_resident_joins_the_hiroba_posts_a_photo_and_is_told_of_the_answers(
    browser, live_server, app, demo, lang
):
    words = WORDS[lang]
    circle = f"{live_server}/circles/{demo['hiroba']}"
    look = Looks()
    options = dict(viewport=PHONE, is_mobile=True, has_touch=True, locale=words["locale"])
    resident, moderator = browser.new_context(**options), browser.new_context(**options)
    try:
        # The resident asks to join the members-only circle.
        page = resident.new_page()
        log_in(page, live_server, *RESIDENT)
        before = unread_in_header(page)
        page.goto(circle)
        assert page.get_by_test_id("members-only").is_visible()
        look(page, "circle (not a member)")
        page.get_by_role("button", name=words["ask"], exact=True).click()
        page.wait_for_load_state()
        look(page, "circle (asked)")

        # The moderator approves.
        mod = moderator.new_page()
        log_in(mod, live_server, *MODERATOR)
        mod.goto(circle)
        look(mod, "circle (moderator)")
        mod.get_by_test_id("requests").get_by_role(
            "button", name=words["approve"], exact=True
        ).click()
        mod.wait_for_load_state()
        assert mod.get_by_test_id("requests").count() == 0

        # The resident posts a thread with a photo: without the confirmation the post is
        # refused, said in their language, and what they wrote is kept.
        page.goto(circle)
        assert page.get_by_test_id("description").is_visible()
        page.get_by_text(words["new"], exact=True).click()
        form = page.get_by_test_id("post-form")
        form.locator("textarea").fill(words["text"])
        form.locator("input[type=file]").set_input_files(demo["photo"])
        form.get_by_role("button", name=words["post"], exact=True).click()
        page.wait_for_load_state()
        form = page.get_by_test_id("post-form")
        assert form.is_visible()
        assert words["refused"] in form.inner_text()
        assert form.locator("textarea").input_value() == words["text"]
        look(page, "circle (refused)")
        with app.app_context():
            assert db.session.scalar(select(Post).where(Post.text == words["text"])) is None

        confirm = form.get_by_label(words["confirm"])
        assert confirm.get_attribute("aria-invalid") == "true"  # read out at the checkbox
        described = confirm.evaluate(
            "box => document.getElementById(box.getAttribute('aria-describedby')).textContent"
        )
        assert described.strip() == words["refused"]
        confirm.check()
        form.locator("input[type=file]").set_input_files(demo["photo"])
        with page.expect_response(lambda r: "/circle-photos/" in r.url) as shown:
            form.get_by_role("button", name=words["post"], exact=True).click()
        assert shown.value.status == 200
        page.wait_for_load_state()
        assert "/threads/" in page.url
        thread_url = page.url
        assert words["text"] in page.get_by_test_id("thread").inner_text()
        image = page.get_by_test_id("thread").locator(".post-photos img").first
        image.wait_for()
        page.wait_for_function(  # lazily loaded: wait until the browser has it
            "img => img.complete && img.naturalWidth > 0",
            arg=image.element_handle(),
            timeout=15_000,
        )
        look(page, "thread (resident)")

        # The moderator replies and reacts 👍 to the thread.
        mod.goto(thread_url)
        look(mod, "thread (moderator)")
        mod.get_by_test_id("post-form").locator("textarea").fill(words["answer"])
        mod.get_by_test_id("post-form").get_by_role(
            "button", name=words["reply"], exact=True
        ).click()
        mod.wait_for_load_state()
        assert words["answer"] in mod.get_by_test_id("replies").inner_text()
        opening = mod.get_by_test_id("thread")
        opening.locator(".reaction-add summary").first.click()
        opening.locator("button[name=emoji][value='👍']").first.click()
        opening.locator("button[name=emoji][value='👍'][aria-pressed=true]").wait_for()

        # The resident sees the count in the header and reads what happened, in their
        # language: the approval, the reply and the reaction.
        page.goto(live_server + "/")
        assert unread_in_header(page) == before + 3
        link = page.get_by_test_id("notifications-link")
        assert link.get_attribute("aria-label") == words["link"].format(before + 3)
        look(page, "home")
        link.click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == words["heading"]
        told = flat(page.get_by_test_id("notifications").inner_text())
        assert words["told reply"].format(words["text"]) in told
        assert words["told reaction"].format(words["text"]) in told
        assert words["told approval"] in told
        look(page, "notifications")

        with app.app_context():
            reply = db.session.scalar(select(Post.id).where(Post.text == words["answer"]))
        page.get_by_test_id("notifications").get_by_role(
            "link", name=words["told reply"].format(words["text"])
        ).click()
        page.wait_for_load_state()
        assert page.url == f"{thread_url}?post={reply}#post-{reply}"
        assert page.locator(f"#post-{reply}").is_visible()
        assert words["answer"] in page.locator(f"#post-{reply}").inner_text()
        look(page, "thread (from the notification)")
        page.goto(live_server + "/")
        assert unread_in_header(page) == before + 2  # the reply is read now
    finally:
        resident.close()
        moderator.close()
    assert look.found == {}
