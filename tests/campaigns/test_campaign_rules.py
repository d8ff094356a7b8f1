"""The campaign form's rally rules: purchase stamps, repeat check-ins, areas, tier bases."""

from datetime import timedelta

import pytest

from rally.campaigns.editing import CampaignError, CampaignInput, TierInput, update_campaign
from rally.campaigns.models import Campaign, CampaignKind, CampaignState, Recheck, TierBasis
from rally.cards.models import Card, Stamp
from rally.extensions import db
from rally.utils import utcnow


def form_data(store_ids, **overrides):
    data = {
        "title-ja": "ポイントラリー",
        "title-en": "Point Rally",
        "starts_at": "2030-04-01T00:00",
        "ends_at": "2030-05-01T00:00",
        "stores": [str(store_id) for store_id in store_ids],
        "tiers-0-basis": "stamps",
        "tiers-0-threshold": "3",
        "tiers-0-name-ja": "お茶",
        "tiers-0-name-en": "Tea",
    }
    data.update(overrides)
    return data


def campaign_count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Campaign))


def the_input(campaign, **changes):
    """The campaign as its edit form would send it back, with ``changes``."""
    values = {
        "title": dict(campaign.title),
        "rules": dict(campaign.rules),
        "starts_at": campaign.starts_at,
        "ends_at": campaign.ends_at,
        "store_ids": [cp.store_id for cp in campaign.checkpoints],
        "tiers": tier_rows(campaign),
        "kind": campaign.kind,
        "yen_per_stamp": campaign.yen_per_stamp,
        "max_stamps_per_purchase": campaign.max_stamps_per_purchase,
        "recheck": campaign.recheck,
        "recheck_hours": campaign.recheck_hours,
        "stamps_per_area": campaign.stamps_per_area,
    }
    values.update(changes)
    return CampaignInput(**values)


def tier_rows(campaign, **changes_of_first):
    rows = [
        TierInput(
            t.id,
            t.threshold,
            t.name,
            t.stock,
            t.basis,
            t.repeats,
        )
        for t in campaign.tiers
    ]
    if changes_of_first:
        first = rows[0]
        rows[0] = TierInput(
            **{**first.__dict__, **changes_of_first},
        )
    return rows


def refusal(call, *args):
    with pytest.raises(CampaignError) as refused:
        call(*args)
    return refused.value.code


def give_stamp(campaign):
    card = Card()
    db.session.add(card)
    db.session.flush()
    checkpoint = campaign.checkpoints[0]
    db.session.add(
        Stamp(
            card_id=card.id,
            checkpoint_id=checkpoint.id,
            campaign_id=campaign.id,
            created_at=utcnow() - timedelta(minutes=1),
        )
    )
    db.session.flush()


# --- Through the form ---------------------------------------------------------------------


def test_a_point_rally_with_a_purchase_rule_is_saved_as_entered(app, admin_client, make_store):
    data = form_data(
        [make_store(), make_store()],
        kind="purchase",
        yen_per_stamp="1000",
        max_stamps_per_purchase="2",
        recheck="hours",
        recheck_hours="12",
        stamps_per_area="2",
        **{
            "tiers-0-basis": "points",
            "tiers-0-threshold": "7",
            "tiers-0-repeats": "y",
            "tiers-0-name-en": "Lottery entry",
            "tiers-1-basis": "areas",
            "tiers-1-threshold": "3",
            "tiers-1-name-en": "Tote bag",
            "tiers-1-stock": "20",
        },
    )
    response = admin_client.post("/admin/campaigns/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        campaign = db.session.scalars(db.select(Campaign)).one()
        assert campaign.kind is CampaignKind.purchase
        assert (campaign.yen_per_stamp, campaign.max_stamps_per_purchase) == (1000, 2)
        assert (campaign.recheck, campaign.recheck_hours) == (Recheck.hours, 12)
        assert campaign.stamps_per_area == 2
        tiers = {
            t.name.get("en", ""): (t.basis, t.threshold, t.repeats, t.stock) for t in campaign.tiers
        }
        assert tiers == {
            "Lottery entry": (TierBasis.points, 7, True, None),
            "Tote bag": (TierBasis.areas, 3, False, 20),
        }


def test_a_purchase_campaign_without_its_rule_is_refused_and_nothing_saved(
    app, admin_client, make_store
):
    data = form_data([make_store()], kind="purchase", yen_per_stamp="", max_stamps_per_purchase="2")
    response = admin_client.post(
        "/admin/campaigns/new", data=data, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert "A purchase campaign needs the yen per stamp." in response.get_data(as_text=True)
    assert campaign_count(app) == 0


def test_a_purchase_rule_below_one_is_refused(app, admin_client, make_store):
    data = form_data(
        [make_store()], kind="purchase", yen_per_stamp="1000", max_stamps_per_purchase="0"
    )
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 400
    assert campaign_count(app) == 0


def test_the_purchase_rule_error_is_translated(admin_client, make_store):
    data = form_data([make_store()], kind="purchase", max_stamps_per_purchase="")
    page = admin_client.post(
        "/admin/campaigns/new", data=data, headers={"Accept-Language": "ja"}
    ).get_data(as_text=True)
    assert "A purchase campaign needs" not in page
    assert 'aria-invalid="true"' in page


def test_a_visit_campaign_keeps_no_purchase_numbers(app, admin_client, make_store):
    data = form_data([make_store()], kind="visit", yen_per_stamp="500")
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 303
    with app.app_context():
        campaign = db.session.scalars(db.select(Campaign)).one()
        assert (campaign.kind, campaign.yen_per_stamp) == (CampaignKind.visit, None)


def test_hours_between_check_ins_are_required_for_an_hourly_rule(app, admin_client, make_store):
    data = form_data([make_store()], recheck="hours", recheck_hours="")
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 400
    assert campaign_count(app) == 0


@pytest.mark.parametrize("hours", ["0", "721"])
def test_hours_outside_one_to_720_are_refused(app, admin_client, make_store, hours):
    data = form_data([make_store()], recheck="hours", recheck_hours=hours)
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 400
    assert campaign_count(app) == 0


def test_720_hours_is_accepted(app, admin_client, make_store):
    data = form_data([make_store()], recheck="hours", recheck_hours="720")
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalars(db.select(Campaign)).one().recheck_hours == 720


def test_a_daily_rule_keeps_no_hours(app, admin_client, make_store):
    data = form_data([make_store()], recheck="daily", recheck_hours="5")
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 303
    with app.app_context():
        campaign = db.session.scalars(db.select(Campaign)).one()
        assert (campaign.recheck, campaign.recheck_hours) == (Recheck.daily, None)


def test_zero_stamps_per_area_is_refused(app, admin_client, make_store):
    data = form_data([make_store()], stamps_per_area="0")
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 400
    assert campaign_count(app) == 0


def test_an_every_area_tier_needs_no_number(app, admin_client, make_store):
    data = form_data(
        [make_store()],
        **{"tiers-0-basis": "all_areas", "tiers-0-threshold": "", "tiers-0-repeats": "y"},
    )
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 303
    with app.app_context():
        tier = db.session.scalars(db.select(Campaign)).one().tiers[0]
        assert (tier.basis, tier.threshold, tier.repeats) == (TierBasis.all_areas, 1, False)


def test_a_points_tier_needs_a_number(app, admin_client, make_store):
    data = form_data([make_store()], **{"tiers-0-basis": "points", "tiers-0-threshold": ""})
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 400
    assert campaign_count(app) == 0


def test_an_unknown_basis_is_refused(app, admin_client, make_store):
    data = form_data([make_store()], **{"tiers-0-basis": "euros"})
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 400
    assert campaign_count(app) == 0


def test_the_edit_form_shows_the_stored_rules(app, admin_client, make_campaign):
    campaign_id, _ = make_campaign(
        kind=CampaignKind.purchase,
        yen_per_stamp=500,
        max_stamps_per_purchase=3,
        recheck=Recheck.hours,
        recheck_hours=6,
    )
    with app.app_context():
        tier = db.session.get(Campaign, campaign_id).tiers[0]
        tier.basis, tier.repeats = TierBasis.points, True
        db.session.commit()
    page = admin_client.get(f"/admin/campaigns/{campaign_id}/edit").get_data(as_text=True)
    assert '<option selected value="purchase">' in page
    assert 'name="yen_per_stamp" type="number" value="500"' in page or 'value="500"' in page
    assert '<option selected value="hours">' in page
    assert '<option selected value="points">' in page
    assert 'id="tiers-0-repeats" name="tiers-0-repeats" type="checkbox" value="y"' in page


def test_the_campaign_page_tells_the_rules_in_words(app, admin_client, make_campaign):
    campaign_id, _ = make_campaign(
        kind=CampaignKind.purchase,
        yen_per_stamp=1000,
        max_stamps_per_purchase=2,
        recheck=Recheck.hours,
        recheck_hours=12,
        stamps_per_area=2,
    )
    with app.app_context():
        tier = db.session.get(Campaign, campaign_id).tiers[0]
        tier.basis, tier.threshold, tier.repeats = TierBasis.points, 7, True
        db.session.commit()
    page = admin_client.get(
        f"/admin/campaigns/{campaign_id}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "one stamp per ¥1,000, at most 2 stamps per purchase" in page
    assert "after 12 hours" in page
    assert "An area is completed with 2 stamps in it." in page
    assert "Every 7 points" in page


# --- The rules in the operation -----------------------------------------------------------


def test_purchase_rule_incomplete(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(state=CampaignState.draft)[0])
    data = the_input(campaign, kind=CampaignKind.purchase, yen_per_stamp=1000)
    assert refusal(update_campaign, campaign, data) == "purchase_rule_incomplete"


def test_recheck_hours_invalid(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(state=CampaignState.draft)[0])
    data = the_input(campaign, recheck=Recheck.hours, recheck_hours=721)
    assert refusal(update_campaign, campaign, data) == "recheck_hours_invalid"


def test_stamps_per_area_invalid(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(state=CampaignState.draft)[0])
    data = the_input(campaign, stamps_per_area=0)
    assert refusal(update_campaign, campaign, data) == "stamps_per_area_invalid"


def test_a_published_tier_keeps_its_basis(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    data = the_input(campaign, tiers=tier_rows(campaign, basis=TierBasis.points))
    assert refusal(update_campaign, campaign, data) == "tier_rule_changed"
    assert campaign.tiers[0].basis is TierBasis.stamps


def test_a_published_repeating_tier_keeps_repeating(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    campaign.tiers[0].repeats = True
    db.session.flush()
    data = the_input(campaign, tiers=tier_rows(campaign, repeats=False))
    assert refusal(update_campaign, campaign, data) == "tier_rule_changed"


def test_a_published_tier_may_start_repeating(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    update_campaign(campaign, the_input(campaign, tiers=tier_rows(campaign, repeats=True)))
    assert campaign.tiers[0].repeats is True


def test_a_draft_tier_may_change_its_basis(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(state=CampaignState.draft)[0])
    data = the_input(campaign, tiers=tier_rows(campaign, basis=TierBasis.points))
    update_campaign(campaign, data)
    assert campaign.tiers[0].basis is TierBasis.points


def test_the_kind_stays_once_visitors_hold_stamps(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    give_stamp(campaign)
    data = the_input(
        campaign, kind=CampaignKind.purchase, yen_per_stamp=1000, max_stamps_per_purchase=1
    )
    assert refusal(update_campaign, campaign, data) == "kind_has_stamps"
    assert campaign.kind is CampaignKind.visit


def test_the_kind_may_change_before_any_stamp(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    data = the_input(
        campaign, kind=CampaignKind.purchase, yen_per_stamp=1000, max_stamps_per_purchase=1
    )
    update_campaign(campaign, data)
    assert campaign.kind is CampaignKind.purchase


def test_a_refused_rule_changes_nothing_through_the_form(app, admin_client, make_campaign):
    campaign_id, _ = make_campaign()
    with app.app_context():
        tiers = db.session.get(Campaign, campaign_id).tiers
        tier_ids = [t.id for t in tiers]
    data = form_data([], **{"title-en": "Renamed"})
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        data["stores"] = [str(cp.store_id) for cp in campaign.checkpoints]
        data["starts_at"] = (campaign.starts_at + timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M")
        data["ends_at"] = (campaign.ends_at + timedelta(hours=9, minutes=1)).strftime(
            "%Y-%m-%dT%H:%M"
        )
    for index, (tier_id, threshold) in enumerate(zip(tier_ids, (2, 3), strict=True)):
        data[f"tiers-{index}-tier_id"] = str(tier_id)
        data[f"tiers-{index}-threshold"] = str(threshold)
        data[f"tiers-{index}-name-ja"] = f"景品{threshold}"
        data[f"tiers-{index}-basis"] = "stamps"
    data["tiers-0-basis"] = "points"
    response = admin_client.post(
        f"/admin/campaigns/{campaign_id}/edit", data=data, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 409
    assert 'data-code="tier_rule_changed"' in response.get_data(as_text=True)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign.title.get("en", "") == "Year-End Stamp Rally"
        assert [t.basis for t in campaign.tiers] == [TierBasis.stamps, TierBasis.stamps]


def test_a_published_campaign_cannot_ask_more_stamps_per_area(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    data = the_input(campaign, stamps_per_area=2)
    assert refusal(update_campaign, campaign, data) == "area_requirement_raised"
    assert campaign.stamps_per_area == 1


def test_a_draft_campaign_may_ask_more_stamps_per_area(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(state=CampaignState.draft)[0])
    update_campaign(campaign, the_input(campaign, stamps_per_area=3))
    assert campaign.stamps_per_area == 3
