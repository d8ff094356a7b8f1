from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.utils import utcnow


class Lottery(db.Model):
    """Entries come from reaching ``tier``; the seed stays secret until the draw."""

    __tablename__ = "lottery"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("reward_tier.id"), unique=True)
    winners_count: Mapped[int]
    seed: Mapped[str] = mapped_column(String(64))
    commitment: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    drawn_at: Mapped[datetime | None]
    # SHA-256 of the sorted entry ids, fixed when the draw closes the entries.
    entries_digest: Mapped[str | None] = mapped_column(String(64))

    campaign = relationship("Campaign")
    tier = relationship("RewardTier")
    entries: Mapped[list["LotteryEntry"]] = relationship(
        back_populates="lottery", order_by="LotteryEntry.public_id"
    )

    @property
    def is_drawn(self) -> bool:
        return self.drawn_at is not None


class LotteryEntry(db.Model):
    """One entry per person (visitor account) and card in a lottery, per occurrence of its tier."""

    __tablename__ = "lottery_entry"
    __table_args__ = (
        UniqueConstraint("lottery_id", "visitor_id", "occurrence"),
        UniqueConstraint("lottery_id", "card_id", "occurrence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lottery_id: Mapped[int] = mapped_column(ForeignKey("lottery.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"), index=True)
    # A repeating tier gives one entry per multiple of its threshold.
    occurrence: Mapped[int] = mapped_column(default=1, server_default="1")
    # Published in the entry list: random, says nothing about the person.
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    won: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lottery: Mapped[Lottery] = relationship(back_populates="entries")
    visitor = relationship("Visitor")
