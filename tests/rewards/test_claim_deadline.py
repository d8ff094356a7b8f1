"""A campaign's reward claim deadline (``claims_until``): shown on the card and the landing
page, refused after it at the visitor's claim and at the counter."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rally.campaigns.models import Campaign, RewardTier
from rally.cards.models import Card
from rally.extensions import db
from rally.rewards import operations
from rally.rewards.models import Claim
from rally.utils import utcnow

from .test_claims import visitor

ENGLISH = {"Accept-Language": "en"}


def set_deadline(app, campaign_id, *, ends, claims_until):
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        campaign.ends_at = ends
        campaign.claims_until = claims_until
        db.session.commit()


@pytest.mark.parametrize(("offset", "allowed"), [(-1, True), (1, False)])
def test_a_claim_a_second_before_the_deadline_passes_a_second_after_is_refused(
    app, ctx, make_campaign, card_with_stamps, tier_ids, offset, allowed
):
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    card = db.session.get(Card, card_with_stamps(checkpoints[:1]))
    tier = db.session.get(RewardTier, tier_ids(campaign_id)[0])
    deadline = utcnow().replace(microsecond=0) + timedelta(days=40)
    tier.campaign.claims_until = deadline
    db.session.commit()
    now = deadline + timedelta(seconds=offset)
    if allowed:
        assert operations.claim_reward(card, tier, now).code
        assert tier.stock == 9
    else:
        with pytest.raises(operations.RewardError) as refused:
            operations.claim_reward(card, tier, now)
        assert refused.value.code == "claim_period_over"
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Claim)) == 0
        assert db.session.get(RewardTier, tier.id).stock == 10


def test_the_counter_refuses_a_claim_after_the_deadline(
    app, admin, make_campaign, card_with_stamps, tier_ids, make_claim, auth
):
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    code = make_claim(card_with_stamps(checkpoints[:1]), tier_ids(campaign_id)[0])
    now = utcnow()
    set_deadline(
        app, campaign_id, ends=now - timedelta(days=3), claims_until=now - timedelta(seconds=1)
    )
    staff = auth.new_client(admin)
    lookup = staff.get(f"/staff/redeem?code={code}", headers=ENGLISH)
    assert lookup.status_code == 403
    assert "rewards can no longer be claimed or handed over" in lookup.text
    refused = staff.post("/staff/redeem", data={"code": code}, headers=ENGLISH)
    assert refused.status_code == 403
    assert 'data-code="claim_period_over"' in refused.text
    assert "The period for exchanging this campaign's rewards ended on Dec" in refused.text
    with app.app_context():
        assert db.session.scalar(select(Claim)).redeemed_at is None
    # Until the deadline, the same code is handed over.
    set_deadline(app, campaign_id, ends=now - timedelta(days=3), claims_until=now + timedelta(1))
    assert staff.post("/staff/redeem", data={"code": code}).status_code == 303


def test_the_card_says_until_when_rewards_are_exchanged_then_that_it_ended(
    app, make_campaign, card_with_stamps, tier_ids
):
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    card_id = card_with_stamps(checkpoints[:1])
    phone = visitor(app, card_id)
    now = utcnow()
    # 2040-03-31 10:00 UTC is 19:00 in Tokyo.
    set_deadline(
        app, campaign_id, ends=now + timedelta(1), claims_until=now.replace(2040, 3, 31, 10, 0)
    )
    page = phone.get(f"/card/{campaign_id}", headers=ENGLISH).text
    assert "Exchange your reward by Mar 31, 2040, 7:00\u202fPM." in page
    assert "Claim this reward" in page
    japanese = phone.get(f"/card/{campaign_id}").text
    assert "特典は2040/03/31 19:00までに引き換えてください。" in japanese
    landing = phone.get(f"/campaigns/{campaign_id}", headers=ENGLISH).text
    assert "Exchange your reward by Mar 31, 2040, 7:00\u202fPM." in landing

    set_deadline(app, campaign_id, ends=now - timedelta(2), claims_until=now - timedelta(seconds=1))
    page = phone.get(f"/card/{campaign_id}", headers=ENGLISH).text
    assert "The reward exchange ended on" in page
    assert "Claim this reward" not in page


def test_a_card_without_deadline_says_nothing_of_one(app, make_campaign, card_with_stamps):
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    phone = visitor(app, card_with_stamps(checkpoints[:1]))
    page = phone.get(f"/card/{campaign_id}", headers=ENGLISH).text
    assert 'data-testid="claims-until"' not in page
    assert "Claim this reward" in page


def test_a_lottery_is_not_drawn_after_the_deadline(app, ctx, make_campaign, tier_ids):
    from rally.lottery.models import Lottery
    from rally.lottery.operations import LotteryError, create_lottery, draw_lottery

    campaign_id, _ = make_campaign(tiers=(1,))
    tier = db.session.get(RewardTier, tier_ids(campaign_id)[0])
    lottery = create_lottery(tier, winners_count=1)
    deadline = utcnow().replace(microsecond=0) + timedelta(days=40)
    tier.campaign.claims_until = deadline
    db.session.commit()
    with pytest.raises(LotteryError) as refused:
        draw_lottery(lottery, deadline + timedelta(seconds=1))
    assert refused.value.code == "claim_period_over"
    db.session.rollback()
    assert db.session.get(Lottery, lottery.id).drawn_at is None
    assert draw_lottery(lottery, deadline - timedelta(seconds=1)) == []


def test_no_lottery_entry_after_the_deadline(app, make_campaign, card_with_stamps, tier_ids):
    from lottery.test_lottery import verified_entrants

    from rally.lottery.operations import LotteryError, create_lottery, enter_lottery
    from rally.visitors.models import Visitor

    campaign_id, checkpoints = make_campaign(tiers=(2,))
    ((card_id, visitor_id),) = verified_entrants(app, card_with_stamps, checkpoints, 1)
    with app.app_context():
        tier = db.session.get(RewardTier, tier_ids(campaign_id)[0])
        lottery = create_lottery(tier, winners_count=1)
        deadline = utcnow().replace(microsecond=0) + timedelta(days=40)
        tier.campaign.claims_until = deadline
        db.session.commit()
        card, visitor = db.session.get(Card, card_id), db.session.get(Visitor, visitor_id)
        with pytest.raises(LotteryError) as refused:
            enter_lottery(lottery, card, visitor, deadline + timedelta(seconds=1))
        assert refused.value.code == "claim_period_over"
        db.session.rollback()
        assert enter_lottery(lottery, card, visitor, deadline - timedelta(seconds=1)).won is None
