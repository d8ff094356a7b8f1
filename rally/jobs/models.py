"""What the queue delivers: one row per message, whatever the channel."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rally.extensions import db
from rally.utils import utcnow


class DeliveryState(enum.StrEnum):
    queued = "queued"  # waiting for a worker, or for its next try after a temporary failure
    sent = "sent"
    failed = "failed"  # every try failed, or the failure was not temporary: shown to admins


class Delivery(db.Model):
    """One message to one recipient over one channel (``mail``; announcements add
    ``push`` and ``inapp``), made once per ``key``: the unique key is what keeps a message
    from being queued or sent twice, whoever asks again. ``batch`` names what it belongs to
    (``"announcement:12"``), so queued, sent and failed are counted per batch and channel by
    one ``GROUP BY`` on an index. ``payload`` is what the channel's sender needs (a mail's
    address, subject and body); it is cleared once sent, as it may hold a one-time link.
    """

    __tablename__ = "delivery"
    __table_args__ = (
        Index("ix_delivery_batch_channel_state", "batch", "channel", "state"),
        Index("ix_delivery_state_updated_at", "state", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    batch: Mapped[str | None] = mapped_column(String(100))
    # Named by string: visitor accounts sit above this room. Kept as NULL when the account
    # is erased, so the batch's figures stay whole.
    visitor_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[DeliveryState] = mapped_column(
        Enum(DeliveryState, native_enum=False, length=20, validate_strings=True),
        default=DeliveryState.queued,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict | None] = mapped_column(JSON)
    # A worker sending it holds it until then: another worker (a retry asked twice) waits.
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    @property
    def recipient(self) -> str:
        """Whom it is for, as the admins' list shows it (a mail's address)."""
        return str((self.payload or {}).get("to", ""))
