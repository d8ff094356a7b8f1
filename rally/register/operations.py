"""Rules of the register page: purchase stamps within the campaign's rule, given by staff.

Two ways, both ending in :func:`rally.campaigns.operations.grant_stamp` with the staff
user: a one-time QR code the visitor scans (a signed token carrying the checkpoint, the
number of stamps, a random nonce and the staff user, valid five minutes; the nonce is
unique on the stamp, so a second scan is refused), or staff type the number of a card
(paper cards, visitors without a camera).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import format_currency
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rally.auth.models import User
from rally.campaigns.models import Campaign, Checkpoint
from rally.cards.models import Card, Stamp, card_id_from_number
from rally.cards.reading import open_card
from rally.extensions import db
from rally.i18n import _l
from rally.paper.operations import PaperCardError, card_from_token
from rally.stamping.operations import StampError, check_checkpoint_open, grant_stamp
from rally.utils import normalize_code

TOKEN_SALT = "rally.register.purchase.v1"
TOKEN_LIFETIME = timedelta(minutes=5)
MAX_TOKEN_LENGTH = 300
MAX_AMOUNT = 10_000_000


class RegisterError(StampError):
    """A purchase code or card number that cannot give stamps; ``code`` says why."""


@dataclass(frozen=True)
class PurchaseCode:
    """What a register's one-time QR code says."""

    checkpoint_id: int
    count: int
    nonce: str
    staff_id: int
    issued_at: datetime


@dataclass(frozen=True)
class Redeemed:
    card: Card
    checkpoint: Checkpoint
    created: bool


def may_use_register(user, checkpoint: Checkpoint) -> bool:
    """The association, or the merchant of the checkpoint's (approved) store."""
    if user.is_admin:
        return True
    store = checkpoint.store
    return store is not None and store.owner_id == user.id and store.is_approved


def stamp_limit(campaign: Campaign) -> int:
    """The most stamps one grant may give: the purchase rule's maximum, else one."""
    return (campaign.max_stamps_per_purchase or 1) if campaign.is_purchase else 1


def stamps_for_purchase(campaign: Campaign, amount: int | None, count: int | None) -> int:
    """The stamps a purchase earns: ``count`` when staff chose it, else from ``amount``.

    :param amount: the purchase in yen, when staff entered it.
    :param count: the number of stamps staff picked (``None`` or 0: from the amount).
    :raise RegisterError: ``amount_required`` (neither given), ``below_minimum`` (the
        amount earns no stamp), ``too_many_stamps`` (more than the rule's maximum).
    """
    if count:
        limit = stamp_limit(campaign)
        if not 1 <= count <= limit:
            raise RegisterError(
                _l("A purchase earns at most %(num)d stamps in this campaign.", num=limit),
                code="too_many_stamps",
            )
        return count
    if amount is None:
        raise RegisterError(
            _l("Enter the amount of the purchase or choose the number of stamps."),
            code="amount_required",
            status=422,
        )
    stamps = campaign.stamps_for_amount(amount)
    if stamps < 1:
        step = format_currency(campaign.yen_per_stamp or 0, "JPY")
        raise RegisterError(
            _l("A purchase below %(amount)s earns no stamp.", amount=step),
            code="below_minimum",
            status=422,
        )
    return stamps


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=TOKEN_SALT)


@dataclass(frozen=True)
class IssuedCode:
    """A purchase's one-time code as the register shows it."""

    url: str
    count: int


def issue_purchase_code(
    checkpoint: Checkpoint, amount: int | None, count: int | None, staff, now: datetime
) -> IssuedCode:
    """The one-time code of a purchase at ``checkpoint``'s register.

    :raise StampError: those of :func:`check_checkpoint_open` and
        :func:`stamps_for_purchase`.
    """
    check_checkpoint_open(checkpoint, now)
    count = stamps_for_purchase(checkpoint.campaign, amount, count)
    return IssuedCode(purchase_url(purchase_token(checkpoint, count, staff)), count)


def purchase_token(checkpoint: Checkpoint, count: int, staff) -> str:
    """A one-time code giving ``count`` stamps of ``checkpoint``, signed and time-stamped."""
    return _serializer().dumps([checkpoint.id, count, secrets.token_hex(16), staff.id])


def purchase_url(token: str) -> str:
    """The URL in the register's QR code: ``RALLY_BASE_URL/p/<token>``."""
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    return base + url_for("register.purchase", token=token)


def read_purchase_token(token: str, now: datetime) -> PurchaseCode:
    """Check a scanned register code's signature and age.

    :param now: the current time, naive UTC.
    :raise RegisterError: ``invalid_token`` (forged or damaged, no database access),
        ``token_expired`` (older than :data:`TOKEN_LIFETIME`).
    """
    invalid = RegisterError(
        _l("This QR code is not a valid Rally purchase code."), code="invalid_token", status=404
    )
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise invalid
    try:
        data, signed_at = _serializer().loads(token, return_timestamp=True)
    except BadSignature:
        raise invalid from None
    if not (
        isinstance(data, list)
        and len(data) == 4
        and all(isinstance(part, int) for part in (data[0], data[1], data[3]))
        and isinstance(data[2], str)
        and len(data[2]) == 32
    ):
        raise invalid
    issued_at = signed_at.replace(tzinfo=None)
    if now - issued_at > TOKEN_LIFETIME:
        raise RegisterError(
            _l("This purchase code has expired. Please ask the staff for a new one."),
            code="token_expired",
            status=410,
        )
    return PurchaseCode(data[0], data[1], data[2], data[3], issued_at)


def redeem_purchase(token: str, card: Card | None, now: datetime, locale: str | None) -> Redeemed:
    """Give the stamps of a scanned register code to the visitor's card (created if none).

    :param card: the card from the visitor's cookie, if any.
    :raise RegisterError: those of :func:`read_purchase_token`; ``code_used`` (scanned
        before, by this or another phone).
    :raise StampError: those of :func:`check_checkpoint_open` and :func:`grant_stamp`
        (``already_stamped`` in a visit campaign, ``too_many_stamps``).
    """
    code = read_purchase_token(token, now)
    checkpoint = db.session.get(Checkpoint, code.checkpoint_id)
    staff = db.session.get(User, code.staff_id)
    if checkpoint is None or staff is None or not may_use_register(staff, checkpoint):
        raise RegisterError(
            _l("This QR code is not a valid Rally purchase code."),
            code="invalid_token",
            status=404,
        )
    check_checkpoint_open(checkpoint, now)
    if db.session.scalar(select(Stamp.id).where(Stamp.grant_nonce == code.nonce)) is not None:
        raise _code_used()
    card = open_card(card, locale)
    try:
        # A new card's first stamp is flushed without a savepoint inside grant_stamp; this
        # one turns a nonce taken meanwhile by another phone into a refusal, not a 500.
        with db.session.begin_nested():
            grant_stamp(card, checkpoint, now, count=code.count, staff=staff, nonce=code.nonce)
    except IntegrityError:
        raise _code_used() from None
    except StampError as error:
        if not error.is_repeat:
            raise
        return Redeemed(card, checkpoint, created=False)
    return Redeemed(card, checkpoint, created=True)


def _code_used() -> RegisterError:
    return RegisterError(
        _l("This purchase code has already been used."), code="code_used", status=409
    )


def card_by_number(typed: str) -> Card:
    """The card staff typed or scanned: its number, or the link of a paper card's QR.

    :raise RegisterError: ``invalid_card_number`` (a wrong check digit: a typo),
        ``unknown_card``.
    """
    typed = normalize_code(typed or "").strip()
    if "/card/open/" in typed:
        token = typed.rsplit("/card/open/", 1)[1].split("?", 1)[0].strip("/")
        try:
            return card_from_token(token)
        except PaperCardError:
            raise RegisterError(
                _l("This is not the QR code of a Rally paper card."),
                code="unknown_card",
                status=404,
            ) from None
    card_id = card_id_from_number(typed)
    if card_id is None:
        raise RegisterError(
            _l("This card number is not right. Please check each digit."),
            code="invalid_card_number",
            status=422,
        )
    card = db.session.get(Card, card_id)
    if card is None:
        raise RegisterError(
            _l("There is no card with this number."), code="unknown_card", status=404
        )
    return card


def add_stamps(card: Card, checkpoint: Checkpoint, count: int, staff, now: datetime) -> Stamp:
    """Staff add ``count`` stamps of ``checkpoint`` to ``card`` (no phone needed).

    :raise StampError: those of :func:`check_checkpoint_open` and :func:`grant_stamp`
        (``already_stamped`` with one stamp per checkpoint, ``too_many_stamps``).
    """
    check_checkpoint_open(checkpoint, now)
    return grant_stamp(card, checkpoint, now, count=count, staff=staff)
