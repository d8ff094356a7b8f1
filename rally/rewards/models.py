"""Claims of reward tiers and where they may be redeemed."""

from datetime import datetime

from sqlalchemy import Column, Enum, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import Translated, _l
from rally.i18n.content import translated_column
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow

# Stores whose merchants may hand out a campaign's rewards (the association always may).
redemption_counter = Table(
    "redemption_counter",
    db.metadata,
    Column("campaign_id", ForeignKey("campaign.id"), primary_key=True),
    Column("store_id", ForeignKey("store.id"), primary_key=True, index=True),
)


class ClaimKind(TitledEnum):
    """A reward claimed on the card (first come, from the stock), or a prize won in the
    tier's lottery. A tier that has both gives a card one of each per occurrence."""

    reward = "reward"
    lottery = "lottery"

    @classmethod
    def _titles(cls):
        return {cls.reward: _l("Reward"), cls.lottery: _l("Lottery prize")}


class Claim(Translated, db.Model):
    """A card's claim of a reward tier, with its one-time redemption code.

    One claim per card, tier, occurrence and kind (unique constraint: a repeating tier is
    claimed once at each multiple of its threshold; a lottery win is a claim of its own,
    made by the draw); ``redeemed_at`` is set once, by a conditional update, when staff
    hand the reward over. ``reward`` keeps the reward's name, in every language, as it was
    claimed: a tier renamed later does not change what the visitor was promised.
    """

    __tablename__ = "claim"
    __table_args__ = (UniqueConstraint("card_id", "tier_id", "occurrence", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"), index=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("reward_tier.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    occurrence: Mapped[int] = mapped_column(default=1, server_default="1")
    kind: Mapped[ClaimKind] = mapped_column(
        Enum(ClaimKind, native_enum=False, length=10, validate_strings=True),
        default=ClaimKind.reward,
        server_default=ClaimKind.reward.value,
    )
    code: Mapped[str] = mapped_column(String(16), unique=True)
    reward: Mapped[dict[str, str]] = translated_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    redeemed_at: Mapped[datetime | None] = mapped_column(index=True)
    redeemed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    redeemed_store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"), index=True)

    tier = relationship("RewardTier")
    campaign = relationship("Campaign")
    redeemed_by = relationship("User")
    redeemed_store = relationship("Store")

    def promise(self, tier) -> None:
        """Keep ``tier``'s name on the claim, in every language, as it reads now."""
        self.reward = dict(tier.name or {})

    def reward_name(self, lang: str | None = None) -> str:
        """The reward's name as claimed (the tier's own, for a claim made without one)."""
        return self.tr("reward", lang) or self.tier.tr("name", lang)

    @property
    def display_code(self) -> str:
        """``ABCD-EFGH``: two groups are easier to read out at a counter."""
        return f"{self.code[:4]}-{self.code[4:]}"
