import pytest

from rally.campaigns.models import RewardTier
from rally.cards.models import Card
from rally.extensions import db
from rally.rewards.operations import claim_reward
from rally.utils import utcnow


@pytest.fixture
def make_claim(app):
    """Claim tier ``tier_id`` for card ``card_id``; returns the redemption code."""

    def make(card_id, tier_id):
        with app.app_context():
            claim = claim_reward(
                db.session.get(Card, card_id), db.session.get(RewardTier, tier_id), utcnow()
            )
            db.session.commit()
            return claim.code

    return make


@pytest.fixture
def tier_ids(app):
    def ids(campaign_id):
        with app.app_context():
            return [
                tier.id
                for tier in db.session.scalars(
                    db.select(RewardTier)
                    .where(RewardTier.campaign_id == campaign_id)
                    .order_by(RewardTier.threshold)
                )
            ]

    return ids
