"""Fixtures of the questionnaire tests: cards with stamps, questions, a visitor's client."""

import pytest

from rally.campaigns.models import Campaign, RewardTier
from rally.cards.cookie import _serializer
from rally.cards.models import Card
from rally.extensions import db
from rally.questionnaires.models import Question


@pytest.fixture
def first_tier(app):
    def tier_id(campaign_id):
        with app.app_context():
            return db.session.get(Campaign, campaign_id).tiers[0].id

    return tier_id


@pytest.fixture
def make_question(app):
    """Add a question to a campaign; returns its id. Choices are given in both languages."""

    def make(campaign_id, text="好きな店は?", choices=("パン屋", "花屋"), required=True, **kw):
        with app.app_context():
            campaign = db.session.get(Campaign, campaign_id)
            question = Question(
                text={"ja": text, "en": kw.pop("text_en", "Your favourite shop?")},
                choices={
                    "ja": "\n".join(choices),
                    "en": kw.pop(
                        "choices_en", "\n".join(f"Choice {n}" for n, _ in enumerate(choices, 1))
                    ),
                },
                required=required,
                position=len(campaign.questions) + 1,
            )
            campaign.questions.append(question)
            db.session.commit()
            return question.id

    return make


@pytest.fixture
def visitor(app):
    """A test client holding the cookie of card ``card_id``."""

    def client_of(card_id):
        with app.test_request_context():
            cookie = _serializer().dumps(db.session.get(Card, card_id).key)
        client = app.test_client()
        client.set_cookie(app.config["RALLY_CARD_COOKIE"], cookie, domain="localhost")
        return client

    return client_of


def tier(campaign_id) -> RewardTier:
    return db.session.get(Campaign, campaign_id).tiers[0]
