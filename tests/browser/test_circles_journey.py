"""Circles on a phone: a moderator approves a request to join a members-only circle and the
resident then reads it; the circles pages have no serious accessibility violation."""

import pytest
from sqlalchemy import select

from rally.circles.models import Circle
from rally.extensions import db
from rally.i18n.content import texts_sql

from .axe import violations
from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser

DESCRIPTION_JA = "子育て中の家族のための場所です。"


@pytest.fixture
def demo(app, runner):
    with app.app_context():
        db.drop_all()  # the demo builds its schema through the migrations
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        hiroba = db.session.scalar(
            select(Circle.id).where(texts_sql(Circle.name, "ja") == "子育てひろば")
        )
    return {"hiroba": hiroba}


def resident_log_in(page, live_server, email, password):
    page.goto(live_server + "/me/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/me/login" not in page.url


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_moderator_approves_and_the_resident_reads_the_hiroba(browser, live_server, demo, lang):
    locale = "ja-JP" if lang == "ja" else "en-US"
    circle = f"{live_server}/circles/{demo['hiroba']}"
    found = {}
    moderator = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=locale)
    resident = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=locale)
    try:
        page = resident.new_page()
        resident_log_in(page, live_server, "resident@example.jp", "rally-resident-demo")
        page.goto(circle)
        assert page.get_by_test_id("members-only").is_visible()
        assert DESCRIPTION_JA not in page.content()
        found["circle (asked)"] = violations(page)
        page.goto(live_server + "/circles")
        found["circles"] = violations(page)

        mod = moderator.new_page()
        resident_log_in(mod, live_server, "moderator@example.jp", "rally-moderator-demo")
        mod.goto(circle)
        found["circle (moderator)"] = violations(mod)
        requests = mod.get_by_test_id("requests")
        requests.get_by_role("button", name="承認する" if lang == "ja" else "Approve").click()
        mod.wait_for_load_state()
        assert mod.get_by_test_id("requests").count() == 0

        page.goto(circle)
        assert page.get_by_test_id("description").is_visible()
        assert page.get_by_test_id("members-only").count() == 0
    finally:
        moderator.close()
        resident.close()
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_association_circle_pages_have_no_serious_accessibility_violation(
    browser, live_server, demo
):
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    try:
        log_in(page, live_server, "admin@example.jp", "rally-admin-demo")
        found = {}
        for path in (
            "/admin/circles/",
            "/admin/circles/new",
            f"/admin/circles/{demo['hiroba']}/edit",
        ):
            assert page.goto(live_server + path).status == 200, path
            problems = violations(page)
            if problems:
                found[path] = problems
        assert found == {}
    finally:
        context.close()
