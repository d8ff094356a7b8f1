"""Accessibility: axe-core (from the axe-playwright-python package) finds no serious or
critical violation on the visitor pages, in Japanese and in English."""

from datetime import timedelta

import pytest

from rally.extensions import db
from rally.news.models import Coupon, Event, NewsPost
from rally.stores.hours import StoreHours
from rally.utils import utcnow

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def pages(app, make_campaign, make_store):
    """The paths to check, over a district with content on every page."""
    from datetime import time

    from rally.campaigns.models import Checkpoint

    campaign_id, checkpoints = make_campaign(
        stores=3, rules_ja="店頭のQRを読み取る。", rules_en="Scan the QR code at the counter."
    )
    now = utcnow()
    with app.app_context():
        store_id = db.session.get(Checkpoint, checkpoints[0]).store_id
        db.session.add_all([
            Coupon(store_id=store_id, title={"ja": "10%引き", "en": "10% off"},
                   terms={"ja": "1回限り", "en": "Once"}, expires_at=now + timedelta(days=5)),
            NewsPost(store_id=store_id, title={"ja": "新商品", "en": "New in store"},
                     publish_at=now - timedelta(hours=1)),
            NewsPost(title={"ja": "お知らせ", "en": "Notice"}, publish_at=now - timedelta(hours=2)),
            Event(title={"ja": "市", "en": "Market"}, starts_at=now + timedelta(days=2),
                  ends_at=now + timedelta(days=2, hours=4)),
            *[StoreHours(store_id=store_id, weekday=day, opens=time(10), closes=time(19))
              for day in range(7)],
        ])  # fmt: skip
        store = db.session.get(Checkpoint, checkpoints[0]).store
        store.latitude, store.longitude, store.english_spoken = 35.70, 139.56, True
        db.session.commit()
    return {
        "home": "/",
        "directory": "/stores",
        "directory-filtered": "/stores?category=buy&tag=english_spoken&q=Test",
        "store": f"/stores/{store_id}",
        "campaign": f"/campaigns/{campaign_id}",
        "card": f"/card/{campaign_id}",
        "map": "/map",
        "news": "/news",
        "events": "/events",
        "privacy": "/privacy",
    }


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_visitor_pages_have_no_serious_accessibility_violation(browser, live_server, pages, lang):
    context = browser.new_context(viewport=PHONE, locale="ja-JP" if lang == "ja" else "en-US")
    page = context.new_page()
    try:
        found = {}
        for name, path in pages.items():
            page.goto(live_server + path)
            assert page.locator("html").get_attribute("lang") == lang
            problems = violations(page)
            if problems:
                found[name] = problems
        assert found == {}
    finally:
        context.close()


def test_the_opened_map_has_no_serious_accessibility_violation(browser, live_server, pages, app):
    app.config["RALLY_MAP_TILES"] = "https://tiles.example.test/{z}/{x}/{y}.png"
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    page.route("https://tiles.example.test/**", lambda route: route.fulfill(status=404))
    try:
        page.goto(live_server + "/map")
        page.get_by_test_id("show-map").click()
        page.locator(".leaflet-container").wait_for()
        assert violations(page) == []
    finally:
        context.close()


def test_publishing_pages_have_no_serious_accessibility_violation(
    browser, live_server, make_user, make_store
):
    merchant = make_user(email="shop@example.jp")
    store_id = make_store(owner_id=merchant.id)
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    try:
        page.goto(live_server + "/auth/login")
        page.get_by_label("E-mail address").fill("shop@example.jp")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        found = {}
        for path in ("/manage/coupons", "/manage/coupons/new", "/manage/news/new",
                     f"/manage/hours/{store_id}"):  # fmt: skip
            assert page.goto(live_server + path).status == 200, path
            problems = violations(page)
            if problems:
                found[path] = problems
        assert found == {}
    finally:
        context.close()
