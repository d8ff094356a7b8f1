"""Threads on a phone: a member of まちの情報 starts a thread with a photo and replies to it,
in Japanese and in English; a reply written elsewhere appears on the open thread page, and a
new thread on the open circle page, without a reload; the pages have no serious
accessibility violation."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from rally.circles.models import Circle
from rally.extensions import db
from rally.i18n.content import texts_sql

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app, runner, tmp_path):
    with app.app_context():
        db.drop_all()  # the demo builds its schema through the migrations
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    app.config["RALLY_THREADS_REFRESH_SECONDS"] = 1
    with app.app_context():
        town = db.session.scalar(
            select(Circle.id).where(texts_sql(Circle.name, "ja") == "まちの情報")
        )
    photo = tmp_path / "park.jpg"
    image = Image.new("RGB", (800, 600), (40, 140, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    return {"town": town, "photo": str(photo)}


def resident_log_in(page, live_server):
    page.goto(live_server + "/me/login")
    page.fill("input[name=email]", "resident@example.jp")
    page.fill("input[name=password]", "rally-resident-demo")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/me/login" not in page.url


WORDS = {
    "ja": {
        "new": "新しいスレッドを立てる",
        "post": "投稿する",
        "reply": "返信する",
        "text": "公園の花が咲きました",
        "answer": "見に行きます",
        "later": "朝がきれいです",
    },
    "en": {
        "new": "Start a new thread",
        "post": "Post",
        "reply": "Reply",
        "text": "The park flowers are out",
        "answer": "I will go and see",
        "later": "Mornings are best",
    },
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_member_posts_a_thread_with_a_photo_and_replies(browser, live_server, demo, lang):
    words = WORDS[lang]
    locale = "ja-JP" if lang == "ja" else "en-US"
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=locale)
    found = {}
    try:
        page = context.new_page()
        resident_log_in(page, live_server)
        page.goto(f"{live_server}/circles/{demo['town']}")
        page.get_by_text(words["new"]).click()
        form = page.get_by_test_id("post-form")
        form.locator("textarea").fill(words["text"])
        form.locator("input[type=file]").set_input_files(demo["photo"])
        form.get_by_role("button", name=words["post"]).click()
        page.wait_for_load_state()
        assert "/threads/" in page.url
        thread = page.get_by_test_id("thread")
        assert words["text"] in thread.inner_text()
        image = thread.locator(".post-photos img")
        image.wait_for()
        # Lazily loaded: wait until the browser has it (a loaded machine takes a while).
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0",
            arg=image.element_handle(),
            timeout=15_000,
        )
        found["thread"] = violations(page)

        page.get_by_test_id("post-form").locator("textarea").fill(words["answer"])
        page.get_by_test_id("post-form").get_by_role("button", name=words["reply"]).click()
        page.wait_for_load_state()
        assert words["answer"] in page.get_by_test_id("replies").inner_text()

        # The same thread open in a second tab shows a reply written in the first one.
        other = context.new_page()
        other.goto(page.url)
        assert other.get_by_test_id("show-new").is_hidden()  # with JavaScript, no reload
        page.get_by_test_id("post-form").locator("textarea").fill(words["later"])
        page.get_by_test_id("post-form").get_by_role("button", name=words["reply"]).click()
        page.wait_for_load_state()
        other.get_by_test_id("replies").get_by_text(words["later"]).wait_for(timeout=10_000)
        assert other.locator("[aria-live=polite]").inner_text().strip() != ""

        page.goto(f"{live_server}/circles/{demo['town']}")
        assert words["text"] in page.get_by_test_id("threads").inner_text()
        found["circle"] = violations(page)

        # The circle open in the second tab shows a thread started in the first one.
        other.goto(page.url)
        page.get_by_text(words["new"]).click()
        page.get_by_test_id("post-form").locator("textarea").fill(words["later"] + "!")
        page.get_by_test_id("post-form").get_by_role("button", name=words["post"]).click()
        page.wait_for_load_state()
        other.get_by_test_id("threads").get_by_text(words["later"] + "!").wait_for(timeout=10_000)
        first = other.get_by_test_id("threads").locator("li").first.inner_text()
        assert words["later"] + "!" in first  # the newest activity comes first
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
    finally:
        context.close()
    assert {name: problems for name, problems in found.items() if problems} == {}
