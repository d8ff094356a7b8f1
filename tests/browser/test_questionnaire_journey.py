"""Reach a reward, claim it, answer the campaign's questionnaire first, then get the code."""

import pytest
from sqlalchemy import select

from rally.campaigns.models import Campaign
from rally.extensions import db
from rally.questionnaires.models import Answer, Question

pytestmark = pytest.mark.browser


def add_questions(app, campaign_id):
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        campaign.questions = [
            Question(
                position=1,
                text={"ja": "どこでラリーを知りましたか?", "en": "How did you hear of the rally?"},
                choices={"ja": "ポスター\nチラシ\n友人", "en": "Poster\nLeaflet\nA friend"},
                required=True,
            ),
            Question(
                position=2,
                text={"ja": "ご意見をどうぞ", "en": "Anything to tell us?"},
                required=False,
            ),
        ]
        db.session.commit()


def test_questionnaire_before_the_reward(app, live_server, browser, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(tiers=(2,))
    add_questions(app, campaign_id)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    phone = context.new_page()
    phone.goto(live_server + stamp_path(checkpoints[0]))
    phone.goto(live_server + stamp_path(checkpoints[1]))

    phone.get_by_role("button", name="Claim this reward").click()
    phone.wait_for_load_state()
    assert phone.url.startswith(f"{live_server}/card/{campaign_id}/questionnaire")
    assert "Please answer the short questionnaire" in phone.locator(".flash").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_label("Anything to tell us?").fill("Lovely shops")
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_load_state()
    group = phone.get_by_role("radiogroup", name="How did you hear of the rally?")
    assert group.get_attribute("aria-invalid") == "true"
    assert "Please answer every question" in group.inner_text()
    assert phone.get_by_label("Anything to tell us?").input_value() == "Lovely shops"

    phone.get_by_label("Leaflet").check()
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_load_state()
    assert phone.url == f"{live_server}/card/{campaign_id}"
    assert "your answers are saved" in phone.locator(".flash").inner_text()

    phone.get_by_role("button", name="Claim this reward").click()
    code = phone.get_by_test_id("redemption-code").inner_text().strip()
    assert len(code) == 9 and code[4] == "-"
    with app.app_context():
        values = sorted(answer.value for answer in db.session.scalars(select(Answer)))
    assert values == ["2", "Lovely shops"]
    context.close()
