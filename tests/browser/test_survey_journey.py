"""A survey on a phone, in Japanese and in English: a resident answers the demo survey and
sees its public results; the pages fit 390 px and have no serious accessibility violation."""

import pytest

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser

CHOICE = {"ja": "SNS", "en": "Social media"}
WISHES = {"ja": ["無料Wi-Fi", "駐輪場"], "en": ["Free Wi-Fi", "Bicycle parking"]}
COMMENT = "ベンチがもっと欲しいです <b>really</b>"


@pytest.fixture
def demo(app, runner):
    from rally.extensions import db

    with app.app_context():
        db.drop_all()  # the demo builds its schema through the migrations
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_resident_answers_the_survey_and_sees_the_results(browser, live_server, demo, lang):
    locale = "ja-JP" if lang == "ja" else "en-US"
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=locale)
    found = {}
    try:
        page = context.new_page()
        page.goto(live_server + "/me/login")
        page.fill("input[name=email]", "resident@example.jp")
        page.fill("input[name=password]", "rally-resident-demo")
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state()
        assert "/me/login" not in page.url

        page.goto(live_server + "/surveys")
        assert fits(page)
        found["list"] = violations(page)
        page.get_by_test_id("surveys").get_by_role("link").first.click()
        page.wait_for_load_state()
        survey_url = page.url
        questions = page.get_by_test_id("question")
        assert questions.count() == 4
        assert page.get_by_test_id("anonymous-note").is_visible()
        assert fits(page)
        found["survey"] = violations(page)

        # Sent with a required question left out: refused, what was chosen is kept.
        questions.nth(0).get_by_label(CHOICE[lang], exact=True).check()
        page.locator("main form [type=submit][name=submit]").click()  # not the banner's
        page.wait_for_load_state()
        assert page.get_by_role("alert").first.is_visible()
        assert questions.nth(0).get_by_label(CHOICE[lang], exact=True).is_checked()
        found["survey (errors)"] = violations(page)

        for wish in WISHES[lang]:
            questions.nth(1).get_by_label(wish, exact=True).check()
        questions.nth(2).get_by_label("4", exact=True).check()
        questions.nth(3).locator("textarea").fill(COMMENT)
        page.locator("main form [type=submit][name=submit]").click()  # not the banner's
        page.wait_for_load_state()

        assert page.url.endswith("/results")
        assert "21" in page.get_by_test_id("response-count").inner_text()
        assert page.locator("svg.survey-bars").first.is_visible()
        assert page.locator("table.data").first.is_visible()
        assert COMMENT not in page.content()  # free answers: the association's only
        assert fits(page)
        found["results"] = violations(page)

        page.goto(survey_url)
        assert page.get_by_test_id("refusal").is_visible()  # answered once, told kindly
    finally:
        context.close()
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_association_survey_pages_have_no_serious_accessibility_violation(
    browser, live_server, demo
):
    from .conftest import log_in

    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    try:
        log_in(page, live_server, "admin@example.jp", "rally-admin-demo")
        found = {}
        for path in (
            "/admin/surveys/",
            "/admin/surveys/new",
            "/admin/surveys/1/edit",
            "/admin/surveys/1/questions/new",
            "/admin/surveys/1/results",
        ):
            assert page.goto(live_server + path).status == 200, path
            assert fits(page), path
            problems = violations(page)
            if problems:
                found[path] = problems
        assert found == {}
    finally:
        context.close()
