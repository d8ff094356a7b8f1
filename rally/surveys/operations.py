"""Surveys: the association's editing, who may answer, one answer per resident, results.

Who is asking is a circles :class:`~rally.circles.operations.Actor` (a resident and/or an
admin); a circle's survey follows the circle's reading rules.
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from rally.circles.models import Circle
from rally.circles.operations import Actor, is_member, may_read
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.i18n.content import clean_texts
from rally.questionnaires.operations import clean_choices, same_choices
from rally.residents.models import Resident
from rally.residents.operations import district_today, profile_of
from rally.visitors.models import Visitor

from .models import (
    Audience,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRespondent,
    SurveyResponse,
)

MAX_TEXT_ANSWER = 2000
SCALE = (1, 2, 3, 4, 5)


class SurveyError(RallyError):
    """A survey step that cannot go ahead; ``code`` says why. Refused answers carry
    ``errors``: question id -> its error."""


@dataclass(frozen=True)
class SurveyInput:
    """A survey as the association typed it; times in naive UTC."""

    title: dict[str, str]
    description: dict[str, str]
    audience: Audience
    circle_id: int | None
    anonymous: bool
    results_public: bool
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class QuestionInput:
    kind: QuestionKind
    text: dict[str, str]
    choices: dict[str, str]
    required: bool


# --- The association's editing --------------------------------------------------------------


def has_answers(survey: Survey) -> bool:
    """Whether anybody answered: the audience, anonymity and questions are then fixed."""
    return bool(db.session.scalar(select(exists().where(SurveyRespondent.survey_id == survey.id))))


def _answered_refusal(message) -> SurveyError:
    return SurveyError(message, code="survey_has_answers", status=409)


def save_survey(data: SurveyInput, survey: Survey | None = None) -> Survey:
    """Create a survey, or change ``survey``.

    :raise SurveyError: ``title_required``, ``dates_order`` (closes before it opens),
        ``circle_required`` (a circle's survey without an existing circle),
        ``survey_has_answers`` (audience or anonymity changed after the first answer).
    """
    title = clean_texts(data.title)
    if not title:
        raise SurveyError(
            _l("Please give the survey a title in at least one language."), code="title_required"
        )
    if data.closes_at <= data.opens_at:
        raise SurveyError(_l("The survey must close after it opens."), code="dates_order")
    circle_id = None
    if data.audience is Audience.circle:
        circle = db.session.get(Circle, data.circle_id) if data.circle_id else None
        if circle is None:
            raise SurveyError(_l("Please choose the circle."), code="circle_required")
        circle_id = circle.id
    if survey is not None and has_answers(survey):
        fixed = (survey.audience, survey.circle_id, survey.anonymous)
        if fixed != (data.audience, circle_id, data.anonymous):
            raise _answered_refusal(
                _l(
                    "Residents already answered: who is asked and whether answers are "
                    "anonymous can no longer change."
                )
            )
    if survey is None:
        survey = Survey()
        db.session.add(survey)
    survey.title = title
    survey.description = clean_texts(data.description)
    survey.audience = data.audience
    survey.circle_id = circle_id
    survey.anonymous = data.anonymous
    survey.results_public = data.results_public
    survey.opens_at = data.opens_at
    survey.closes_at = data.closes_at
    db.session.flush()
    return survey


def close_survey(survey: Survey, now: datetime) -> bool:
    """Close a survey now; closing a closed survey changes nothing (``False``)."""
    result = db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id, Survey.closed_at.is_(None))
        .values(closed_at=now)
    )
    db.session.flush()
    return result.rowcount == 1


def all_surveys() -> list[Survey]:
    return list(db.session.scalars(select(Survey).order_by(Survey.opens_at.desc(), Survey.id)))


def _checked_question(data: QuestionInput) -> tuple[dict[str, str], dict[str, str]]:
    text = clean_texts(data.text)
    if not text:
        raise SurveyError(
            _l("Please write the question in at least one language."), code="text_required"
        )
    if not data.kind.has_choices:
        return text, {}
    choices = clean_choices(data.choices, error=SurveyError)
    if not choices:
        raise SurveyError(_l("Give at least two choices, one per line."), code="choices_required")
    return text, choices


def add_question(survey: Survey, data: QuestionInput) -> SurveyQuestion:
    """Add a question at the end of ``survey``.

    :raise SurveyError: ``text_required``, ``choices_required``, ``choices_mismatch``,
        ``too_few_choices``, ``survey_has_answers``.
    """
    text, choices = _checked_question(data)
    if has_answers(survey):
        raise _answered_refusal(
            _l("Residents already answered this survey: its questions can no longer change.")
        )
    position = max((question.position for question in survey.questions), default=0) + 1
    question = SurveyQuestion(
        kind=data.kind, text=text, choices=choices, required=data.required, position=position
    )
    survey.questions.append(question)
    db.session.flush()
    return question


def update_question(question: SurveyQuestion, data: QuestionInput) -> None:
    """Change a question; once answered, only its wording (the answers keep their meaning).

    :raise SurveyError: as :func:`add_question`.
    """
    text, choices = _checked_question(data)
    if has_answers(question.survey) and (
        data.kind is not question.kind
        or data.required != question.required
        or not same_choices(question.choices, choices)
    ):
        raise _answered_refusal(
            _l(
                "Residents already answered this survey: you can still correct a question's "
                "wording, but not its kind, choices or whether it is required."
            )
        )
    question.kind, question.text, question.choices = data.kind, text, choices
    question.required = data.required
    db.session.flush()


def delete_question(question: SurveyQuestion) -> None:
    """:raise SurveyError: ``survey_has_answers``."""
    survey = question.survey
    if has_answers(survey):
        raise _answered_refusal(
            _l("Residents already answered this survey: its questions can no longer change.")
        )
    survey.questions.remove(question)
    db.session.flush()


# --- Who may answer -----------------------------------------------------------------------


def may_know(survey: Survey, actor: Actor) -> bool:
    """Whether the survey exists for ``actor``: a circle's survey follows the circle (a
    members-only circle's surveys are its members'); admins see every survey."""
    if actor.is_admin:
        return True
    if survey.audience is Audience.circle:
        return survey.circle is not None and may_read(survey.circle, actor)
    return True


def in_audience(survey: Survey, visitor: Visitor | None) -> bool:
    """Whether ``visitor`` is one of the residents the survey asks."""
    if visitor is None:
        return False
    if survey.audience is Audience.verified:
        profile = profile_of(visitor)
        return profile is not None and profile.is_verified_resident
    if survey.audience is Audience.circle:
        return survey.circle is not None and is_member(survey.circle, Actor(visitor=visitor))
    return True


def has_answered(survey: Survey, visitor: Visitor | None) -> bool:
    if visitor is None:
        return False
    return db.session.get(SurveyRespondent, (survey.id, visitor.id)) is not None


def answer_refusal(survey: Survey, visitor: Visitor | None, now: datetime) -> SurveyError | None:
    """Why ``visitor`` may not answer ``survey`` now, or ``None``."""
    if survey.has_ended(now):
        return SurveyError(_l("This survey is closed."), code="survey_closed", status=409)
    if not survey.is_open(now) or not survey.questions:
        return SurveyError(_l("This survey is not open yet."), code="not_open_yet", status=409)
    if visitor is None:
        return SurveyError(
            _l("Please log in to answer this survey."), code="login_required", status=401
        )
    if not in_audience(survey, visitor):
        if survey.audience is Audience.verified:
            return SurveyError(
                _l("This survey is for verified residents."), code="verified_only", status=403
            )
        return SurveyError(
            _l("This survey is for the members of its circle."), code="members_only", status=403
        )
    if has_answered(survey, visitor):
        return _already_answered()
    return None


def _already_answered() -> SurveyError:
    return SurveyError(
        _l("You have already answered this survey. Thank you!"),
        code="already_answered",
        status=409,
    )


def open_surveys(actor: Actor, now: datetime) -> list[Survey]:
    """The open surveys ``actor`` may know of, newest first: a circle's only to its
    members (never listed to others)."""
    query = (
        select(Survey)
        .where(Survey.closed_at.is_(None), Survey.opens_at <= now, Survey.closes_at > now)
        .where(exists().where(SurveyQuestion.survey_id == Survey.id))
        .order_by(Survey.closes_at, Survey.id)
    )
    surveys = []
    for survey in db.session.scalars(query):
        if survey.audience is Audience.circle:
            if actor.visitor is None or not in_audience(survey, actor.visitor):
                continue
        surveys.append(survey)
    return surveys


def answered_ids(visitor: Visitor | None, surveys: list[Survey]) -> set[int]:
    if visitor is None or not surveys:
        return set()
    return set(
        db.session.scalars(
            select(SurveyRespondent.survey_id).where(
                SurveyRespondent.visitor_id == visitor.id,
                SurveyRespondent.survey_id.in_([survey.id for survey in surveys]),
            )
        )
    )


# --- Answering ----------------------------------------------------------------------------


def _question_error(message, code: str) -> SurveyError:
    return SurveyError(message, code=code)


def _answer_rows(question: SurveyQuestion, values: list[str]) -> list[tuple[int, str | None]]:
    """``(choice, text)`` rows answering ``question`` with ``values`` (stripped, non-empty).

    :raise SurveyError: ``answer_required``, ``invalid_choice``, ``answer_too_long``.
    """
    if not values:
        if question.required:
            raise _question_error(
                _l("Please answer every question marked as required."), "answer_required"
            )
        return []
    kind = question.kind
    if kind is QuestionKind.text:
        text = "\n".join(values)
        if len(text) > MAX_TEXT_ANSWER:
            raise _question_error(
                _l("Please keep your answer under %(num)d characters.", num=MAX_TEXT_ANSWER),
                "answer_too_long",
            )
        return [(0, text)]
    allowed = range(1, len(question.tr_lines("choices")) + 1) if kind.has_choices else SCALE
    numbers = [int(value) if value.isdigit() else 0 for value in values]
    if any(number not in allowed for number in numbers) or (
        kind is not QuestionKind.several and len(numbers) > 1
    ):
        raise _question_error(_l("Please choose one of the answers."), "invalid_choice")
    return [(number, None) for number in sorted(set(numbers))]


def submit_answers(
    survey: Survey, visitor: Visitor | None, values: dict[int, list[str]], now: datetime
) -> SurveyResponse:
    """Keep ``visitor``'s answers: all of them, or nothing when one is refused.

    The respondent row's primary key (survey, resident) decides one answer per resident:
    of two submissions at once, the second meets the constraint and is refused. For an
    anonymous survey the response holds no account, a random key and only the day.

    :param values: question id -> the submitted values (choice numbers, a scale value, or
        the free text).
    :raise SurveyError: the refusals of :func:`answer_refusal` (``survey_closed``,
        ``not_open_yet``, ``login_required``, ``verified_only``, ``members_only``,
        ``already_answered``); ``answer_required``, ``invalid_choice``, ``answer_too_long``
        for the first question at fault, with ``errors`` for each.
    """
    refusal = answer_refusal(survey, visitor, now)
    if refusal is not None:
        raise refusal
    rows: dict[int, list[tuple[int, str | None]]] = {}
    errors: dict[int, SurveyError] = {}
    for question in survey.questions:
        cleaned = [
            value.strip() for value in values.get(question.id, []) if value and value.strip()
        ]
        try:
            rows[question.id] = _answer_rows(question, cleaned)
        except SurveyError as error:
            errors[question.id] = error
    if errors:
        first = next(iter(errors.values()))
        first.errors = errors
        raise first
    try:
        with db.session.begin_nested():
            db.session.add(SurveyRespondent(survey_id=survey.id, visitor_id=visitor.id))
    except IntegrityError:
        raise _already_answered() from None
    response = SurveyResponse(
        id=secrets.token_hex(16),
        survey_id=survey.id,
        visitor_id=None if survey.anonymous else visitor.id,
        answered_on=district_today(now),
    )
    db.session.add(response)
    for question_id, answers in rows.items():
        for choice, text in answers:
            response.answers.append(SurveyAnswer(question_id=question_id, choice=choice, text=text))
    db.session.flush()
    return response


# --- Results ------------------------------------------------------------------------------


def may_see_results(survey: Survey, actor: Actor) -> bool:
    """The association always; others when the results are public and the survey exists
    for them."""
    return actor.is_admin or (survey.results_public and may_know(survey, actor))


def surveys_with_public_results(actor: Actor) -> list[Survey]:
    """The surveys whose results ``actor`` may see (:func:`may_see_results`) and that are
    public, newest first: a members-only circle's only to its members."""
    query = (
        select(Survey)
        .where(Survey.results_public.is_(True))
        .order_by(Survey.opens_at.desc(), Survey.id.desc())
    )
    return [survey for survey in db.session.scalars(query) if may_see_results(survey, actor)]


@dataclass
class Bar:
    label: str
    count: int
    share: float  # of the residents who answered the question, 0 to 1


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int
    bars: list[Bar] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)


def response_count(survey: Survey) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id)
    )


def results(survey: Survey, with_texts: bool = False) -> list[QuestionResult]:
    """Counts per choice (and the scale's mean) for each question. Free answers' texts only
    with ``with_texts`` (the association's page); their number otherwise."""
    ids = [question.id for question in survey.questions]
    if not ids:
        return []
    counts: dict[tuple[int, int], int] = {
        (question_id, choice): number
        for question_id, choice, number in db.session.execute(
            select(SurveyAnswer.question_id, SurveyAnswer.choice, func.count())
            .where(SurveyAnswer.question_id.in_(ids))
            .group_by(SurveyAnswer.question_id, SurveyAnswer.choice)
        )
    }
    answered = dict(
        db.session.execute(
            select(SurveyAnswer.question_id, func.count(SurveyAnswer.response_id.distinct()))
            .where(SurveyAnswer.question_id.in_(ids))
            .group_by(SurveyAnswer.question_id)
        ).all()
    )
    texts: dict[int, list[str]] = {}
    if with_texts:
        # By the response's random key: the order says nothing about who or when.
        for question_id, text in db.session.execute(
            select(SurveyAnswer.question_id, SurveyAnswer.text)
            .where(SurveyAnswer.question_id.in_(ids), SurveyAnswer.choice == 0)
            .order_by(SurveyAnswer.response_id)
        ):
            texts.setdefault(question_id, []).append(text or "")
    found = []
    for question in survey.questions:
        total = answered.get(question.id, 0)
        result = QuestionResult(question=question, answered=total)
        if question.kind is QuestionKind.text:
            result.texts = texts.get(question.id, [])
        else:
            labels = (
                question.tr_lines("choices")
                if question.kind.has_choices
                else [str(value) for value in SCALE]
            )
            for number, label in enumerate(labels, start=1):
                count = counts.get((question.id, number), 0)
                result.bars.append(Bar(label, count, count / total if total else 0.0))
            if question.kind is QuestionKind.scale and total:
                result.mean = sum(bar.count * n for n, bar in enumerate(result.bars, 1)) / total
        found.append(result)
    return found


def export_rows(survey: Survey, lang: str) -> tuple[list[str], list[list]]:
    """The answers, one row per response in the order of their random keys: the
    response's key, its day, the resident's handle unless anonymous, then each question's
    answer in ``lang`` (several choices joined by " / ")."""

    questions = list(survey.questions)
    header = [str(_l("Response")), str(_l("Day"))]
    if not survey.anonymous:
        header.append(str(_l("Resident")))
    header += [question.tr("text", lang) for question in questions]
    responses = list(
        db.session.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.survey_id == survey.id)
            .order_by(SurveyResponse.id)
        )
    )
    handles = {}
    if not survey.anonymous:
        ids = {response.visitor_id for response in responses if response.visitor_id}
        if ids:
            handles = dict(
                db.session.execute(
                    select(Resident.visitor_id, Resident.handle).where(Resident.visitor_id.in_(ids))
                ).all()
            )
    rows = []
    for response in responses:
        by_question: dict[int, list[SurveyAnswer]] = {}
        for answer in response.answers:
            by_question.setdefault(answer.question_id, []).append(answer)
        row: list = [response.id[:12], response.answered_on.isoformat()]
        if not survey.anonymous:
            handle = handles.get(response.visitor_id)
            row.append(handle or "")  # no "@": a spreadsheet would take it for a formula
        for question in questions:
            answers = sorted(by_question.get(question.id, []), key=lambda a: a.choice)
            row.append(" / ".join(_answer_text(question, a, lang) for a in answers))
        rows.append(row)
    return header, rows


def _answer_text(question: SurveyQuestion, answer: SurveyAnswer, lang: str) -> str:
    if question.kind is QuestionKind.text:
        return answer.text or ""
    if question.kind is QuestionKind.scale:
        return str(answer.choice)
    choices = question.tr_lines("choices", lang)
    return choices[answer.choice - 1] if 1 <= answer.choice <= len(choices) else ""
