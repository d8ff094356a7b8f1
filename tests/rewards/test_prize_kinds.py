"""Prizes: first-come (stock), lottery entries, or both; repeating tiers give more entries."""

import pytest

from rally.campaigns.models import RewardTier, TierBasis
from rally.extensions import db
from rally.lottery.operations import create_lottery, enter_lottery
from rally.rewards.operations import RewardError, claim_reward
from rally.stamping.operations import grant_stamp
from rally.utils import utcnow
from rally.visitors.models import Visitor
from tests.conftest import campaign_of, checkpoint


def _tier(campaign_id, **kw):
    tier = RewardTier(name={"ja": "景品", "en": "Prize"}, basis=TierBasis.stamps, **kw)
    campaign_of(campaign_id).tiers = [tier]
    db.session.flush()
    return tier


def _card_with_stamps(new_card, checkpoint_ids):
    card = new_card()
    for checkpoint_id in checkpoint_ids:
        grant_stamp(card, checkpoint(checkpoint_id), utcnow())
    return card


def _verified_visitor(card):
    visitor = Visitor(email=f"v{card.id}@example.jp", password_hash="x", verified_at=utcnow())
    db.session.add(visitor)
    db.session.flush()
    card.visitor_id = visitor.id
    return visitor


def test_lottery_only_prize_cannot_be_claimed_at_once(ctx, make_campaign, new_card):
    campaign_id, checkpoints = make_campaign(stores=2, tiers=())
    tier = _tier(campaign_id, threshold=2, stock=None)
    create_lottery(tier, winners_count=1)
    card = _card_with_stamps(new_card, checkpoints)
    with pytest.raises(RewardError) as info:
        claim_reward(card, tier, utcnow())
    assert info.value.code == "lottery_only"


def test_prize_with_stock_and_lottery_gives_both(ctx, make_campaign, new_card):
    campaign_id, checkpoints = make_campaign(stores=2, tiers=())
    tier = _tier(campaign_id, threshold=2, stock=5)
    lottery = create_lottery(tier, winners_count=1)
    card = _card_with_stamps(new_card, checkpoints)
    visitor = _verified_visitor(card)
    assert claim_reward(card, tier, utcnow()).code
    assert enter_lottery(lottery, card, visitor, utcnow()).occurrence == 1
    assert tier.stock == 4


def test_repeating_lottery_tier_gives_one_entry_per_time_reached(ctx, make_campaign, new_card):
    campaign_id, checkpoints = make_campaign(stores=5, tiers=())
    tier = _tier(campaign_id, threshold=2, stock=None, repeats=True)
    lottery = create_lottery(tier, winners_count=1)
    card = _card_with_stamps(new_card, checkpoints)  # 5 stamps: reached twice
    visitor = _verified_visitor(card)
    first = enter_lottery(lottery, card, visitor, utcnow())
    second = enter_lottery(lottery, card, visitor, utcnow())
    third = enter_lottery(lottery, card, visitor, utcnow())
    assert (first.occurrence, second.occurrence) == (1, 2)
    assert third is second  # no third entry before the 6th stamp
    assert len(lottery.entries) == 2
