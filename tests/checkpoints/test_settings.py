"""The checkpoint settings page: points and the landmark quiz, their rules and who may use it."""

import pytest

from rally.campaigns.models import Checkpoint
from rally.checkpoints.operations import CheckpointError, SettingsInput, update_settings
from rally.extensions import db
from tests.conftest import from_form_keys

QUIZ = {
    "quiz_question-ja": "鳥居は何色？",
    "quiz_question-en": "What colour is the gate?",
    "quiz_choices-ja": "赤\n青\n緑",
    "quiz_choices-en": "Red\nBlue\nGreen",
    "quiz_answer": 1,
}


def settings(points=1, **quiz):
    return SettingsInput(points=points, **from_form_keys(quiz))


def refusal(checkpoint, data) -> str:
    with pytest.raises(CheckpointError) as caught:
        update_settings(checkpoint, data)
    return caught.value.code


@pytest.fixture
def checkpoint(ctx, checkpoint_id):
    return db.session.get(Checkpoint, checkpoint_id)


def test_quiz_is_saved_with_trimmed_choices(checkpoint):
    update_settings(
        checkpoint, settings(3, **{**QUIZ, "quiz_choices-en": " Red \n\nBlue\nGreen\n"})
    )
    assert checkpoint.points == 3
    assert checkpoint.has_quiz and checkpoint.quiz_answer == 1
    assert checkpoint.quiz_choices.get("en", "") == "Red\nBlue\nGreen"
    assert checkpoint.tr_lines("quiz_choices", "ja") == ["赤", "青", "緑"]


def test_one_language_is_enough(checkpoint):
    update_settings(
        checkpoint,
        settings(
            **{"quiz_question-ja": "鳥居は何色？", "quiz_choices-ja": "赤\n青"}, quiz_answer=2
        ),
    )
    assert checkpoint.has_quiz
    assert checkpoint.tr("quiz_question", "en") == "鳥居は何色？"  # falls back to Japanese


def test_choices_of_different_counts_are_refused(checkpoint):
    data = settings(**{**QUIZ, "quiz_choices-en": "Red\nBlue"})
    assert refusal(checkpoint, data) == "choices_mismatch"
    assert not checkpoint.has_quiz


def test_a_single_choice_is_refused(checkpoint):
    data = settings(**{**QUIZ, "quiz_choices-ja": "赤", "quiz_choices-en": "Red"})
    assert refusal(checkpoint, data) == "too_few_choices"


def test_answer_beyond_the_choices_is_refused(checkpoint):
    assert refusal(checkpoint, settings(**{**QUIZ, "quiz_answer": 4})) == "answer_out_of_range"


def test_question_without_choices_is_incomplete(checkpoint):
    data = settings(**{**QUIZ, "quiz_choices-en": ""})
    assert refusal(checkpoint, data) == "quiz_incomplete"


def test_choices_without_question_are_incomplete(checkpoint):
    data = settings(**{**QUIZ, "quiz_question-ja": ""})
    assert refusal(checkpoint, data) == "quiz_incomplete"


def test_quiz_without_right_answer_is_incomplete(checkpoint):
    assert refusal(checkpoint, settings(**{**QUIZ, "quiz_answer": None})) == "quiz_incomplete"


def test_clearing_question_and_choices_removes_the_quiz(checkpoint):
    update_settings(checkpoint, settings(**QUIZ))
    update_settings(checkpoint, settings(quiz_answer=2))  # a stale answer number is ignored
    assert not checkpoint.has_quiz
    assert checkpoint.quiz_question.get("ja", "") == checkpoint.quiz_choices.get("en", "") == ""


def test_points_outside_1_to_100_are_refused(checkpoint):
    assert refusal(checkpoint, settings(points=0)) == "points_out_of_range"
    assert refusal(checkpoint, settings(points=101)) == "points_out_of_range"


def test_points_cannot_change_once_stamps_exist(app, client, checkpoint_id, stamp_path):
    assert client.get(stamp_path(checkpoint_id)).status_code == 303
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoint_id)
        assert refusal(checkpoint, settings(points=5)) == "points_have_stamps"
        # The quiz may still change, with the points left as they are.
        update_settings(checkpoint, settings(points=1, **QUIZ))
        assert checkpoint.has_quiz


# --- The page ------------------------------------------------------------------------------


def test_admin_saves_points_and_quiz(client, auth, admin, checkpoint_id, get_checkpoint):
    auth.login(admin)
    response = client.post(f"/manage/checkpoints/{checkpoint_id}/", data={"points": 7, **QUIZ})
    assert response.status_code == 303
    checkpoint = get_checkpoint(checkpoint_id)
    assert checkpoint.points == 7 and checkpoint.quiz_answer == 1
    page = client.get(f"/manage/checkpoints/{checkpoint_id}/", headers={"Accept-Language": "en"})
    assert 'data-testid="has-quiz"' in page.get_data(as_text=True)


def test_page_shows_the_refusal_and_saves_nothing(
    client, auth, admin, checkpoint_id, get_checkpoint
):
    auth.login(admin)
    data = {"points": 9, **QUIZ, "quiz_choices-en": "Red\nBlue"}
    response = client.post(
        f"/manage/checkpoints/{checkpoint_id}/", data=data, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'data-code="choices_mismatch"' in html
    assert "must be the same number" in html
    checkpoint = get_checkpoint(checkpoint_id)
    assert checkpoint.points == 1 and not checkpoint.has_quiz


def test_refusal_is_translated(client, auth, admin, checkpoint_id):
    auth.login(admin)
    data = {"points": 1, **QUIZ, "quiz_answer": 5}
    response = client.post(
        f"/manage/checkpoints/{checkpoint_id}/", data=data, headers={"Accept-Language": "ja"}
    )
    html = response.get_data(as_text=True)
    assert 'data-code="answer_out_of_range"' in html
    assert "The right answer must be" not in html


def test_page_refuses_points_change_after_stamps(
    client, app, auth, admin, checkpoint_id, stamp_path
):
    visitor = app.test_client()
    assert visitor.get(stamp_path(checkpoint_id)).status_code == 303
    auth.login(admin)
    response = client.post(f"/manage/checkpoints/{checkpoint_id}/", data={"points": 2})
    assert response.status_code == 409
    assert 'data-code="points_have_stamps"' in response.get_data(as_text=True)


def test_merchant_of_the_store_may_not_open_settings(client, auth, merchant, checkpoint_id):
    auth.login(merchant)
    assert client.get(f"/manage/checkpoints/{checkpoint_id}/").status_code == 403
    response = client.post(f"/manage/checkpoints/{checkpoint_id}/", data={"points": 50})
    assert response.status_code == 403


def test_anonymous_is_sent_to_log_in(client, checkpoint_id):
    response = client.get(f"/manage/checkpoints/{checkpoint_id}/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_campaign_page_links_to_the_settings(client, auth, admin, app, checkpoint_id):
    with app.app_context():
        campaign_id = db.session.get(Checkpoint, checkpoint_id).campaign_id
    auth.login(admin)
    html = client.get(f"/admin/campaigns/{campaign_id}").get_data(as_text=True)
    assert f'href="/manage/checkpoints/{checkpoint_id}/"' in html
