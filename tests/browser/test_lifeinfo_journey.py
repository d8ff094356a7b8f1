"""The daily-life directory on a phone, in Japanese and English: on a Sunday morning the
directory shows the nearest clinic open now, the one on holiday duty, first; the phone's
position orders the list; the clinic's page says it is open and lists its duty."""

import re
from datetime import datetime, timedelta

import pytest

from rally.extensions import db
from rally.lifeinfo import views
from rally.lifeinfo.demo import seed_life

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser

# Sunday 13 December 2026, 10:00 in Tokyo, as the naive UTC the code reads.
SUNDAY_MORNING = datetime(2026, 12, 13, 10) - timedelta(hours=9)
TEXT = {
    "ja": {"locale": "ja-JP", "life": "暮らしの情報", "clinic": "駅前ないか内科",
           "open": "営業中", "today": "日曜日", "duty": "2026年12月13日日曜日: 09:00–17:00",
           "near": "現在地から近い順"},
    "en": {"locale": "en-US", "life": "Daily life", "clinic": "Ekimae Naika Internal Medicine",
           "open": "Open now", "today": "Sunday", "duty": "Sunday, December 13, 2026: 09:00–17:00",
           "near": "Nearest to me"},
}  # fmt: skip
# Beside the pediatric clinic, south-east of the station.
POSITION = {"latitude": 35.7007, "longitude": 139.5618}


@pytest.fixture
def sunday_morning(app, monkeypatch):
    """The demo's places, and the directory's clock fixed at a Sunday morning (the demo's
    internal medicine clinic is on holiday duty that day)."""
    with app.app_context():
        seed_life(SUNDAY_MORNING)
        db.session.commit()
    monkeypatch.setattr(views, "utcnow", lambda: SUNDAY_MORNING)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_directory_shows_the_nearest_clinic_open_now(
    browser, live_server, sunday_morning, lang
):
    text = TEXT[lang]
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale=text["locale"],
        geolocation=POSITION, permissions=["geolocation"],
    )  # fmt: skip
    found = {}
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        page.get_by_test_id("life-link").click()
        page.wait_for_url("**/life")
        assert page.locator("h1").inner_text() == text["life"]
        found["list"] = violations(page)

        page.select_option("#kind", "clinic")
        page.check("#open_now")
        page.locator("#life-filters button[type=submit]").click()
        page.wait_for_url("**/life?*open_now=y*")
        cards = page.get_by_test_id("life-card")
        assert cards.first.locator(".store-card-link").inner_text() == text["clinic"]
        assert cards.first.locator(".open-now.open").inner_text() == text["open"]
        assert cards.count() == 1  # the other clinics are closed on Sunday

        # The phone's position, asked only on the button press, goes in the query string.
        assert not re.search(r"lat=\d", page.url)
        page.get_by_test_id("use-location").click()
        page.wait_for_url(re.compile(r".*lat=35\.7007.*"))
        assert page.is_checked("#open_now")
        assert cards.first.locator(".store-card-link").inner_text() == text["clinic"]
        assert re.fullmatch(r"\d+ m", cards.first.get_by_test_id("distance").inner_text())
        found["list (by position)"] = violations(page)

        cards.first.locator(".store-card-link").click()
        page.wait_for_url("**/life/*")
        assert page.get_by_test_id("open-now").inner_text().strip() == text["open"]
        assert text["today"] in page.get_by_test_id("today").inner_text()
        assert text["duty"] in page.get_by_test_id("duty-dates").inner_text()
        assert page.get_by_test_id("tel").get_attribute("href") == "tel:0422402202"
        found["place"] = violations(page)

        page.goto(live_server + "/life/map")
        assert text["clinic"] in page.get_by_test_id("places").inner_text()
        found["map"] = violations(page)
    finally:
        context.close()
    assert found == {name: [] for name in found}


def test_the_association_pages_have_no_serious_accessibility_violation(
    browser, live_server, sunday_morning, make_user
):
    from rally.auth.models import Role
    from tests.conftest import PASSWORD

    from .conftest import log_in

    admin = make_user(role=Role.admin)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ja-JP")
    found = {}
    try:
        page = context.new_page()
        log_in(page, live_server, admin.email, PASSWORD)
        for path in ("/admin/life/", "/admin/life/2/edit", "/admin/life/corrections"):
            page.goto(live_server + path)
            found[path] = violations(page)
        page.goto(live_server + "/admin/life/2/edit")
        page.fill("#hours_2", "9-12")
        page.locator("main input[name=submit]").click()
        assert "時間は 9:00-12:00 のように" in page.locator("#hours_2-error").inner_text()
        found["edit (error)"] = violations(page)
    finally:
        context.close()
    assert found == {name: [] for name in found}
