"""A tourist saves their card, then deletes the account; the card stays on the phone."""

import pytest
from playwright.sync_api import expect

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser


def test_delete_the_account_and_keep_collecting(browser, live_server, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    phone = context.new_page()
    try:
        phone.goto(live_server + stamp_path(checkpoints[0]))
        expect(phone.get_by_test_id("progress")).to_contain_text("1 of 3")
        phone.get_by_role("link", name="Save my card").click()
        phone.get_by_label("E-mail address").fill("emma@example.com")
        phone.get_by_label("Password", exact=True).fill("a long password")
        phone.get_by_label("Password again").fill("a long password")
        phone.get_by_role("button", name="Save my card").click()
        phone.wait_for_url(live_server + "/me/")

        phone.get_by_role("link", name="Delete my account").click()
        expect(phone.get_by_role("heading", name="Delete my account")).to_be_visible()
        assert violations(phone) == []
        phone.get_by_label("Your password").fill("not it")
        phone.get_by_role("button", name="Delete my account").click()
        expect(phone.get_by_text("This password is not right.")).to_be_visible()
        phone.get_by_label("Your password").fill("a long password")
        phone.get_by_role("button", name="Delete my account").click()

        expect(phone.locator(".flashes")).to_contain_text("Your account is deleted")
        expect(phone.get_by_test_id("progress")).to_contain_text("1 of 3")
        phone.goto(live_server + stamp_path(checkpoints[1]))
        expect(phone.get_by_test_id("progress")).to_contain_text("2 of 3")
        phone.goto(live_server + "/me/")
        phone.wait_for_url(live_server + "/me/login")
    finally:
        context.close()
