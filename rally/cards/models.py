from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.utils import utcnow


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
