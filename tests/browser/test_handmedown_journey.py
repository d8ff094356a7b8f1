"""Issue 21's hand-me-down journey on a phone, in Japanese and English: after ``flask --app
rally demo`` the demo resident finds the board from the circles' page and offers a stroller
with a photo; the demo moderator (a resident too) finds it on the board, reserves it after
the confirmation page, and the two exchange messages, each told in the header's
notifications. Every page visited fits 390 px and has no serious axe violation; the
``browser`` fixture fails the test on any Content-Security-Policy violation.
"""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from rally.extensions import db
from rally.handmedown.models import Listing, ListingMessage, ListingPhoto

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser

GIVER = ("resident@example.jp", "rally-resident-demo")
TAKER = ("moderator@example.jp", "rally-moderator-demo")

WORDS = {
    "ja": {
        "locale": "ja-JP",
        "board": "おゆずりします：ご近所の子ども用品をゆずり合い",
        "offer": "おゆずりする",
        "title": "ゆずる品物",
        "category": "カテゴリー",
        "description": "説明（サイズ、使用年数、注意点など）",
        "submit": "ゆずる",
        "on board": "おゆずり品を掲載しました。",
        "reserve": "予約する",
        "yes": "はい、予約します",
        "reserved": "予約しました。ゆずる方にメッセージを送り、受け渡しを決めましょう。",
        "message": "メッセージ",
        "send": "送信",
        "item": "三輪車にもなるベビーカー",
        "text": "折りたたみ式です。雨よけカバー付き。",
        "ask": "土曜日の午前に受け取りに行ってもいいですか？",
        "answer": "はい、駅前のパン屋さんでお待ちしています。",
        "state": "予約済み",
    },
    "en": {
        "locale": "en-US",
        "board": "Hand-me-down board: children's things neighbours give away",
        "offer": "Offer something",
        "title": "What are you giving away?",
        "category": "Category",
        "description": "Description (size, age, what to know)",
        "submit": "Offer it",
        "on board": "Your listing is on the board.",
        "reserve": "Reserve",
        "yes": "Yes, reserve it",
        "reserved": "Reserved for you. Write to the giver to agree on the hand-over.",
        "message": "Your message",
        "send": "Send",
        "item": "Foldable stroller with rain cover",
        "text": "Folds flat, fits a small car boot.",
        "ask": "Could I pick it up on Saturday morning?",
        "answer": "Yes, see you at the bakery by the station.",
        "state": "Reserved",
    },
}


@pytest.fixture
def demo(app, runner, tmp_path):
    with app.app_context():
        db.drop_all()  # the demo builds its schema through the migrations
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    photo = tmp_path / "stroller.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 140, 200)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    return {"photo": str(photo)}


def log_in(page, live_server, email, password):
    page.goto(live_server + "/me/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/me/login" not in page.url


class Looks:
    """Axe's serious violations and a page wider than the phone, per page visited."""

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


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_resident_offers_a_stroller_another_reserves_it_and_they_message(
    browser, live_server, app, demo, lang
):
    words = WORDS[lang]
    look = Looks()
    options = dict(viewport=PHONE, is_mobile=True, has_touch=True, locale=words["locale"])
    giver, taker = browser.new_context(**options), browser.new_context(**options)
    try:
        # The giver finds the board from the circles' page and offers a stroller.
        page = giver.new_page()
        log_in(page, live_server, *GIVER)
        page.goto(live_server + "/circles")
        page.get_by_role("link", name=words["board"]).click()
        page.wait_for_load_state()
        look(page, "board")
        page.get_by_test_id("offer").click()
        page.wait_for_load_state()
        look(page, "new listing")
        form = page.get_by_test_id("listing-form")
        form.get_by_label(words["title"]).fill(words["item"])
        form.get_by_label(words["category"]).select_option("stroller")
        form.get_by_label(words["description"]).fill(words["text"])
        form.locator("input[type=file]").set_input_files(demo["photo"])
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert words["on board"] in page.get_by_role("status").first.inner_text()
        assert page.get_by_role("heading", level=1).inner_text() == words["item"]
        image = page.get_by_test_id("listing-photos").locator("img").first
        image.wait_for()
        page.wait_for_function(  # lazily loaded: wait until the browser has it
            "img => img.complete && img.naturalWidth > 0",
            arg=image.element_handle(),
            timeout=15_000,
        )
        listing_url = page.url
        look(page, "listing (giver)")
        with app.app_context():
            listing = db.session.scalar(select(Listing).where(Listing.title == words["item"]))
            assert listing.category.value == "stroller" and listing.area_id is not None
            assert db.session.scalar(
                select(ListingPhoto).where(ListingPhoto.listing_id == listing.id)
            )

        # Another resident finds it on the board and reserves it after confirming.
        other = taker.new_page()
        log_in(other, live_server, *TAKER)
        before = unread_in_header(page)
        other.goto(live_server + "/handmedown")
        other.get_by_role("link", name=words["item"]).click()
        other.wait_for_load_state()
        assert other.url == listing_url
        look(other, "listing (before reserving)")
        other.get_by_role("button", name=words["reserve"], exact=True).click()
        other.wait_for_load_state()
        look(other, "reserve: confirmation")
        other.get_by_role("button", name=words["yes"], exact=True).click()
        other.wait_for_load_state()
        assert words["reserved"] in other.get_by_role("status").first.inner_text()
        assert other.get_by_test_id("listing-state").inner_text() == words["state"]

        # They exchange messages.
        messages = other.get_by_test_id("message-form")
        messages.get_by_label(words["message"]).fill(words["ask"])
        messages.get_by_role("button", name=words["send"], exact=True).click()
        other.wait_for_load_state()
        assert words["ask"] in other.get_by_test_id("messages").inner_text()
        look(other, "listing (reserver, messages)")

        page.goto(live_server + "/")
        assert unread_in_header(page) == before + 2  # reserved, and a message
        page.goto(listing_url)
        assert words["ask"] in page.get_by_test_id("messages").inner_text()
        form = page.get_by_test_id("message-form")
        form.get_by_label(words["message"]).fill(words["answer"])
        form.get_by_role("button", name=words["send"], exact=True).click()
        page.wait_for_load_state()
        look(page, "listing (giver, messages)")

        other.goto(listing_url)
        told = other.get_by_test_id("messages").inner_text()
        assert told.index(words["ask"]) < told.index(words["answer"])
        with app.app_context():
            assert (
                len(
                    db.session.scalars(
                        select(ListingMessage).where(ListingMessage.listing_id == listing.id)
                    ).all()
                )
                == 2
            )
        other.goto(live_server + "/me/handmedown")
        assert words["item"] in other.get_by_test_id("reserved").inner_text()
        look(other, "my hand-me-downs")
    finally:
        giver.close()
        taker.close()
    assert look.found == {}
