"""A stamp: one visit (or purchase) of a card at a checkpoint."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.campaigns.models import Checkpoint
from rally.extensions import db
from rally.utils import utcnow


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

    checkpoint: Mapped[Checkpoint] = relationship()
