"""Answering a campaign's questionnaire before a prize is claimed."""

from datetime import datetime

from sqlalchemy import select

from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l

from .models import Answer, Question

MAX_ANSWER_LENGTH = 500


class QuestionnaireError(RallyError):
    """Answers that cannot be saved; ``code`` says why, ``question_id`` which question."""

    status = 400


def questionnaire_done(card, campaign) -> bool:
    """Whether ``card`` answered every required question of ``campaign``."""
    required = {question.id for question in campaign.questions if question.required}
    if not required:
        return True
    answered = set(
        db.session.scalars(
            select(Answer.question_id).where(
                Answer.card_id == card.id, Answer.question_id.in_(required)
            )
        )
    )
    return answered == required


def answers_of(card, campaign) -> dict[int, Answer]:
    """The card's answers in ``campaign``, by question id."""
    if card is None:
        return {}
    return {
        answer.question_id: answer
        for answer in db.session.scalars(
            select(Answer).where(Answer.card_id == card.id, Answer.campaign_id == campaign.id)
        )
    }


def save_answers(card, campaign, values: dict[int, str], now: datetime) -> None:
    """Check and keep the card's answers (replacing earlier ones); nothing is saved when one
    answer is refused.

    :param values: question id -> the submitted value: the 1-based number of a choice, or
        the text of a free answer.
    :raise QuestionnaireError: ``answer_required``, ``invalid_choice``, ``answer_too_long``.
    """
    cleaned: dict[int, str] = {}
    for question in campaign.questions:
        value = (values.get(question.id) or "").strip()
        if not value:
            if question.required:
                raise _error(
                    _l("Please answer every question marked as required."),
                    "answer_required",
                    question,
                )
            continue
        choices = question.tr_lines("choices")
        if choices:
            if not value.isdigit() or not 1 <= int(value) <= len(choices):
                raise _error(_l("Please choose one of the answers."), "invalid_choice", question)
        elif len(value) > MAX_ANSWER_LENGTH:
            raise _error(
                _l("Please keep your answer under %(num)d characters.", num=MAX_ANSWER_LENGTH),
                "answer_too_long",
                question,
            )
        cleaned[question.id] = value
    existing = answers_of(card, campaign)
    for question_id, value in cleaned.items():
        answer = existing.get(question_id)
        if answer is None:
            db.session.add(
                Answer(
                    card_id=card.id,
                    question_id=question_id,
                    campaign_id=campaign.id,
                    value=value,
                    created_at=now,
                )
            )
        else:
            answer.value = value
            answer.created_at = now
    db.session.flush()


def _error(message, code: str, question: Question) -> QuestionnaireError:
    error = QuestionnaireError(message, code=code)
    error.question_id = question.id
    return error


def answer_text(answer: Answer, language: str = "ja") -> str:
    """What the visitor answered, as text: a choice's wording, or the free answer."""
    choices = answer.question.tr_lines("choices", language)
    if choices and answer.value.isdigit() and 1 <= int(answer.value) <= len(choices):
        return choices[int(answer.value) - 1]
    return answer.value
