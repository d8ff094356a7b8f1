"""The association watches its dashboard: new stamps appear without reloading the page."""

import pytest
from playwright.sync_api import expect

from rally.auth.models import Role

from .conftest import PHONE

pytestmark = pytest.mark.browser


def test_the_dashboard_follows_new_stamps(
    app, browser, live_server, make_user, make_campaign, stamp_path
):
    app.config["RALLY_DASHBOARD_REFRESH_SECONDS"] = 1
    campaign_id, checkpoints = make_campaign()
    admin = make_user(role=Role.admin, email="office@example.jp")
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    try:
        page.goto(live_server + "/auth/login")
        page.get_by_label("E-mail address").fill(admin.email)
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        page.goto(live_server + f"/manage/dashboard/?campaign={campaign_id}")
        expect(page.get_by_test_id("participants")).to_have_text("0")
        page.locator("main details summary").first.click()  # "As a table", opened
        page.evaluate("window.marker = 'same page'")

        visitor = app.test_client()
        for checkpoint_id in checkpoints[:2]:
            assert visitor.get(stamp_path(checkpoint_id)).status_code == 303

        expect(page.get_by_test_id("participants")).to_have_text("1", timeout=10000)
        expect(page.get_by_test_id("stamps")).to_have_text("2")
        assert page.evaluate("window.marker") == "same page"  # swapped, not reloaded
        assert page.locator("main details").first.get_attribute("open") is not None
        # where the click left it
        expect(page.locator("main details summary").first).to_be_focused()

        # Paused, it stays as it is; resumed, it catches up.
        page.get_by_role("button", name="Pause updates").click()
        assert visitor.get(stamp_path(checkpoints[2])).status_code == 303
        page.wait_for_timeout(2500)
        expect(page.get_by_test_id("stamps")).to_have_text("2")
        page.get_by_role("button", name="Resume updates").click()
        expect(page.get_by_test_id("stamps")).to_have_text("3", timeout=10000)

        # Logged out meanwhile: the page says the figures are no longer updated.
        context.clear_cookies()
        expect(page.get_by_role("status")).to_contain_text(
            "The figures could not be updated.", timeout=10000
        )
    finally:
        context.close()
