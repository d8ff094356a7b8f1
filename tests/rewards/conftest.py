import pytest

from rally.auth.models import Role
from rally.campaigns.models import Checkpoint, RewardTier
from rally.cards.models import Card
from rally.cards.reading import open_card
from rally.extensions import db
from rally.rewards.operations import claim_reward
from rally.stamping.operations import grant_stamp
from rally.utils import utcnow


@pytest.fixture
def card_with_stamps(app):
    """Create a card holding stamps at the given checkpoints; returns the card id."""

    def make(checkpoint_ids):
        with app.app_context():
            card = open_card(None)
            for checkpoint_id in checkpoint_ids:
                grant_stamp(card, db.session.get(Checkpoint, checkpoint_id), utcnow())
            db.session.commit()
            return card.id

    return make


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


@pytest.fixture
def admin(make_user):
    return make_user(role=Role.admin)


def login(client, user, password="correct horse battery"):
    response = client.post("/auth/login", data={"email": user.email, "password": password})
    assert response.status_code == 303
