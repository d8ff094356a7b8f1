"""A sign-up whose session is lost before sending (the browser was closed, the cookie
expired) comes back with everything typed but the password, and goes through the second
time."""

import pytest

from rally.auth.models import User
from rally.extensions import db

pytestmark = pytest.mark.browser


def test_a_sign_up_sent_after_the_session_was_lost_keeps_the_input(live_server, browser, app):
    app.config["WTF_CSRF_ENABLED"] = True
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(live_server + "/auth/signup")
    typed = {
        "name": "Hanako Yamada",
        "email": "hanako@example.jp",
        "store_name-en": "Hanako's Bakery",
        "address-en": "3-1 Shimorenjaku, Mitaka",
    }
    for name, value in typed.items():
        page.fill(f'input[name="{name}"]', value)
    page.fill('input[name="password"]', "a long enough secret")
    page.fill('input[name="confirm"]', "a long enough secret")
    context.clear_cookies()  # the session, and the token's secret with it, are gone
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()

    assert "This form had expired. Your input is kept" in page.locator(".flashes").inner_text()
    for name, value in typed.items():
        assert page.input_value(f'input[name="{name}"]') == value
    assert page.input_value('input[name="password"]') == ""
    with app.app_context():
        assert db.session.query(User).count() == 0

    page.fill('input[name="password"]', "a long enough secret")
    page.fill('input[name="confirm"]', "a long enough secret")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(live_server + "/merchant/")
    with app.app_context():
        assert db.session.query(User).count() == 1
    context.close()
