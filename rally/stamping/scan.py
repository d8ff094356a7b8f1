"""A visitor's scan of a shop's code, from the token to the stamp: one entry point.

:func:`perform_scan` answers with what the view shows next: :class:`Stamped` (go to the card),
:class:`AskQuiz` (the landmark quiz first) or :class:`AskLocation` (the phone's position
first, in a campaign with a geofence), as pretix's ``perform_checkin`` raises
``RequiredQuestionsError`` for what it still needs. A refusal raises :class:`StampError`.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import request
from werkzeug.exceptions import BadRequest, MethodNotAllowed

from rally.campaigns.models import Checkpoint
from rally.cards.cookie import card_from_cookie, card_key_from_cookie
from rally.cards.reading import open_card

from .forms import LocateForm, QuizForm
from .operations import (
    StampError,
    check_geofence,
    check_quiz_answer,
    grant_stamp,
    holds_stamp_for_good,
    resolve_scan,
)
from .quickscan import quick_scan
from .signals import location_declined
from .tokens import SCAN_FORM_FIELD, posted_late_steps, scan_form_token


@dataclass(frozen=True)
class Stamped:
    """The stamp was given (``created``) or the card already held it."""

    campaign_id: int
    checkpoint_id: int
    created: bool
    card_key: str


@dataclass(frozen=True)
class AskQuiz:
    """The checkpoint's quiz must be answered first (again, after a wrong answer)."""

    checkpoint: Checkpoint
    form: QuizForm
    scan_form: str  # signed: a POST of this page may come late (:func:`.tokens.scan_form_token`)
    error: StampError | None = None
    status: int = 200


@dataclass(frozen=True)
class AskLocation:
    """The campaign compares the phone's position with the shop's: ask for it."""

    checkpoint: Checkpoint
    form: LocateForm
    answer: int | None  # the quiz answer already given, carried along
    scan_form: str


def perform_scan(
    token: str, now: datetime, locale: str, posted: bool
) -> Stamped | AskQuiz | AskLocation:
    """Give the stamp a scanned ``token`` names to the visitor's card (a new card if none).

    :param posted: the request continues a quiz or location form (a POST).
    :return: what the visitor sees next; the caller rolls back unless it is :class:`Stamped`.
    :raise StampError: any refusal (its ``code`` says why); a harmless repeat is a
        :class:`Stamped` with ``created=False``.
    """
    if not posted:
        # Most scans: a plain shop's one stamp, written as plain rows (None: full path).
        quick = quick_scan(token, card_key_from_cookie(), locale, now)
        if quick is not None:
            return Stamped(quick.campaign_id, quick.checkpoint_id, quick.created, quick.card_key)
    card_key = card_key_from_cookie()
    # A posted answer or location may come a few minutes after a tablet's code changed, if
    # it continues a page this code opened (a direct POST gets no more time than a scan).
    late_steps = (
        posted_late_steps(request.form.get(SCAN_FORM_FIELD), token, card_key, now) if posted else 1
    )
    scan_form = scan_form_token(token, card_key, now)
    target = resolve_scan(token, now, late_steps=late_steps)
    checkpoint = target.checkpoint
    fenced = bool(checkpoint.campaign.geofence_m)
    card = card_from_cookie()
    asks_quiz = checkpoint.has_quiz and not holds_stamp_for_good(card, checkpoint)
    if posted and not (fenced or asks_quiz):
        raise MethodNotAllowed()
    answer = None
    if asks_quiz:
        quiz = QuizForm(checkpoint)
        if not posted:
            return AskQuiz(checkpoint, quiz, scan_form)
        if not quiz.validate_on_submit():
            return AskQuiz(checkpoint, quiz, scan_form, status=422)
        try:
            check_quiz_answer(checkpoint, quiz.answer.data)
        except StampError as error:
            if error.code != "wrong_answer":
                raise
            return AskQuiz(checkpoint, quiz, scan_form, error=error, status=error.status)
        answer = quiz.answer.data
    position = None
    if fenced:
        form = LocateForm()
        if not posted or (asks_quiz and "latitude" not in request.form):
            return AskLocation(checkpoint, form, answer, scan_form)
        if not form.validate_on_submit():
            raise BadRequest()
        position = form.position()
        check_geofence(checkpoint, position)
    card = open_card(card, locale=locale)
    try:
        grant_stamp(card, checkpoint, now, code_id=target.code_id)
        created = True
    except StampError as error:
        if not error.is_repeat:
            raise
        created = False
    if created and fenced and position is None:
        location_declined.send(checkpoint, card_id=card.id, now=now)
    # Read before the commit: afterwards every attribute would be reloaded in a second
    # transaction (on SQLite, a second write lock).
    return Stamped(checkpoint.campaign_id, checkpoint.id, created, card.key)
