"""The visitor's stamp card: an anonymous card behind a signed cookie, its number for staff,
and the one-time codes that move it to another phone."""

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.utils import MAX_INT, utcnow


def new_card_key() -> str:
    return secrets.token_urlsafe(24)


class Card(db.Model):
    """An anonymous visitor's stamp card, identified by a random key in a signed cookie."""

    __tablename__ = "card"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True, default=new_card_key)
    locale: Mapped[str | None] = mapped_column(String(8))
    # True while a card created in this request holds no stamp (``open_card``; not stored).
    is_new = False
    # Printed by the association for visitors without a smartphone (staff add the stamps).
    paper: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The visitor account the card was saved to (rally/visitors), if any.
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitor.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def number(self) -> str:
        """What staff type to add stamps: the id and a check digit, so a typo is caught."""
        return card_number(self.id)

    @property
    def display_number(self) -> str:
        """:attr:`number` as people read it: ``000123-4``."""
        return format_card_number(self.number)


def card_number(card_id: int) -> str:
    digits = f"{card_id:06d}"
    return f"{digits}{_check_digit(digits)}"


def format_card_number(number: str) -> str:
    """``0001234`` as ``000123-4``: the check digit apart, easier to read aloud. Typed back
    either way (:func:`card_id_from_number` reads the digits only)."""
    return f"{number[:-1]}-{number[-1]}"


def card_id_from_number(number: str) -> int | None:
    """The card id a typed number names, or ``None`` when its check digit is wrong or it is
    longer than any card id can be."""
    digits = "".join(ch for ch in (number or "") if ch in "0123456789")
    if len(digits) < 2 or _check_digit(digits[:-1]) != int(digits[-1]):
        return None
    significant = digits[:-1].lstrip("0") or "0"
    if len(significant) > len(str(MAX_INT)) or int(significant) > MAX_INT:
        return None
    return int(significant)


def _check_digit(digits: str) -> int:
    """Luhn's check digit: catches any single wrong digit and most swapped neighbours."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


class CardTransfer(db.Model):
    """A one-time, short-lived code that moves a card to another phone."""

    __tablename__ = "card_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"), index=True)
    # SHA-256 of the code: a leaked database does not leak usable codes.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    card = relationship("Card")
