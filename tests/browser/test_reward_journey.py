"""Reach a tier, claim it, the counter confirms, the card shows the prize as redeemed."""

import pytest
from sqlalchemy import select

from rally.auth.models import Role
from rally.rewards.models import Claim

pytestmark = pytest.mark.browser


def test_claim_and_redeem(app, live_server, browser, make_campaign, make_user, stamp_path):
    from rally.extensions import db

    campaign_id, checkpoints = make_campaign(tiers=(2,))
    staff_user = make_user(role=Role.admin, password="counter password 1")

    visitor = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    phone = visitor.new_page()
    phone.goto(live_server + stamp_path(checkpoints[0]))
    phone.goto(live_server + stamp_path(checkpoints[1]))
    assert phone.get_by_test_id("progress").inner_text().strip() == "2 of 3 stamps collected"
    phone.get_by_role("button", name="Claim this reward").click()
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
    assert phone.get_by_role("link", name="Redeemed on").is_visible()
    with app.app_context():
        assert db.session.scalar(select(Claim)).redeemed_at is not None
    visitor.close()
    counter.close()
