"""A shopper's journey: open a stamp link on a phone, see the card, switch to English; the
same in Chinese and Korean, the browser's language deciding."""

import pytest

from rally.i18n.languages import bcp47
from tests.i18n.catalogs import catalog, pattern, translated

from .conftest import PHONE

pytestmark = pytest.mark.browser

# The language a phone's browser asks for (Accept-Language) and the one the site answers in.
BROWSER_LOCALES = {"zh_Hans": "zh-CN", "zh_Hant": "zh-TW", "ko": "ko-KR"}


def switch_language(page, lang):
    """Open the header's language menu and pick ``lang``, as a visitor does."""
    page.get_by_test_id("lang-switch").click()
    page.get_by_test_id(f"lang-{bcp47(lang)}").click()
    page.wait_for_load_state()


def test_scan_then_card_then_english(live_server, phone, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(stores=4)
    phone.goto(live_server + stamp_path(checkpoints[0]))

    assert phone.url == f"{live_server}/card/{campaign_id}?new={checkpoints[0]}"
    assert phone.locator("html").get_attribute("lang") == "ja"
    assert "スタンプをゲットしました" in phone.get_by_test_id("scan-result").inner_text()
    assert phone.get_by_test_id("progress").inner_text().strip() == "4個中 1個 集めました"
    assert phone.get_by_test_id("stamp-collected").count() == 1
    # Mobile-first: nothing wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    switch_language(phone, "en")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_test_id("progress").inner_text().strip() == "1 of 4 stamps collected"
    assert phone.get_by_test_id("stamp-collected").count() == 1
    assert "Year-End Stamp Rally" in phone.locator("h1").inner_text()
    assert phone.get_by_role("heading", name="Shops still to visit").is_visible()

    # The choice is remembered on the next page.
    phone.goto(live_server + "/card")
    assert phone.locator("html").get_attribute("lang") == "en"


def test_second_scan_on_the_phone_says_so_kindly(live_server, phone, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    phone.goto(live_server + stamp_path(checkpoints[0]))
    phone.goto(live_server + stamp_path(checkpoints[0]))
    assert "すでに押されています" in phone.get_by_test_id("scan-result").inner_text()
    assert phone.get_by_test_id("stamp-collected").count() == 1


@pytest.mark.parametrize("lang", ["zh_Hans", "ko"])
def test_scan_then_card_in_the_browsers_language(
    browser, live_server, make_campaign, stamp_path, lang
):
    """A visitor whose phone reads Chinese or Korean collects a stamp and reads the card in
    their language; the menu, opened with the keyboard, takes them to another one."""
    campaign_id, checkpoints = make_campaign(stores=4)
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale=BROWSER_LOCALES[lang])
    phone = context.new_page()
    try:
        phone.goto(live_server + stamp_path(checkpoints[0]))
        assert phone.url == f"{live_server}/card/{campaign_id}?new={checkpoints[0]}"
        assert phone.locator("html").get_attribute("lang") == bcp47(lang)
        progress = catalog(lang).ungettext(
            "%(num)d of %(total)d stamp collected", "%(num)d of %(total)d stamps collected", 4
        ) % {"num": 1, "total": 4}
        assert phone.get_by_test_id("progress").inner_text().strip() == progress
        collected = pattern(lang, "Stamp collected at %(shop)s!")
        assert collected.search(phone.get_by_test_id("scan-result").inner_text())
        shops = translated(lang, "Shops still to visit")
        assert phone.get_by_role("heading", name=shops).is_visible()
        assert phone.get_by_test_id("stamp-collected").count() == 1

        # The menu by keyboard: the current language is marked, each one named in itself.
        menu = phone.get_by_test_id("lang-menu")
        phone.get_by_test_id("lang-switch").focus()
        phone.keyboard.press("Enter")
        assert menu.get_attribute("open") is not None
        current = menu.locator("a[aria-current]")
        assert current.get_attribute("lang") == bcp47(lang)
        assert menu.locator("a").count() == 5
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        other = "zh_Hant" if lang != "zh_Hant" else "ko"
        link = phone.get_by_test_id(f"lang-{bcp47(other)}")
        link.focus()
        phone.keyboard.press("Enter")
        phone.wait_for_url(f"**/card/{campaign_id}?new={checkpoints[0]}")
        assert phone.locator("html").get_attribute("lang") == bcp47(other)
        progress = catalog(other).ungettext(
            "%(num)d of %(total)d stamp collected", "%(num)d of %(total)d stamps collected", 4
        ) % {"num": 1, "total": 4}
        assert phone.get_by_test_id("progress").inner_text().strip() == progress
    finally:
        context.close()
