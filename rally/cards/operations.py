"""Moving a card between phones. Cards are never merged: the visitor chooses."""

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from rally.cards.models import Card, Stamp, new_card_key
from rally.codes import new_redemption_code, normalise_code
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l

from .models import CardTransfer

TRANSFER_LIFETIME = timedelta(minutes=30)


class TransferError(RallyError):
    """A transfer code that cannot move a card; ``code`` says why."""


def _hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def start_transfer(card: Card, now: datetime) -> str:
    """Create a transfer code for ``card``; returns the code (only its hash is stored).

    Earlier unused codes of the card stop working: only the newest one counts.
    """
    db.session.execute(
        update(CardTransfer)
        .where(CardTransfer.card_id == card.id, CardTransfer.used_at.is_(None))
        .values(expires_at=now)
    )
    code = new_redemption_code()
    db.session.add(
        CardTransfer(
            card_id=card.id,
            code_hash=_hash(code),
            created_at=now,
            expires_at=now + TRANSFER_LIFETIME,
        )
    )
    db.session.flush()
    return code


def stamp_total(card: Card | None) -> int:
    """The stamps ``card`` holds in every campaign (a purchase row may hold several)."""
    if card is None:
        return 0
    return db.session.scalar(
        select(func.coalesce(func.sum(Stamp.count), 0)).where(Stamp.card_id == card.id)
    )


def find_transfer(code: str, now: datetime) -> CardTransfer:
    """:raise TransferError: ``invalid_transfer_code``, ``transfer_expired``."""
    transfer = db.session.scalar(select(CardTransfer).where(CardTransfer.code_hash == _hash(code)))
    if transfer is None or transfer.used_at is not None:
        raise TransferError(
            _l("This transfer code is not valid. Please create a new one on your other phone."),
            code="invalid_transfer_code",
            status=404,
        )
    if now >= transfer.expires_at:
        raise TransferError(
            _l("This transfer code has expired. Please create a new one on your other phone."),
            code="transfer_expired",
            status=410,
        )
    return transfer


def complete_transfer(
    code: str, current: Card | None, now: datetime, replace: bool = False
) -> Card:
    """Move the card behind ``code`` to this phone.

    The card gets a new key, so the old phone's cookie no longer opens it: the card is on
    one phone at a time (a paper card excepted: its printed QR code carries its key). The
    code is used up atomically (``UPDATE ... WHERE used_at IS NULL``), so two phones racing
    with one code cannot both take the card.

    :param current: the card this phone holds now, if any.
    :param replace: the visitor confirmed leaving this phone's own stamps behind.
    :raise TransferError: ``invalid_transfer_code``, ``transfer_expired``,
        ``would_replace_card`` (this phone holds stamps and ``replace`` is false).
    """
    transfer = find_transfer(code, now)
    if current is not None and current.id == transfer.card_id:
        return current
    if stamp_total(current) and not replace:
        raise TransferError(
            _l("This phone already has a card with stamps. Cards are not merged."),
            code="would_replace_card",
            status=409,
        )
    used = db.session.execute(
        update(CardTransfer)
        # Still unused and still valid when the row is locked: a code voided meanwhile
        # (a new code, a new password of the account) no longer moves the card.
        .where(
            CardTransfer.id == transfer.id,
            CardTransfer.used_at.is_(None),
            CardTransfer.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        raise TransferError(
            _l("This transfer code is not valid. Please create a new one on your other phone."),
            code="invalid_transfer_code",
            status=404,
        )
    card = db.session.get(Card, transfer.card_id)
    if not card.paper:
        card.key = new_card_key()
    # A printed paper card keeps its key: its QR code carries it, and opens the card on any
    # phone anyway (and the register's staff scan it).
    db.session.flush()
    return card
