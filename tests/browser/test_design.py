"""The design's promises, checked in a browser over the demo district: each public page
stays under its byte budget without photos, and the back office's menu (a details
disclosure) opens from the keyboard and without JavaScript, marks where one is, and passes
axe-core opened."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from rally.campaigns.models import Campaign, Checkpoint
from rally.demo import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    CAMPAIGN_TITLE_JA,
    MERCHANT_EMAIL,
    MERCHANT_PASSWORD,
)
from rally.extensions import db
from rally.i18n.content import texts_sql

from .axe import violations
from .conftest import PHONE, log_in
from .test_merchant_profile import demo  # noqa: F401  (a fixture: the demo district)

pytestmark = pytest.mark.browser

BUDGET = 100 * 1024
# Pictures (store and spot photos, stamp designs) are content, outside the budget; the
# HTML, styles, scripts and icons (the category drawings) are inside it.
PICTURES = ("/photo", "/stamp.png")


@pytest.fixture
def rally(app, demo):  # noqa: F811  (the imported fixture)
    """The demo rally's id and the stamp paths of its first six places."""
    from rally.stamping.tokens import checkpoint_token

    with app.app_context():
        campaign = db.session.scalar(
            select(Campaign).where(texts_sql(Campaign.title, "ja") == CAMPAIGN_TITLE_JA)
        )
        checkpoints = db.session.scalars(
            select(Checkpoint)
            .where(Checkpoint.campaign_id == campaign.id, Checkpoint.store_id.is_not(None))
            .order_by(Checkpoint.id)
            .limit(6)
        )
        return campaign.id, ["/s/" + checkpoint_token(cp) for cp in checkpoints]


def test_public_pages_stay_under_100_kb_without_photos(browser, app, live_server, rally):
    campaign_id, stamps = rally
    context = browser.new_context(viewport=PHONE, locale="ja-JP")
    page = context.new_page()
    for path in stamps:  # a card with stamps, the last one just collected
        page.goto(live_server + path)
    card_path = urlsplit(page.url).path + "?" + urlsplit(page.url).query
    card_cookie = context.storage_state()
    context.close()
    weights = {}
    for name, path in (
        ("home", "/"),
        ("directory", "/stores"),
        ("store", "/stores/1"),
        ("card", card_path),
        ("landing", f"/campaigns/{campaign_id}"),
    ):
        # A first visit: a new context has an empty cache.
        context = browser.new_context(viewport=PHONE, locale="ja-JP", storage_state=card_cookie)
        page = context.new_page()
        sizes = {}

        def count(response, sizes=sizes):
            url = urlsplit(response.url)
            if url.netloc == urlsplit(live_server).netloc and not any(
                part in url.path for part in PICTURES
            ):
                sizes[response.url] = len(response.body())

        page.on("response", count)
        page.goto(live_server + path, wait_until="networkidle")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy icons too
        page.wait_for_load_state("networkidle")
        context.close()
        assert len(sizes) >= 2, (name, sizes)  # the page and its stylesheet at least
        weights[name] = sum(sizes.values())
    print("bytes without photos:", weights)
    assert all(weight < BUDGET for weight in weights.values()), weights


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    ("email", "password", "path", "current", "group"),
    [
        (ADMIN_EMAIL, ADMIN_PASSWORD, "/admin/campaigns", ("Campaigns", "キャンペーン"), 1),
        (MERCHANT_EMAIL, MERCHANT_PASSWORD, "/merchant/", ("My stores", "自分の店舗"), 1),
    ],
    ids=["admin", "merchant"],
)
@pytest.mark.usefixtures("demo")
def test_back_office_menu_opens_from_the_keyboard_and_passes_axe(
    browser,
    live_server,
    lang,
    email,
    password,
    path,
    current,
    group,  # noqa: F811
):
    context = browser.new_context(viewport=PHONE, locale="ja-JP" if lang == "ja" else "en-US")
    page = context.new_page()
    log_in(page, live_server, email, password)
    page.goto(live_server + path)
    menu = page.get_by_test_id("backoffice-menu")
    assert not menu.get_by_role("link").first.is_visible()  # folded
    page.locator("summary").first.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("open") is not None
    page.keyboard.press("Tab")  # into the opened menu
    assert page.evaluate("document.activeElement.closest('.menu-panel') !== null")
    here = menu.locator("a[aria-current=page]")
    assert here.count() == 1 and here.inner_text() in current
    assert menu.locator(".menu-group.current").count() == group
    assert "current" in menu.locator("summary").get_attribute("class")
    assert violations(page) == []
    context.close()


@pytest.mark.usefixtures("demo")
def test_back_office_menu_works_without_javascript(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="en-US", java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.get_by_test_id("backoffice-menu").locator("summary").click()
    page.get_by_test_id("backoffice-menu").get_by_role("link", name="Areas").click()
    page.wait_for_url("**/manage/areas/")
    assert page.get_by_test_id("backoffice-menu").locator(
        "a[aria-current=page]"
    ).text_content() == ("Areas")
    context.close()


@pytest.mark.usefixtures("demo")
def test_the_posters_page_prints_without_the_site_s_chrome(browser, live_server):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    log_in(page, live_server, MERCHANT_EMAIL, MERCHANT_PASSWORD)
    page.goto(live_server + "/posters/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert page.locator("main .admin-list").is_visible()
    context.close()
