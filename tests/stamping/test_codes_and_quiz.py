"""Several codes of one store, and the landmark quiz, through the real scan URL."""

import re

from rally.campaigns.models import CheckpointCode
from rally.cards.models import Stamp
from rally.extensions import db
from rally.stamping.tokens import code_token
from tests.conftest import checkpoint


def _add_code(app, checkpoint_id, label):
    with app.app_context():
        code = CheckpointCode(checkpoint_id=checkpoint_id, label={"ja": label, "en": label})
        db.session.add(code)
        db.session.commit()
        return code.id, "/s/" + code_token(code)


def _stamps(app):
    with app.app_context():
        return db.session.execute(db.select(Stamp.checkpoint_id, Stamp.code_id)).all()


def test_each_code_of_a_store_gives_the_same_single_stamp(app, client, make_campaign):
    campaign_id, (checkpoint_id,) = make_campaign(stores=1)
    first_id, first = _add_code(app, checkpoint_id, "Register 1")
    second_id, second = _add_code(app, checkpoint_id, "Register 2")
    assert client.get(first).status_code == 303
    response = client.get(second)
    assert response.status_code == 303 and "again=" in response.location
    assert _stamps(app) == [(checkpoint_id, first_id)]


def test_revoking_one_code_leaves_the_others_working(app, client, make_campaign, stamp_path):
    campaign_id, (checkpoint_id,) = make_campaign(stores=1)
    code_id, path = _add_code(app, checkpoint_id, "Entrance")
    with app.app_context():
        db.session.get(CheckpointCode, code_id).key_version += 1
        db.session.commit()
    assert client.get(path).status_code == 410
    assert client.get(stamp_path(checkpoint_id)).status_code == 303


def test_a_code_of_another_checkpoint_is_refused(app, client, make_campaign):
    campaign_id, (one, other) = make_campaign(stores=2)
    code_id, _ = _add_code(app, one, "Register")
    with app.app_context():
        code = db.session.get(CheckpointCode, code_id)
        forged = "/s/" + code_token(
            CheckpointCode(id=code.id, checkpoint_id=other, key_version=code.key_version)
        )
    assert client.get(forged).status_code == 410
    assert _stamps(app) == []


def _quiz(app, checkpoint_id):
    with app.app_context():
        cp = checkpoint(checkpoint_id)
        cp.quiz_question["ja"] = "鳥居は何色？"
        cp.quiz_question["en"] = "What colour is the torii gate?"
        cp.quiz_choices["ja"] = "赤\n青\n緑"
        cp.quiz_choices["en"] = "Red\nBlue\nGreen"
        cp.quiz_answer = 1
        db.session.commit()


def test_quiz_is_asked_before_the_stamp(app, client, make_campaign, stamp_path):
    campaign_id, (checkpoint_id,) = make_campaign(stores=1)
    _quiz(app, checkpoint_id)
    page = client.get(stamp_path(checkpoint_id), headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "What colour is the torii gate?" in page.text
    assert re.findall(r'type="radio" value="(\d)"', page.text) == ["1", "2", "3"]
    assert _stamps(app) == []


def test_wrong_answer_gives_no_stamp(app, client, make_campaign, stamp_path):
    campaign_id, (checkpoint_id,) = make_campaign(stores=1)
    _quiz(app, checkpoint_id)
    response = client.post(
        stamp_path(checkpoint_id), data={"answer": "2"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert "not the right answer" in response.text
    assert _stamps(app) == []


def test_missing_answer_is_asked_again(app, client, make_campaign, stamp_path):
    campaign_id, (checkpoint_id,) = make_campaign(stores=1)
    _quiz(app, checkpoint_id)
    response = client.post(stamp_path(checkpoint_id), data={})
    assert response.status_code == 422
    assert _stamps(app) == []


def test_right_answer_gives_the_stamp_and_no_second_quiz(app, client, make_campaign, stamp_path):
    campaign_id, (checkpoint_id,) = make_campaign(stores=1)
    _quiz(app, checkpoint_id)
    response = client.post(stamp_path(checkpoint_id), data={"answer": "1"})
    assert response.status_code == 303 and "new=" in response.location
    assert len(_stamps(app)) == 1
    again = client.get(stamp_path(checkpoint_id))
    assert again.status_code == 303 and "again=" in again.location


def test_quiz_choices_follow_the_language(app, client, make_campaign, stamp_path):
    campaign_id, (checkpoint_id,) = make_campaign(stores=1)
    _quiz(app, checkpoint_id)
    page = client.get(stamp_path(checkpoint_id), headers={"Accept-Language": "ja"}).text
    assert "鳥居は何色？" in page and "赤" in page and "Red" not in page


def test_a_quiz_landmark_is_not_collected_by_pin(app, client, make_campaign):
    from rally.pins.operations import todays_pin
    from rally.utils import utcnow

    campaign_id, (shop_id, landmark_id) = make_campaign(stores=2)
    _quiz(app, landmark_id)
    with app.app_context():
        pin = todays_pin(checkpoint(landmark_id), utcnow())
    page = client.get(f"/card/{campaign_id}/pin").text
    assert f'value="{shop_id}"' in page and f'value="{landmark_id}"' not in page
    response = client.post(f"/card/{campaign_id}/pin", data={"checkpoint": landmark_id, "pin": pin})
    assert response.status_code == 400  # not a choice of the form
    assert _stamps(app) == []


def test_card_links_to_the_questionnaire_until_answered(app, client, make_campaign, stamp_path):
    from rally.questionnaires.models import Question

    campaign_id, checkpoints = make_campaign(stores=1)
    with app.app_context():
        db.session.add(
            Question(
                campaign_id=campaign_id,
                text={"ja": "年代は？", "en": "Your age group?"},
                choices={"ja": "10代\n20代", "en": "Teens\n20s"},
            )
        )
        db.session.commit()
    client.get(stamp_path(checkpoints[0]))
    en = {"Accept-Language": "en"}
    assert "needed before claiming a reward" in client.get(f"/card/{campaign_id}", headers=en).text
    client.post(f"/card/{campaign_id}/questionnaire", data={"question-1": "1"}, headers=en)
    page = client.get(f"/card/{campaign_id}", headers=en).text
    assert "Change my answers" in page
