"""Per-area completion, points and repeating tiers, as the card and the claims count them."""

from datetime import timedelta

import pytest

from rally.campaigns.models import RewardTier, TierBasis
from rally.campaigns.progress import card_progress
from rally.extensions import db
from rally.rewards.operations import RewardError, claim_reward
from rally.stamping.operations import grant_stamp
from rally.utils import utcnow
from tests.conftest import campaign_of, checkpoint


def _collect(card, checkpoint_ids, start=None):
    now = start or utcnow()
    for i, checkpoint_id in enumerate(checkpoint_ids):
        grant_stamp(card, checkpoint(checkpoint_id), now + timedelta(minutes=i))


def _only_tier(campaign, **kw):
    tier = RewardTier(name={"ja": "景品", "en": "Prize"}, stock=None, **kw)
    campaign.tiers = [tier]
    db.session.flush()
    return tier


def test_every_area_needs_a_stamp_in_each_area(ctx, areas_campaign, new_card):
    campaign_id, areas = areas_campaign()
    campaign = campaign_of(campaign_id)
    tier = _only_tier(campaign, basis=TierBasis.all_areas, threshold=0)
    card = new_card()
    _collect(card, areas["station"])
    progress = card_progress(card, campaign)
    assert [row.complete for row in progress.areas] == [True, False]
    assert progress.tier(tier).reached == 0
    _collect(card, areas["river"][:1], start=utcnow() + timedelta(hours=1))
    progress = card_progress(card, campaign)
    assert progress.areas_complete == 2
    assert progress.tier(tier).reached == 1


def test_an_area_can_require_several_stamps(ctx, areas_campaign, new_card):
    campaign_id, areas = areas_campaign(stamps_per_area=2)
    campaign = campaign_of(campaign_id)
    card = new_card()
    _collect(card, [areas["station"][0], areas["river"][0]])
    progress = card_progress(card, campaign)
    assert [(row.stamps, row.complete, row.to_go) for row in progress.areas] == [
        (1, False, 1),
        (1, False, 1),
    ]
    _collect(card, [areas["station"][1]], start=utcnow() + timedelta(hours=1))
    assert [row.complete for row in card_progress(card, campaign).areas] == [True, False]


def test_tier_by_number_of_areas_completed(ctx, areas_campaign, new_card):
    campaign_id, areas = areas_campaign()
    campaign = campaign_of(campaign_id)
    tier = _only_tier(campaign, basis=TierBasis.areas, threshold=1)
    card = new_card()
    assert card_progress(card, campaign).tier(tier).to_go == 1
    _collect(card, areas["river"][:1])
    assert card_progress(card, campaign).tier(tier).reached == 1


def test_points_count_what_each_checkpoint_is_worth(ctx, make_campaign, new_card):
    campaign_id, checkpoints = make_campaign(stores=3)
    campaign = campaign_of(campaign_id)
    checkpoint(checkpoints[0]).points = 3
    tier = _only_tier(campaign, basis=TierBasis.points, threshold=4)
    card = new_card()
    _collect(card, checkpoints[:1])
    row = card_progress(card, campaign).tier(tier)
    assert (row.value, row.reached, row.to_go) == (3, 0, 1)
    _collect(card, checkpoints[1:2], start=utcnow() + timedelta(hours=1))
    row = card_progress(card, campaign).tier(tier)
    assert (row.value, row.reached) == (4, 1)


def test_repeating_tier_is_reached_at_every_multiple(ctx, make_campaign, new_card):
    campaign_id, checkpoints = make_campaign(stores=5)
    campaign = campaign_of(campaign_id)
    tier = _only_tier(campaign, basis=TierBasis.stamps, threshold=2, repeats=True)
    card = new_card()
    _collect(card, checkpoints)
    row = card_progress(card, campaign).tier(tier)
    assert (row.value, row.reached, row.to_go) == (5, 2, 1)


def test_repeating_tier_is_claimed_once_per_occurrence(ctx, make_campaign, new_card):
    campaign_id, checkpoints = make_campaign(stores=4)
    campaign = campaign_of(campaign_id)
    tier = _only_tier(campaign, basis=TierBasis.stamps, threshold=2, repeats=True)
    card = new_card()
    _collect(card, checkpoints)
    now = utcnow()
    first = claim_reward(card, tier, now, occurrence=1)
    second = claim_reward(card, tier, now, occurrence=2)
    assert first.code != second.code
    assert claim_reward(card, tier, now, occurrence=1) is first
    with pytest.raises(RewardError) as info:
        claim_reward(card, tier, now, occurrence=3)
    assert info.value.code == "not_enough_stamps"


def test_non_repeating_tier_has_one_occurrence(ctx, make_campaign, new_card):
    campaign_id, checkpoints = make_campaign(stores=4)
    campaign = campaign_of(campaign_id)
    tier = _only_tier(campaign, basis=TierBasis.stamps, threshold=2)
    card = new_card()
    _collect(card, checkpoints)
    assert card_progress(card, campaign).tier(tier).reached == 1
    claim_reward(card, tier, utcnow())
    with pytest.raises(RewardError) as info:
        claim_reward(card, tier, utcnow(), occurrence=2)
    assert info.value.code == "not_enough_stamps"


def test_staff_purchase_counts_several_stamps_in_tallies(ctx, make_campaign, new_card, make_user):
    from rally.auth.models import Role, User
    from rally.campaigns.models import CampaignKind
    from rally.stamping.models import CardTally, StampTally

    campaign_id, checkpoints = make_campaign(
        stores=1, kind=CampaignKind.purchase, yen_per_stamp=1000, max_stamps_per_purchase=2
    )
    staff = db.session.get(User, make_user(role=Role.admin).id)
    card = new_card()
    stamp = grant_stamp(card, checkpoint(checkpoints[0]), utcnow(), count=2, staff=staff)
    assert (stamp.count, stamp.points, stamp.granted_by_id) == (2, 2, staff.id)
    assert db.session.scalar(db.select(CardTally.stamps)) == 2
    assert db.session.scalar(db.select(db.func.sum(StampTally.stamps))) == 2
    progress = card_progress(card, campaign_of(campaign_id))
    assert (progress.collected, progress.stamp_total) == (1, 2)


def test_rules_in_words_on_the_landing_page(app, client, make_campaign):
    from rally.campaigns.models import CampaignKind

    campaign_id, _ = make_campaign(
        stores=1, kind=CampaignKind.purchase, yen_per_stamp=1000, max_stamps_per_purchase=2
    )
    english = client.get(f"/campaigns/{campaign_id}", headers={"Accept-Language": "en"}).text
    assert "One stamp for every ¥1,000 spent, at most 2 stamps per purchase." in english
    japanese = client.get(f"/campaigns/{campaign_id}", headers={"Accept-Language": "ja"}).text
    assert "￥1,000" in japanese or "¥1,000" in japanese


def test_an_area_whose_only_places_are_suspended_is_not_needed(ctx, areas_campaign, new_card):
    from rally.campaigns.progress import campaign_rows
    from rally.stores.models import StoreStatus

    campaign_id, areas = areas_campaign()
    campaign = campaign_of(campaign_id)
    tier = _only_tier(campaign, basis=TierBasis.all_areas, threshold=0)
    card = new_card()
    _collect(card, areas["station"][:1])
    for checkpoint_id in areas["river"]:
        checkpoint(checkpoint_id).store.status = StoreStatus.suspended
    db.session.flush()
    progress = card_progress(card, campaign, campaign_rows(campaign))
    assert (progress.areas_complete, progress.area_total) == (1, 1)
    assert progress.tier(tier).reached == 1
    assert [row.counted for row in progress.areas] == [True, False]


def test_an_area_started_at_a_store_suspended_since_is_not_needed(ctx, areas_campaign, new_card):
    """Two stamps per area: one stamp at a store of an area whose stores are all suspended
    since can never complete it, so "every area" does not wait for it."""
    from rally.campaigns.progress import campaign_rows
    from rally.stores.models import StoreStatus

    campaign_id, areas = areas_campaign(stamps_per_area=2)
    campaign = campaign_of(campaign_id)
    tier = _only_tier(campaign, basis=TierBasis.all_areas, threshold=0)
    card = new_card()
    _collect(card, [*areas["station"], areas["river"][0]])
    for checkpoint_id in areas["river"]:
        checkpoint(checkpoint_id).store.status = StoreStatus.suspended
    db.session.flush()
    progress = card_progress(card, campaign, campaign_rows(campaign))
    assert [row.counted for row in progress.areas] == [True, False]
    assert progress.tier(tier).reached == 1
