"""The visitor's stamp card and the stamps it holds: an anonymous card behind a signed
cookie, its number for staff, and the one-time codes that move it to another phone."""

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.utils import MAX_INT, normalize_code, utcnow


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
    digits = "".join(ch for ch in normalize_code(number or "") if ch in "0123456789")
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


class Stamp(db.Model):
    """A stamp of a card at a checkpoint.

    ``(card_id, checkpoint_id, slot)`` is unique: with one stamp per checkpoint the slot is
    always 0, so a double scan is a no-op; repeat check-ins and purchases take the next slot,
    so two simultaneous grants cannot both take it.
    """

    __tablename__ = "stamp"
    __table_args__ = (
        UniqueConstraint("card_id", "checkpoint_id", "slot"),
        # Covering indexes for the dashboard's two scans (rally/dashboard/operations.py).
        Index("ix_stamp_dashboard_time", "campaign_id", "created_at", "checkpoint_id"),
        Index("ix_stamp_dashboard_card", "campaign_id", "card_id", "created_at", "locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own on card_id or campaign_id: the unique (card_id, checkpoint_id,
    # slot) and the dashboard's indexes begin with them, and every index is written again
    # by each stamp a scan adds.
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"))
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    # Denormalised so dashboards group a campaign's stamps without a join.
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The language the visitor browsed in when scanning (the dashboard's inbound measure).
    locale: Mapped[str | None] = mapped_column(String(8))
    slot: Mapped[int] = mapped_column(default=0, server_default="0")
    # Several stamps at once (a large purchase) and the points they are worth.
    count: Mapped[int] = mapped_column(default=1, server_default="1")
    points: Mapped[int] = mapped_column(default=1, server_default="1")
    # The further code scanned (None: the checkpoint's own code, a PIN, staff).
    code_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint_code.id"), index=True)
    # Staff who gave the stamp at the register or on a paper card.
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # A register's one-time purchase code, used once (unique).
    grant_nonce: Mapped[str | None] = mapped_column(String(32), unique=True)

    checkpoint: Mapped["Checkpoint"] = relationship()  # noqa: F821
