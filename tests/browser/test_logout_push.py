"""Logging out on a shared tablet: the page's script reads this browser's push
subscription, tells the server its endpoint and unsubscribes the browser, so the next
person gets none of the previous resident's notifications; without JavaScript logging out
works the same (the server then knows the device by its cookie, see tests/push).

Headless Chromium has no push service: the browser's subscription is stood in for by an
init script (what ``pushManager.getSubscription()`` answers)."""

import pytest
from sqlalchemy import select

from rally.extensions import db
from rally.push.models import PushSubscription

from .conftest import PHONE
from .test_push_page import ANDROID_ENDPOINT, log_in, resident  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

FAKE_SUBSCRIPTION = """
(() => {
  const subscription = {
    endpoint: "ENDPOINT",
    unsubscribe() {
      sessionStorage.setItem("unsubscribed", "yes");
      return Promise.resolve(true);
    },
  };
  const registration = { pushManager: { getSubscription: () => Promise.resolve(subscription) } };
  if (navigator.serviceWorker) {
    navigator.serviceWorker.getRegistration = () => Promise.resolve(registration);
  }
})();
""".replace("ENDPOINT", ANDROID_ENDPOINT)


def endpoints(app):
    with app.app_context():
        return list(db.session.scalars(select(PushSubscription.endpoint)))


def test_logout_unsubscribes_this_browser_and_forgets_its_device(
    app,
    browser,
    live_server,
    resident,  # noqa: F811
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="en-US")
    try:
        context.add_init_script(FAKE_SUBSCRIPTION)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))  # the script's own
        log_in(page, live_server)
        page.goto(live_server + "/me/")
        assert endpoints(app) == [ANDROID_ENDPOINT]
        page.get_by_role("button", name="Log out", exact=True).click()
        page.wait_for_url("**/card")
        assert "You are logged out." in page.content()
        assert page.evaluate("sessionStorage.getItem('unsubscribed')") == "yes"
        assert endpoints(app) == []
        assert errors == []
    finally:
        context.close()


def test_logout_without_javascript(app, browser, live_server, resident):  # noqa: F811
    context = browser.new_context(viewport=PHONE, locale="en-US", java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live_server)
        page.goto(live_server + "/me/")
        page.get_by_role("button", name="Log out", exact=True).click()
        page.wait_for_load_state()
        assert "You are logged out." in page.content()
        assert endpoints(app) == [ANDROID_ENDPOINT]  # no cookie, no script: nothing to tell
    finally:
        context.close()
