"""A shopper's journey: open a stamp link on a phone, see the card, switch to English."""

import pytest

pytestmark = pytest.mark.browser


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

    phone.get_by_test_id("lang-switch").click()
    phone.wait_for_load_state()
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
