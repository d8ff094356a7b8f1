"""The association sets a purchase rally's rules on a phone: fields follow the choices made."""

import pytest

from rally.auth.models import Role
from rally.campaigns.models import Campaign, CampaignKind, TierBasis
from rally.extensions import db

from .conftest import log_in

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def test_purchase_rules_and_tier_bases_on_a_phone(app, live_server, phone, make_user, make_store):
    admin = make_user(role=Role.admin, password=PASSWORD)
    store_id = make_store()
    page = phone
    log_in(page, live_server, admin.email, PASSWORD)

    page.goto(live_server + "/admin/campaigns/new")
    page.fill("input[name=title-ja]", "お買い物ラリー")
    page.fill("input[name=starts_at]", "2030-04-01T10:00")
    page.fill("input[name=ends_at]", "2030-04-30T18:00")
    page.locator(f"input[name=stores][value='{store_id}']").check()

    # The purchase rule and the hours only show when they apply.
    assert not page.locator("input[name=yen_per_stamp]").is_visible()
    assert not page.locator("input[name=recheck_hours]").is_visible()
    page.select_option("select[name=kind]", "purchase")
    page.select_option("select[name=recheck]", "hours")
    page.fill("input[name=yen_per_stamp]", "1000")
    page.fill("input[name=max_stamps_per_purchase]", "2")
    page.fill("input[name=recheck_hours]", "24")

    page.select_option("select[name='tiers-0-basis']", "points")
    page.fill("input[name='tiers-0-threshold']", "7")
    page.check("input[name='tiers-0-repeats']")
    page.fill("input[name='tiers-0-name-ja']", "抽選券")
    page.select_option("select[name='tiers-1-basis']", "all_areas")
    assert not page.locator("input[name='tiers-1-threshold']").is_visible()
    page.fill("input[name='tiers-1-name-ja']", "全地区制覇賞")
    page.locator("form.campaign-form [type=submit]").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "お買い物ラリー"
    rules = page.get_by_test_id("campaign-rules").inner_text()
    assert "24時間後" in rules
    assert "最大2個" in rules
    with app.app_context():
        campaign = db.session.scalars(db.select(Campaign)).one()
        assert campaign.kind is CampaignKind.purchase
        assert [(t.basis, t.repeats) for t in campaign.tiers] == [
            (TierBasis.all_areas, False),
            (TierBasis.points, True),
        ]
