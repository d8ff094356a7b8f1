"""Residents, circles and surveys for the surveys' tests."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rally.circles.models import CircleKind
from rally.extensions import db
from rally.surveys.models import (
    Audience,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRespondent,
    SurveyResponse,
)
from rally.utils import utcnow
from tests import factories

EN = {"Accept-Language": "en"}
_n = itertools.count(1)

# The default survey's questions, in order: (kind, English text, English choices, required).
QUESTIONS = [
    (QuestionKind.single, "Which street do you shop on?", "North\nSouth\nStation", True),
    (QuestionKind.several, "What would you like?", "Benches\nWi-Fi\nEvents", False),
    (QuestionKind.scale, "How happy are you with the rally?", "", True),
    (QuestionKind.text, "Any comment?", "", False),
]


@pytest.fixture
def make_visitor(app):
    """A visitor account with a resident profile; ``verified``: a verified resident."""

    def make(verified=False):
        number = next(_n)
        return factories.create_visitor(
            app,
            email=f"survey{number}@example.jp",
            handle=f"surveyor{number}",
            display_name=f"住民{number}",
            verified=verified,
        )

    return make


@pytest.fixture
def make_circle(app):
    def make(kind=CircleKind.open, members=()):
        return factories.create_circle(
            app, kind=kind, name={"ja": "サークル", "en": "Circle"}, members=members
        )

    return make


@pytest.fixture
def make_survey(app):
    """A survey open now (or as told) with ``questions``; returns its id and its questions'
    ids in order."""

    def make(
        audience=Audience.everyone,
        circle_id=None,
        anonymous=False,
        results_public=True,
        questions=QUESTIONS,
        opens_in=-1,
        closes_in=7,
        closed=False,
        title="Town survey",
    ):
        with app.app_context():
            now = utcnow()
            survey = Survey(
                title={"en": title, "ja": "まちのアンケート"},
                description={"en": "Tell us."},
                audience=audience,
                circle_id=circle_id,
                anonymous=anonymous,
                results_public=results_public,
                opens_at=now + timedelta(days=opens_in),
                closes_at=now + timedelta(days=closes_in),
                closed_at=now if closed else None,
            )
            for position, (kind, text, choices, required) in enumerate(questions, start=1):
                survey.questions.append(
                    SurveyQuestion(
                        kind=kind,
                        text={"en": text},
                        choices={"en": choices} if choices else {},
                        required=required,
                        position=position,
                    )
                )
            db.session.add(survey)
            db.session.commit()
            return survey.id, [question.id for question in survey.questions]

    return make


def answers(questions, single="1", several=("2",), scale="4", text=""):
    """A form's data answering the default survey's questions."""
    single_id, several_id, scale_id, text_id = questions
    return {
        f"question-{single_id}": single,
        f"question-{several_id}": list(several),
        f"question-{scale_id}": scale,
        f"question-{text_id}": text,
    }


def counts(app, survey_id=None):
    """How many respondents, responses and answers there are (of one survey if given)."""
    with app.app_context():

        def number(model, column):
            query = select(func.count()).select_from(model)
            if survey_id is not None and column is not None:
                query = query.where(column == survey_id)
            return db.session.scalar(query)

        return (
            number(SurveyRespondent, SurveyRespondent.survey_id),
            number(SurveyResponse, SurveyResponse.survey_id),
            number(SurveyAnswer, None),
        )


@pytest.fixture
def resident(make_visitor, visitor_client):
    """A logged-in resident's client and account id."""
    visitor_id = make_visitor()
    return visitor_client(visitor_id), visitor_id
