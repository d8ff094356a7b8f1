"""Checkpoint settings (points, landmark quiz) and a checkpoint's further codes.

Functions here change state and ``flush()``; the request commits once. A stamp keeps the
points it was given with (``Stamp.points``), so a checkpoint's points cannot change once
stamps were given there: cards would disagree with the rule shown to visitors.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from rally.access import may_manage
from rally.auth.models import User
from rally.campaigns.models import Checkpoint, CheckpointCode
from rally.cards.models import Stamp
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l

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
    quiz_question_ja: str = ""
    quiz_question_en: str = ""
    quiz_choices_ja: str = ""
    quiz_choices_en: str = ""
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

    Clearing the question and the choices in both languages removes the quiz.

    :param checkpoint: the checkpoint to change.
    :param data: the form's values; choices one per line.
    :raise CheckpointError: ``points_out_of_range``, ``points_have_stamps`` (stamps were
        given with the old points), ``quiz_incomplete`` (a question without choices, choices
        without a question, or no right answer), ``too_few_choices`` (fewer than two),
        ``choices_mismatch`` (a different number of choices in Japanese and English),
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
        checkpoint.quiz_question_ja = checkpoint.quiz_question_en = ""
        checkpoint.quiz_choices_ja = checkpoint.quiz_choices_en = ""
        checkpoint.quiz_answer = None
    else:
        (
            checkpoint.quiz_question_ja,
            checkpoint.quiz_question_en,
            checkpoint.quiz_choices_ja,
            checkpoint.quiz_choices_en,
            checkpoint.quiz_answer,
        ) = quiz
    db.session.flush()


def _checked_quiz(data: SettingsInput) -> tuple | None:
    """The quiz columns to store, or ``None`` when question and choices are all empty."""
    questions = {"ja": data.quiz_question_ja.strip(), "en": data.quiz_question_en.strip()}
    choices = {"ja": choice_lines(data.quiz_choices_ja), "en": choice_lines(data.quiz_choices_en)}
    if not any(questions.values()) and not any(choices.values()):
        return None
    for lang in ("ja", "en"):
        if bool(questions[lang]) != bool(choices[lang]):
            missing = "choices" if questions[lang] else "question"
            raise CheckpointError(
                _l("A quiz needs both the question and its choices in each language it uses."),
                code="quiz_incomplete",
                field=f"quiz_{missing}_{lang}",
            )
    for lang in ("ja", "en"):
        if choices[lang] and len(choices[lang]) < MIN_CHOICES:
            raise CheckpointError(
                _l("A quiz needs at least %(num)d choices, one per line.", num=MIN_CHOICES),
                code="too_few_choices",
                field=f"quiz_choices_{lang}",
            )
    if choices["ja"] and choices["en"] and len(choices["ja"]) != len(choices["en"]):
        raise CheckpointError(
            _l(
                "The Japanese and English choices must be the same number, in the same order "
                "(%(ja)d and %(en)d now).",
                ja=len(choices["ja"]),
                en=len(choices["en"]),
            ),
            code="choices_mismatch",
            field="quiz_choices_en",
        )
    if data.quiz_answer is None:
        raise CheckpointError(
            _l("Please give the number of the right answer."),
            code="quiz_incomplete",
            field="quiz_answer",
        )
    count = len(choices["ja"] or choices["en"])
    if not 1 <= data.quiz_answer <= count:
        raise CheckpointError(
            _l("The right answer must be a choice number from 1 to %(num)d.", num=count),
            code="answer_out_of_range",
            field="quiz_answer",
        )
    return (
        questions["ja"],
        questions["en"],
        "\n".join(choices["ja"]),
        "\n".join(choices["en"]),
        data.quiz_answer,
    )


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


def _check_label(label_ja: str, label_en: str) -> tuple[str, str]:
    label_ja, label_en = (label_ja or "").strip(), (label_en or "").strip()
    if not label_ja and not label_en:
        raise CheckpointError(
            _l("Please give the code a name (for example “Register 2” or “East entrance”)."),
            code="label_required",
            field="label_ja",
        )
    return label_ja, label_en


def add_code(checkpoint: Checkpoint, label_ja: str, label_en: str) -> CheckpointCode:
    """Add a further code to ``checkpoint`` (a second register, another entrance).

    :param label_ja: the code's name in Japanese (one of the two names may be empty).
    :param label_en: the code's name in English.
    :raise CheckpointError: ``label_required``.
    """
    label_ja, label_en = _check_label(label_ja, label_en)
    code = CheckpointCode(checkpoint=checkpoint, label_ja=label_ja, label_en=label_en)
    db.session.add(code)
    db.session.flush()
    return code


def rename_code(code: CheckpointCode, label_ja: str, label_en: str) -> None:
    """Change a code's names; printed codes keep working.

    :raise CheckpointError: ``label_required``.
    """
    code.label_ja, code.label_en = _check_label(label_ja, label_en)
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
