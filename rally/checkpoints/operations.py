"""Checkpoint settings (points, landmark quiz) and a checkpoint's further codes.

Functions here change state and ``flush()``; the request commits once. A stamp keeps the
points it was given with (``Stamp.points``), so a checkpoint's points cannot change once
stamps were given there: cards would disagree with the rule shown to visitors.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from rally.access import may_manage
from rally.auth.models import User
from rally.campaigns.models import Checkpoint, CheckpointCode
from rally.cards.models import Stamp
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.i18n.content import clean_texts
from rally.i18n.languages import own_name, site_languages

MIN_POINTS, MAX_POINTS = 1, 100
MIN_CHOICES = 2


class CheckpointError(RallyError):
    """A refused change of a checkpoint or of one of its codes; ``code`` says why.

    ``field`` names the form field the message belongs to (``None``: the whole form).
    """

    def __init__(self, message, *, code: str, status: int | None = None, field=None):
        super().__init__(message, code=code, status=status)
        self.field = field


@dataclass(frozen=True)
class SettingsInput:
    """Validated form data of a checkpoint's settings page."""

    points: int
    quiz_question: dict[str, str] = field(default_factory=dict)
    quiz_choices: dict[str, str] = field(default_factory=dict)
    quiz_answer: int | None = None


def choice_lines(text: str | None) -> list[str]:
    """The choices of a textarea: one per non-blank line, trimmed (as ``tr_lines`` reads them)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def stamps_at(checkpoint: Checkpoint) -> int:
    """Number of stamps given at ``checkpoint`` (all its codes, PINs and staff grants)."""
    return db.session.scalar(
        select(func.count()).select_from(Stamp).where(Stamp.checkpoint_id == checkpoint.id)
    )


def update_settings(checkpoint: Checkpoint, data: SettingsInput) -> None:
    """Save a checkpoint's points and quiz; nothing is changed when a rule refuses.

    Clearing the question and the choices in every language removes the quiz.

    :param checkpoint: the checkpoint to change.
    :param data: the form's values; choices one per line.
    :raise CheckpointError: ``points_out_of_range``, ``points_have_stamps`` (stamps were
        given with the old points), ``quiz_incomplete`` (a question without choices, choices
        without a question, or no right answer), ``too_few_choices`` (fewer than two),
        ``choices_mismatch`` (a different number of choices in two languages),
        ``answer_out_of_range``.
    """
    if not MIN_POINTS <= data.points <= MAX_POINTS:
        raise CheckpointError(
            _l("Points must be between %(low)d and %(high)d.", low=MIN_POINTS, high=MAX_POINTS),
            code="points_out_of_range",
            field="points",
        )
    if data.points != checkpoint.points and stamps_at(checkpoint):
        raise CheckpointError(
            _l(
                "Stamps were already given here with %(points)d points each; "
                "the points can no longer change.",
                points=checkpoint.points,
            ),
            code="points_have_stamps",
            status=409,
            field="points",
        )
    quiz = _checked_quiz(data)
    checkpoint.points = data.points
    if quiz is None:
        checkpoint.quiz_question = {}
        checkpoint.quiz_choices = {}
        checkpoint.quiz_answer = None
    else:
        checkpoint.quiz_question, checkpoint.quiz_choices, checkpoint.quiz_answer = quiz
    db.session.flush()


def _checked_quiz(data: SettingsInput) -> tuple | None:
    """The quiz columns to store, or ``None`` when question and choices are all empty."""
    questions = clean_texts(data.quiz_question)
    choices = {code: choice_lines(text) for code, text in clean_texts(data.quiz_choices).items()}
    choices = {code: lines for code, lines in choices.items() if lines}
    if not questions and not choices:
        return None
    for lang in sorted(set(questions) | set(choices), key=_language_order):
        if (lang in questions) != (lang in choices):
            missing = "choices" if lang in questions else "question"
            raise CheckpointError(
                _l("A quiz needs both the question and its choices in each language it uses."),
                code="quiz_incomplete",
                field=f"quiz_{missing}",
            )
    ordered = sorted(choices, key=_language_order)
    for lang in ordered:
        if len(choices[lang]) < MIN_CHOICES:
            raise CheckpointError(
                _l("A quiz needs at least %(num)d choices, one per line.", num=MIN_CHOICES),
                code="too_few_choices",
                field="quiz_choices",
            )
    first = ordered[0]
    for lang in ordered[1:]:
        if len(choices[lang]) != len(choices[first]):
            raise CheckpointError(
                _l(
                    "The choices must be the same number in every language, in the same order "
                    "(%(first)s: %(first_count)d, %(other)s: %(other_count)d now).",
                    first=own_name(first),
                    first_count=len(choices[first]),
                    other=own_name(lang),
                    other_count=len(choices[lang]),
                ),
                code="choices_mismatch",
                field="quiz_choices",
            )
    if data.quiz_answer is None:
        raise CheckpointError(
            _l("Please give the number of the right answer."),
            code="quiz_incomplete",
            field="quiz_answer",
        )
    count = len(choices[first])
    if not 1 <= data.quiz_answer <= count:
        raise CheckpointError(
            _l("The right answer must be a choice number from 1 to %(num)d.", num=count),
            code="answer_out_of_range",
            field="quiz_answer",
        )
    return (
        questions,
        {lang: "\n".join(lines) for lang, lines in choices.items()},
        data.quiz_answer,
    )


def _language_order(code: str) -> int:
    """Languages in the site's order (a message names the first of them)."""
    languages = site_languages()
    return languages.index(code) if code in languages else len(languages)


# --- Further codes ------------------------------------------------------------------------


def may_view_codes(checkpoint: Checkpoint, user: User) -> bool:
    """The association, and the merchant of the checkpoint's store (to print its codes)."""
    return may_manage(user, checkpoint)


def code_stamp_counts(checkpoint: Checkpoint) -> dict[int | None, int]:
    """Stamps per code id of ``checkpoint``; ``None`` counts its own code, PINs and staff."""
    return dict(
        db.session.execute(
            select(Stamp.code_id, func.count())
            .where(Stamp.checkpoint_id == checkpoint.id)
            .group_by(Stamp.code_id)
        ).all()
    )


def _check_label(label: dict[str, str]) -> dict[str, str]:
    label = clean_texts(label)
    if not label:
        raise CheckpointError(
            _l("Please give the code a name (for example “Register 2” or “East entrance”)."),
            code="label_required",
            field="label",
        )
    return label


def add_code(checkpoint: Checkpoint, label: dict[str, str]) -> CheckpointCode:
    """Add a further code to ``checkpoint`` (a second register, another entrance).

    :param label: the code's name, ``{language: text}`` (one language is enough).
    :raise CheckpointError: ``label_required``.
    """
    code = CheckpointCode(checkpoint=checkpoint, label=_check_label(label))
    db.session.add(code)
    db.session.flush()
    return code


def rename_code(code: CheckpointCode, label: dict[str, str]) -> None:
    """Change a code's names; printed codes keep working.

    :raise CheckpointError: ``label_required``.
    """
    code.label = _check_label(label)
    db.session.flush()


def replace_code(code: CheckpointCode) -> None:
    """Revoke ``code``'s printed QR (a leaked photo): its new QR must be printed.

    The checkpoint's own code and its other codes keep working.
    """
    code.key_version += 1
    db.session.flush()


def delete_code(code: CheckpointCode) -> None:
    """Remove a code that no stamp came through; its printed QR stops working.

    :raise CheckpointError: ``code_has_stamps`` (stamps record the code they came through;
        replace the code instead to stop it).
    """
    used = db.session.scalar(select(Stamp.id).where(Stamp.code_id == code.id).limit(1))
    if used is not None:
        raise CheckpointError(
            _l(
                "Stamps were collected with this code, so it cannot be deleted. "
                "Replace it instead to stop the printed code."
            ),
            code="code_has_stamps",
            status=409,
        )
    code.checkpoint.codes.remove(code)
    db.session.delete(code)
    db.session.flush()
