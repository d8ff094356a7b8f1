"""Answering a campaign's questionnaire before a prize is claimed."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.i18n.content import clean_texts

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
    :raise QuestionnaireError: ``answer_required``, ``invalid_choice``, ``answer_too_long``,
        for the first question at fault (``question_id``); ``errors`` holds every refused
        question's error by question id, so a page can mark them all at once.
    """
    cleaned: dict[int, str] = {}
    errors: dict[int, QuestionnaireError] = {}
    for question in campaign.questions:
        value = (values.get(question.id) or "").strip()
        error = _refusal(question, value)
        if error is not None:
            errors[question.id] = error
        elif value:
            cleaned[question.id] = value
    if errors:
        first = next(iter(errors.values()))
        first.errors = errors
        raise first
    existing = answers_of(card, campaign)
    for question_id, value in cleaned.items():
        answer = existing.get(question_id)
        if answer is None:
            try:
                with db.session.begin_nested():
                    db.session.add(
                        Answer(
                            card_id=card.id,
                            question_id=question_id,
                            campaign_id=campaign.id,
                            value=value,
                            created_at=now,
                        )
                    )
                continue
            except IntegrityError:
                # A parallel submission (a double tap) saved it first: this one replaces it.
                answer = db.session.scalar(
                    select(Answer).where(
                        Answer.card_id == card.id, Answer.question_id == question_id
                    )
                )
        answer.value = value
        answer.created_at = now
    db.session.flush()


def _refusal(question: Question, value: str) -> "QuestionnaireError | None":
    """Why ``value`` (stripped) cannot answer ``question``, or ``None`` when it can."""
    if not value:
        if question.required:
            return _error(
                _l("Please answer every question marked as required."),
                "answer_required",
                question,
            )
        return None
    choices = question.tr_lines("choices")
    if choices:
        if not value.isdigit() or not 1 <= int(value) <= len(choices):
            return _error(_l("Please choose one of the answers."), "invalid_choice", question)
    elif len(value) > MAX_ANSWER_LENGTH:
        return _error(
            _l("Please keep your answer under %(num)d characters.", num=MAX_ANSWER_LENGTH),
            "answer_too_long",
            question,
        )
    return None


def _error(message, code: str, question: Question) -> QuestionnaireError:
    error = QuestionnaireError(message, code=code)
    error.question_id = question.id
    error.errors = {question.id: error}
    return error


def answer_text(answer: Answer, language: str = "ja") -> str:
    """What the visitor answered, as text: a choice's wording, or the free answer."""
    choices = answer.question.tr_lines("choices", language)
    if choices and answer.value.isdigit() and 1 <= int(answer.value) <= len(choices):
        return choices[int(answer.value) - 1]
    return answer.value


# --- The association's editing ------------------------------------------------------------


@dataclass(frozen=True)
class QuestionInput:
    """A question as the association typed it; choices one per line, none for free text."""

    text: dict[str, str]
    choices: dict[str, str]
    required: bool


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def clean_choices(texts: dict[str, str], error=None) -> dict[str, str]:
    """Choices typed one per line in each language, as stored: blank lines and languages
    left out, the same number in every language, none or at least two. Shared by the
    surveys (rally.surveys), which pass their own error class.

    :raise QuestionnaireError: (or ``error``) ``choices_mismatch``, ``too_few_choices``.
    """
    error = error or QuestionnaireError
    choices = {code: _lines(lines) for code, lines in clean_texts(texts).items()}
    choices = {code: lines for code, lines in choices.items() if lines}
    if len({len(lines) for lines in choices.values()}) > 1:
        raise error(
            _l("Give the same number of choices in every language, one per line."),
            code="choices_mismatch",
        )
    if any(len(lines) == 1 for lines in choices.values()):
        raise error(
            _l("Give at least two choices, or none for a free-text answer."),
            code="too_few_choices",
        )
    return {code: "\n".join(lines) for code, lines in choices.items()}


def same_choices(old: dict[str, str] | None, new: dict[str, str]) -> bool:
    """Whether two stored choice texts list the same choices (blank lines aside)."""
    return {code: _lines(lines) for code, lines in (old or {}).items()} == {
        code: _lines(lines) for code, lines in new.items()
    }


def _checked(data: QuestionInput) -> tuple[dict[str, str], dict[str, str]]:
    """The texts to store (trimmed, choices without blank lines), or the refusal."""
    text = clean_texts(data.text)
    if not text:
        raise QuestionnaireError(
            _l("Please write the question in at least one language."), code="text_required"
        )
    return text, clean_choices(data.choices)


def question_has_answers(question: Question) -> bool:
    """Whether a card answered ``question``: its choices and its existence are then fixed."""
    return bool(db.session.scalar(select(exists().where(Answer.question_id == question.id))))


def answer_counts(campaign) -> dict[int, int]:
    """How many cards answered each question of ``campaign``, by question id."""
    return dict(
        db.session.execute(
            select(Answer.question_id, func.count())
            .where(Answer.campaign_id == campaign.id)
            .group_by(Answer.question_id)
        ).all()
    )


def _ordered(campaign) -> list[Question]:
    """The questions in their order, numbered 1, 2, 3... again (ties keep creation order)."""
    questions = sorted(campaign.questions, key=lambda question: (question.position, question.id))
    for position, question in enumerate(questions, start=1):
        question.position = position
    return questions


def add_question(campaign, data: QuestionInput) -> Question:
    """Add a question at the end of ``campaign``'s questionnaire.

    :raise QuestionnaireError: ``text_required``, ``choices_mismatch``, ``too_few_choices``.
    """
    text, choices = _checked(data)
    db.session.flush()  # earlier additions get their id, so the order is stable
    position = len(_ordered(campaign)) + 1
    question = Question(
        text=text,
        choices=choices,
        required=data.required,
        position=position,
    )
    campaign.questions.append(question)
    db.session.flush()
    return question


def update_question(question: Question, data: QuestionInput) -> None:
    """Change a question. Its wording may change at any time; its choices only while no card
    answered it, since an answer is kept as the number of a choice.

    :raise QuestionnaireError: ``text_required``, ``choices_mismatch``, ``too_few_choices``,
        ``question_has_answers`` (the choices changed on an answered question).
    """
    text, choices = _checked(data)
    if not same_choices(question.choices, choices) and question_has_answers(question):
        raise QuestionnaireError(
            _l("Visitors already answered this question: its choices can no longer change."),
            code="question_has_answers",
            status=409,
        )
    question.text, question.choices = text, choices
    question.required = data.required
    db.session.flush()


def delete_question(question: Question) -> None:
    """Remove a question nobody answered; the others keep their order.

    :raise QuestionnaireError: ``question_has_answers``.
    """
    if question_has_answers(question):
        raise QuestionnaireError(
            _l("Visitors already answered this question: it can no longer be deleted."),
            code="question_has_answers",
            status=409,
        )
    campaign = question.campaign
    campaign.questions.remove(question)  # delete-orphan: the row goes with the flush
    _ordered(campaign)
    db.session.flush()


def move_question(question: Question, offset: int) -> None:
    """Move a question one place up (``offset`` -1) or down (+1); at either end, no change."""
    questions = _ordered(question.campaign)
    index = questions.index(question)
    other = index + (1 if offset > 0 else -1)
    if 0 <= other < len(questions):
        neighbour = questions[other]
        question.position, neighbour.position = neighbour.position, question.position
    db.session.flush()
