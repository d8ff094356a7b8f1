"""The association's survey pages: only admins; editing rules; closing; the demo."""

import pytest
from sqlalchemy import func, select

from rally.auth.models import Role
from rally.extensions import db
from rally.surveys.models import Audience, QuestionKind, Survey, SurveyQuestion, SurveyResponse
from rally.utils import utcnow

from .conftest import EN, answers

FORM = {
    "title-en": "Benches on the street",
    "title-ja": "商店街のベンチ",
    "description-en": "Where should we put them?",
    "audience": "everyone",
    "circle_id": "0",
    "results_public": "y",
    "opens_at": "2026-01-01T10:00",
    "closes_at": "2099-01-31T18:00",
}


def surveys_state(app):
    with app.app_context():
        rows = db.session.scalars(select(Survey).order_by(Survey.id))
        state = [
            (s.id, dict(s.title), s.audience.value, s.anonymous, s.results_public, s.closed_at)
            for s in rows
        ]
        questions = db.session.scalars(select(SurveyQuestion).order_by(SurveyQuestion.id))
        return state, [(q.id, q.kind.value, dict(q.text), dict(q.choices)) for q in questions]


ADMIN_ROUTES = [
    ("get", "/admin/surveys/"),
    ("get", "/admin/surveys/new"),
    ("post", "/admin/surveys/new"),
    ("get", "/admin/surveys/{survey}/edit"),
    ("post", "/admin/surveys/{survey}/edit"),
    ("post", "/admin/surveys/{survey}/close"),
    ("get", "/admin/surveys/{survey}/questions/new"),
    ("post", "/admin/surveys/{survey}/questions/new"),
    ("get", "/admin/survey-questions/{question}/edit"),
    ("post", "/admin/survey-questions/{question}/edit"),
    ("post", "/admin/survey-questions/{question}/delete"),
    ("get", "/admin/surveys/{survey}/results"),
    ("get", "/admin/surveys/{survey}/answers.csv"),
]


@pytest.mark.parametrize("role", ["guest", "resident", "merchant", "admin"])
@pytest.mark.parametrize("method,path", ADMIN_ROUTES)
def test_only_the_association_manages_surveys(
    app, client, resident, auth, make_user, make_survey, role, method, path
):
    survey_id, questions = make_survey()
    clients = {
        "guest": client,
        "resident": resident[0],
        "merchant": auth.new_client(make_user(role=Role.merchant)),
        "admin": auth.new_client(make_user(role=Role.admin)),
    }
    before = surveys_state(app)
    url = path.format(survey=survey_id, question=questions[0])
    data = {**FORM, "kind": "text", "text-en": "Changed?"}
    response = getattr(clients[role], method)(url, data=data, headers=EN)
    if role == "admin":
        assert response.status_code in {200, 303}
    else:
        assert response.status_code == (403 if role == "merchant" else 302)
        assert surveys_state(app) == before


def test_the_association_creates_a_survey_with_every_kind_of_question(app, admin_client):
    created = admin_client.post("/admin/surveys/new", data=FORM, headers=EN)
    assert created.status_code == 303
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        assert survey.title == {"en": "Benches on the street", "ja": "商店街のベンチ"}
        assert survey.opens_at.hour == 1  # 10:00 in Tokyo is 01:00 UTC
        survey_id = survey.id
    for kind, choices in (("single", "A\nB"), ("several", "A\nB\nC"), ("scale", ""), ("text", "")):
        added = admin_client.post(
            f"/admin/surveys/{survey_id}/questions/new",
            data={"kind": kind, "text-en": f"A {kind} question", "choices-en": choices},
        )
        assert added.status_code == 303, added.get_data(as_text=True)
    with app.app_context():
        kinds = [q.kind for q in db.session.get(Survey, survey_id).questions]
    assert kinds == [
        QuestionKind.single,
        QuestionKind.several,
        QuestionKind.scale,
        QuestionKind.text,
    ]
    page = admin_client.get(f"/admin/surveys/{survey_id}/edit", headers=EN).get_data(as_text=True)
    assert "A several question" in page
    assert "Surveys" in admin_client.get("/admin/surveys/", headers=EN).get_data(as_text=True)


@pytest.mark.parametrize(
    "change,message",
    [
        ({"closes_at": "2025-01-01T10:00"}, "The survey must close after it opens."),
        ({"audience": "circle"}, "Please choose the circle."),
        ({"title-en": "", "title-ja": ""}, "Please fill in “Title” in at least one language."),
    ],
)
def test_a_survey_form_with_errors_saves_nothing(app, admin_client, change, message):
    before = surveys_state(app)
    response = admin_client.post("/admin/surveys/new", data={**FORM, **change}, headers=EN)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert surveys_state(app) == before


@pytest.mark.parametrize(
    "data,message",
    [
        ({"kind": "single", "text-en": "Q", "choices-en": ""}, "Give at least two choices"),
        ({"kind": "single", "text-en": "Q", "choices-en": "only one"}, "Give at least two"),
        (
            {"kind": "several", "text-en": "Q", "choices-en": "a\nb", "choices-ja": "あ"},
            "Give the same number of choices in every language",
        ),
        ({"kind": "text", "text-en": ""}, "Please write the question"),
    ],
)
def test_a_question_form_with_errors_saves_nothing(app, admin_client, make_survey, data, message):
    survey_id, _ = make_survey()
    before = surveys_state(app)
    response = admin_client.post(f"/admin/surveys/{survey_id}/questions/new", data=data, headers=EN)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert surveys_state(app) == before


def test_once_answered_the_audience_anonymity_and_questions_are_fixed(
    app, admin_client, resident, make_survey
):
    survey_id, questions = make_survey(anonymous=True)
    assert resident[0].post(f"/surveys/{survey_id}", data=answers(questions)).status_code == 303
    before = surveys_state(app)
    named = admin_client.post(
        f"/admin/surveys/{survey_id}/edit",
        data={**FORM, "title-en": "Town survey", "anonymous": ""},
        headers=EN,
    )
    assert named.status_code == 400
    assert "whether answers are anonymous can no longer change" in named.get_data(as_text=True)
    added = admin_client.post(
        f"/admin/surveys/{survey_id}/questions/new", data={"kind": "text", "text-en": "More?"}
    )
    assert added.status_code == 400
    deleted = admin_client.post(f"/admin/survey-questions/{questions[0]}/delete")
    assert deleted.status_code == 303
    changed = admin_client.post(
        f"/admin/survey-questions/{questions[0]}/edit",
        data={
            "kind": "single",
            "text-en": "Which street?",
            "choices-en": "A\nB\nC",
            "required": "y",
        },
    )
    assert changed.status_code == 400
    assert surveys_state(app) == before
    # The wording may still be corrected.
    reworded = admin_client.post(
        f"/admin/survey-questions/{questions[0]}/edit",
        data={
            "kind": "single",
            "text-en": "Which street, please?",
            "choices-en": "North\nSouth\nStation",
            "required": "y",
        },
    )
    assert reworded.status_code == 303


def test_closing_a_survey_ends_answers_and_closing_twice_changes_nothing(
    app, admin_client, resident, make_survey
):
    survey_id, questions = make_survey()
    assert admin_client.post(f"/admin/surveys/{survey_id}/close").status_code == 303
    with app.app_context():
        closed_at = db.session.get(Survey, survey_id).closed_at
    assert closed_at is not None
    admin_client.post(f"/admin/surveys/{survey_id}/close")
    with app.app_context():
        assert db.session.get(Survey, survey_id).closed_at == closed_at
    assert resident[0].post(f"/surveys/{survey_id}", data=answers(questions)).status_code == 409


def test_the_demo_survey_has_twenty_public_answers_once(app, client):
    from rally.circles.demo import seed_circles
    from rally.surveys.demo import seed_survey

    with app.app_context():
        seed_circles()
        for _ in range(2):
            survey = seed_survey(utcnow())
            db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 1
        responses = db.session.scalar(select(func.count()).select_from(SurveyResponse))
        assert responses == 20
        assert survey.results_public and survey.anonymous
        assert survey.audience is Audience.everyone
        survey_id = survey.id
    page = client.get(f"/surveys/{survey_id}/results", headers=EN).get_data(as_text=True)
    assert "20 residents answered." in page
