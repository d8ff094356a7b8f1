"""Accessibility of the rally-rules pages: axe-core finds no serious or critical violation
on a card grouped by areas with points and repeating tiers, the quiz, the questionnaire and
a purchase campaign's card, in Japanese and in English."""

import pytest

from rally.areas.models import Area
from rally.campaigns.models import (
    Campaign,
    CampaignKind,
    Checkpoint,
    RewardTier,
    TierBasis,
)
from rally.extensions import db
from rally.questionnaires.models import Question

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def rule_pages(app, make_campaign, stamp_path):
    campaign_id, (shop, other, quiz) = make_campaign(stores=3, tiers=())
    purchase_id, _ = make_campaign(
        stores=1, kind=CampaignKind.purchase, yen_per_stamp=1000, max_stamps_per_purchase=2
    )
    with app.app_context():
        street = Area(name={"ja": "駅前通り", "en": "Station Street"}, position=1)
        db.session.add(street)
        db.session.flush()
        for checkpoint_id in (shop, other):
            db.session.get(Checkpoint, checkpoint_id).store.area_id = street.id
        landmark = db.session.get(Checkpoint, quiz)
        landmark.quiz_question = {"ja": "鳥居は何色？", "en": "Torii colour?"}
        landmark.quiz_choices = {"ja": "赤\n青", "en": "Red\nBlue"}
        landmark.quiz_answer = 1
        campaign = db.session.get(Campaign, campaign_id)
        campaign.tiers = [
            RewardTier(basis=TierBasis.points, threshold=2, repeats=True,
                       name={"ja": "券", "en": "Ticket"}, stock=None),
            RewardTier(basis=TierBasis.all_areas, threshold=1,
                       name={"ja": "制覇賞", "en": "Every-area prize"}, stock=5),
        ]  # fmt: skip
        db.session.add(
            Question(campaign_id=campaign_id, text={"ja": "年代", "en": "Age group"},
                     choices={"ja": "10代\n20代", "en": "Teens\n20s"})
        )  # fmt: skip
        db.session.commit()
    return {
        "scan": stamp_path(shop),
        "card": f"/card/{campaign_id}",
        "quiz": stamp_path(quiz),
        "questionnaire": f"/card/{campaign_id}/questionnaire",
        "purchase-landing": f"/campaigns/{purchase_id}",
    }


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_rule_pages_have_no_serious_accessibility_violation(browser, live_server, rule_pages, lang):
    context = browser.new_context(viewport=PHONE, locale="ja-JP" if lang == "ja" else "en-US")
    page = context.new_page()
    try:
        page.goto(live_server + rule_pages.pop("scan"))  # a card with one stamp
        found = {}
        for name, path in rule_pages.items():
            page.goto(live_server + path)
            assert page.locator("html").get_attribute("lang") == lang, name
            found[name] = violations(page)
        assert found == {name: [] for name in rule_pages}
    finally:
        context.close()
