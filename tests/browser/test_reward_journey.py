"""Reach a tier, claim it, the counter confirms, the card shows the prize as redeemed: in
English, Simplified Chinese and Korean on the visitor's phone (the counter reads English)."""

import pytest
from sqlalchemy import select

from rally.auth.models import Role
from rally.i18n.languages import bcp47
from rally.rewards.models import Claim
from tests.i18n.catalogs import catalog, pattern, translated

pytestmark = pytest.mark.browser

BROWSER_LOCALES = {"en": "en-US", "zh_Hans": "zh-CN", "ko": "ko-KR"}


@pytest.mark.parametrize("lang", ["en", "zh_Hans", "ko"])
def test_claim_and_redeem(app, live_server, browser, make_campaign, make_user, stamp_path, lang):
    from rally.extensions import db

    campaign_id, checkpoints = make_campaign(tiers=(2,))
    staff_user = make_user(role=Role.admin, password="counter password 1")

    visitor = browser.new_context(
        viewport={"width": 390, "height": 844}, locale=BROWSER_LOCALES[lang]
    )
    phone = visitor.new_page()
    phone.goto(live_server + stamp_path(checkpoints[0]))
    phone.goto(live_server + stamp_path(checkpoints[1]))
    assert phone.locator("html").get_attribute("lang") == bcp47(lang)
    progress = catalog(lang).ungettext(
        "%(num)d of %(total)d stamp collected", "%(num)d of %(total)d stamps collected", 3
    ) % {"num": 2, "total": 3}
    assert phone.get_by_test_id("progress").inner_text().strip() == progress
    phone.get_by_role("button", name=translated(lang, "Claim this reward")).click()
    code = phone.get_by_test_id("redemption-code").inner_text().strip()
    assert len(code) == 9 and code[4] == "-"

    counter = browser.new_context(locale="en-US")
    staff = counter.new_page()
    staff.goto(live_server + "/auth/login?next=/staff/redeem")
    staff.get_by_label("E-mail address").fill(staff_user.email)
    staff.get_by_label("Password").fill("counter password 1")
    staff.get_by_role("button", name="Log in").click()
    staff.get_by_label("Redemption code").fill(code.lower())
    staff.get_by_role("button", name="Look up").click()
    assert "Hand over: Prize 2" in staff.get_by_test_id("claim-details").inner_text()
    staff.get_by_role("button", name="Confirm hand-over").click()
    assert "Handed over: Prize 2" in staff.locator(".flash").inner_text()

    phone.goto(f"{live_server}/card/{campaign_id}")
    assert phone.get_by_role("link", name=pattern(lang, "Redeemed on %(when)s")).is_visible()
    with app.app_context():
        assert db.session.scalar(select(Claim)).redeemed_at is not None
    visitor.close()
    counter.close()
