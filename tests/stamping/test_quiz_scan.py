"""A quiz set on the settings page is asked by the real scan link before the stamp."""

import pytest

QUIZ = {
    "points": 1,
    "quiz_question-ja": "鳥居は何色？",
    "quiz_question-en": "What colour is the gate?",
    "quiz_choices-ja": "赤\n青\n緑",
    "quiz_choices-en": "Red\nBlue\nGreen",
    "quiz_answer": 2,
}
EN = {"Accept-Language": "en"}


@pytest.fixture
def quiz_link(client, auth, admin, checkpoint_id, stamp_path):
    auth.login(admin)
    response = client.post(f"/manage/checkpoints/{checkpoint_id}/", data=QUIZ)
    assert response.status_code == 303
    return stamp_path(checkpoint_id)


def test_wrong_answer_gives_no_stamp(app, quiz_link, checkpoint_id, stamps_of):
    visitor = app.test_client()
    page = visitor.get(quiz_link, headers=EN)
    assert page.status_code == 200
    assert "What colour is the gate?" in page.get_data(as_text=True)

    response = visitor.post(quiz_link, data={"answer": 1}, headers=EN)
    assert response.status_code == 422  # the scan view's code: wrong_answer
    assert "That is not the right answer" in response.get_data(as_text=True)
    assert stamps_of(checkpoint_id) == []


def test_right_answer_gives_the_stamp(app, quiz_link, checkpoint_id, stamps_of):
    visitor = app.test_client()
    assert visitor.post(quiz_link, data={"answer": 1}).status_code == 422
    response = visitor.post(quiz_link, data={"answer": 2})
    assert response.status_code == 303
    assert f"new={checkpoint_id}" in response.headers["Location"]
    assert len(stamps_of(checkpoint_id)) == 1


def test_removed_quiz_is_no_longer_asked(app, client, quiz_link, checkpoint_id, stamps_of):
    # A browser sends the emptied fields as empty strings; the stale answer stays.
    cleared = {**{name: "" for name in QUIZ}, "points": 1, "quiz_answer": 2}
    assert client.post(f"/manage/checkpoints/{checkpoint_id}/", data=cleared).status_code == 303
    assert app.test_client().get(quiz_link).status_code == 303
    assert len(stamps_of(checkpoint_id)) == 1
