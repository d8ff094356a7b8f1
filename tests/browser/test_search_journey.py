"""Search on a phone: from the circles' list, with the keyboard alone, a reader finds the
post about the park; the search pages have no serious accessibility violation and no
horizontal scroll."""

import pytest

from rally.circles.models import Circle, CircleKind, CircleStatus
from rally.extensions import db
from rally.threads.models import Post
from rally.ugc.text import render_post

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def posts(app):
    with app.app_context():
        circle = Circle(
            kind=CircleKind.open,
            status=CircleStatus.active,
            name={"ja": "まちの情報", "en": "Town notes"},
            icon="📣",
        )
        db.session.add(circle)
        db.session.flush()
        for text in (
            "近所の公園で桜が咲きました。週末はお花見ができそうです。",
            "The **park** clean-up is on Sunday at 9. Bring gloves!",
            "駅前の商店街でお祭りがあります。",
        ):
            db.session.add(Post(circle_id=circle.id, text=text, html=render_post(text)))
        db.session.commit()


@pytest.mark.parametrize(
    "lang, locale, query, label",
    [
        ("ja", "ja-JP", "公園", "サークルの投稿を検索"),
        ("en", "en-US", "Park", "Search the circles' posts"),
    ],
)
def test_a_reader_finds_a_post_with_the_keyboard(
    browser, live_server, posts, lang, locale, query, label
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=locale)
    page = context.new_page()
    found = {}
    try:
        page.goto(live_server + "/circles")
        found["circles"] = violations(page)
        field = page.get_by_label(label)
        field.focus()
        page.keyboard.type(query)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/circles/search?q=" in page.url
        results = page.get_by_test_id("result")
        assert results.count() == 1
        assert results.first.locator("mark").inner_text().lower() == query.lower()
        found["results"] = violations(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]

        page.goto(live_server + "/circles/search?q=図書館")
        assert page.get_by_test_id("no-results").is_visible()
        found["no results"] = violations(page)
        page.goto(live_server + "/circles/search?q=" + "x" * 101)
        found["too long"] = violations(page)
    finally:
        context.close()
    assert {name: problems for name, problems in found.items() if problems} == {}
