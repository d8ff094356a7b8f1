"""Answering a survey: who may, once each, valid answers only, while it is open."""

import pytest
from sqlalchemy import select

from rally.circles.models import CircleKind
from rally.extensions import db
from rally.surveys.models import Audience, Survey, SurveyAnswer, SurveyResponse
from rally.surveys.operations import SurveyError, submit_answers
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .conftest import EN, answers, counts


def test_a_guest_is_sent_to_log_in_and_nothing_is_saved(app, client, make_survey):
    survey_id, questions = make_survey()
    page = client.get(f"/surveys/{survey_id}", headers=EN)
    assert page.status_code == 303 and "/me/login" in page.location
    sent = client.post(f"/surveys/{survey_id}", data=answers(questions), headers=EN)
    assert sent.status_code == 303 and "/me/login" in sent.location
    assert counts(app) == (0, 0, 0)


def test_a_resident_answers_a_survey_for_everyone(app, resident, make_survey):
    client, visitor_id = resident
    survey_id, questions = make_survey()
    page = client.get(f"/surveys/{survey_id}", headers=EN).get_data(as_text=True)
    assert "<legend" in page and "Which street do you shop on?" in page
    assert page.count("(required)") == 2
    sent = client.post(
        f"/surveys/{survey_id}", data=answers(questions, several=("1", "3"), text="Hi")
    )
    assert sent.status_code == 303 and sent.location.endswith(f"/surveys/{survey_id}/results")
    with app.app_context():
        response = db.session.scalar(select(SurveyResponse))
        rows = sorted((a.question_id, a.choice, a.text) for a in response.answers)
        assert response.visitor_id == visitor_id  # a named survey
    single, several, scale, text = questions
    assert rows == [
        (single, 1, None),
        (several, 1, None),
        (several, 3, None),
        (scale, 4, None),
        (text, 0, "Hi"),
    ]


def test_a_verified_residents_survey_refuses_the_others(
    app, make_visitor, visitor_client, make_survey
):
    survey_id, questions = make_survey(audience=Audience.verified)
    digital = visitor_client(make_visitor())
    refused = digital.post(f"/surveys/{survey_id}", data=answers(questions), headers=EN)
    assert refused.status_code == 403
    assert "This survey is for verified residents." in refused.get_data(as_text=True)
    assert counts(app) == (0, 0, 0)
    verified = visitor_client(make_visitor(verified=True))
    assert verified.post(f"/surveys/{survey_id}", data=answers(questions)).status_code == 303
    assert counts(app)[:2] == (1, 1)


def test_a_circles_survey_is_for_its_members(
    app, make_visitor, visitor_client, make_circle, make_survey
):
    member, outsider = make_visitor(), make_visitor()
    circle_id = make_circle(members=[member])
    survey_id, questions = make_survey(audience=Audience.circle, circle_id=circle_id)
    outside = visitor_client(outsider)
    assert "Town survey" not in outside.get("/surveys", headers=EN).get_data(as_text=True)
    refused = outside.post(f"/surveys/{survey_id}", data=answers(questions), headers=EN)
    assert refused.status_code == 403
    assert "members of its circle" in refused.get_data(as_text=True)
    assert counts(app) == (0, 0, 0)
    inside = visitor_client(member)
    assert "Town survey" in inside.get("/surveys", headers=EN).get_data(as_text=True)
    assert inside.post(f"/surveys/{survey_id}", data=answers(questions)).status_code == 303
    assert counts(app)[:2] == (1, 1)


def test_a_members_only_circles_survey_does_not_exist_for_others(
    app, make_visitor, visitor_client, make_circle, make_survey
):
    circle_id = make_circle(kind=CircleKind.members_only, members=[make_visitor()])
    survey_id, questions = make_survey(audience=Audience.circle, circle_id=circle_id)
    outside = visitor_client(make_visitor())
    assert outside.get(f"/surveys/{survey_id}").status_code == 404
    assert outside.get(f"/surveys/{survey_id}/results").status_code == 404
    assert outside.post(f"/surveys/{survey_id}", data=answers(questions)).status_code == 404
    assert counts(app) == (0, 0, 0)


def test_one_answer_per_resident_a_second_is_answered_kindly(app, resident, make_survey):
    client, _ = resident
    survey_id, questions = make_survey()
    assert client.post(f"/surveys/{survey_id}", data=answers(questions)).status_code == 303
    before = counts(app)
    again = client.post(f"/surveys/{survey_id}", data=answers(questions, single="2"), headers=EN)
    assert again.status_code == 303
    page = client.get(again.location, headers=EN).get_data(as_text=True)
    assert "You have already answered this survey. Thank you!" in page
    assert counts(app) == before == (1, 1, 3)


def test_concurrent_submissions_of_one_resident_count_once(
    app, resident, visitor_client, make_survey, race
):
    """Sixteen taps at once: the respondent's primary key lets one through."""
    _, visitor_id = resident
    survey_id, questions = make_survey()

    def submit(_):
        client = visitor_client(visitor_id)
        return lambda: client.post(f"/surveys/{survey_id}", data=answers(questions)).status_code

    assert race(16, submit) == [303] * 16
    assert counts(app, survey_id)[:2] == (1, 1)


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"single": ""}, 0, "Please answer every question marked as required."),
        ({"single": "4"}, 0, "Please choose one of the answers."),
        ({"single": "x"}, 0, "Please choose one of the answers."),
        ({"several": ("1", "9")}, 1, "Please choose one of the answers."),
        ({"scale": "6"}, 2, "Please choose one of the answers."),
        ({"scale": "0"}, 2, "Please choose one of the answers."),
        ({"scale": ""}, 2, "Please answer every question marked as required."),
        ({"text": "x" * 2001}, 3, "Please keep your answer under 2000 characters."),
    ],
)
def test_invalid_answers_are_refused_by_question_and_nothing_is_saved(
    app, resident, make_survey, data, field, message
):
    client, _ = resident
    survey_id, questions = make_survey()
    sent = client.post(
        f"/surveys/{survey_id}", data=answers(questions, **{"text": "kept", **data}), headers=EN
    )
    assert sent.status_code == 400
    page = sent.get_data(as_text=True)
    assert f'<p class="field-error" id="question-{questions[field]}-error">{message}' in page
    assert "Nothing was saved." in page
    if field != 3:
        assert "kept</textarea>" in page  # what was typed is kept
    assert counts(app) == (0, 0, 0)


def test_one_choice_questions_take_one_choice(app, resident, make_survey):
    """The page's radio buttons send one value; the rule holds for any caller."""
    _, visitor_id = resident
    survey_id, questions = make_survey()
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        visitor = db.session.get(Visitor, visitor_id)
        values = {q: [v] if isinstance(v, str) else v for q, v in _by_id(answers(questions))}
        values[questions[0]] = ["1", "2"]
        with pytest.raises(SurveyError) as refused:
            submit_answers(survey, visitor, values, utcnow())
        assert refused.value.code == "invalid_choice"
        assert set(refused.value.errors) == {questions[0]}
        db.session.rollback()
    assert counts(app) == (0, 0, 0)


def _by_id(data):
    return [(int(name.removeprefix("question-")), value) for name, value in data.items()]


def test_an_unticked_optional_question_is_no_answer(app, resident, make_survey):
    client, _ = resident
    survey_id, questions = make_survey()
    assert (
        client.post(f"/surveys/{survey_id}", data=answers(questions, several=())).status_code == 303
    )
    with app.app_context():
        asked = {a.question_id for a in db.session.scalars(select(SurveyAnswer))}
    assert asked == {questions[0], questions[2]}


@pytest.mark.parametrize(
    "when,message",
    [
        ({"closed": True}, "This survey is closed."),
        ({"opens_in": -9, "closes_in": -1}, "This survey is closed."),
        ({"opens_in": 1, "closes_in": 9}, "This survey is not open yet."),
    ],
)
def test_a_survey_that_is_not_open_refuses_answers(app, resident, make_survey, when, message):
    client, _ = resident
    survey_id, questions = make_survey(**when)
    page = client.get(f"/surveys/{survey_id}", headers=EN)
    assert message in page.get_data(as_text=True) and "<fieldset" not in page.get_data(as_text=True)
    sent = client.post(f"/surveys/{survey_id}", data=answers(questions), headers=EN)
    assert sent.status_code == 409 and message in sent.get_data(as_text=True)
    assert counts(app) == (0, 0, 0)
    assert "Town survey" not in client.get("/surveys", headers=EN).get_data(as_text=True)


def test_the_list_shows_open_surveys_and_says_when_there_is_none(client, resident, make_survey):
    assert "No survey is open just now." in client.get("/surveys", headers=EN).get_data(
        as_text=True
    )
    make_survey()
    make_survey(title="Old survey", closed=True)
    listing = resident[0].get("/surveys", headers=EN).get_data(as_text=True)
    assert "Town survey" in listing and "Old survey" not in listing


def test_the_list_says_what_is_answered_anonymous_or_for_verified_residents(
    make_visitor, visitor_client, make_survey
):
    survey_id, questions = make_survey(audience=Audience.verified, anonymous=True)
    client = visitor_client(make_visitor(verified=True))
    client.post(f"/surveys/{survey_id}", data=answers(questions))
    listing = client.get("/surveys", headers=EN).get_data(as_text=True)
    assert "Answered · Verified residents only · Anonymous" in listing
