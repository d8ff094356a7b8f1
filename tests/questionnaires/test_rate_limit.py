"""Answers are posted at most RALLY_CLAIM_LIMIT times per card and address."""

import pytest

from rally.extensions import db
from rally.questionnaires.models import Question


@pytest.fixture
def limited_app(make_limited_app):
    return make_limited_app(RALLY_CLAIM_LIMIT="2 per minute")


def test_answers_are_rate_limited(limited_app, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(stores=1)
    with limited_app.app_context():
        question = Question(campaign_id=campaign_id, text={"ja": "感想", "en": "Comments"})
        db.session.add(question)
        db.session.commit()
        field = f"question-{question.id}"
    client = limited_app.test_client()
    client.get(stamp_path(checkpoints[0]))
    path = f"/card/{campaign_id}/questionnaire"
    statuses = [client.post(path, data={field: "楽しい"}).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    assert client.get(path).status_code == 200  # reading the page is not limited
