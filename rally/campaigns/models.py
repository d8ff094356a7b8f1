"""Campaigns, their checkpoints and reward tiers, and the visitors' cards and stamps."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.errors import StateError
from rally.extensions import db
from rally.i18n import Bilingual, _l
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow


class CampaignState(TitledEnum):
    draft = "draft"
    published = "published"
    ended = "ended"

    @classmethod
    def _titles(cls):
        return {
            cls.draft: _l("Draft"),
            cls.published: _l("Published"),
            cls.ended: _l("Ended"),
        }


class QrMode(TitledEnum):
    """Printed posters, or a code on the merchant's tablet that changes every 30 seconds."""

    static = "static"
    rotating = "rotating"

    @classmethod
    def _titles(cls):
        return {
            cls.static: _l("Printed poster (fixed code)"),
            cls.rotating: _l("Tablet at the counter (code changes every 30 seconds)"),
        }


class Campaign(Bilingual, db.Model):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_ja: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    rules_ja: Mapped[str] = mapped_column(Text, default="")
    rules_en: Mapped[str] = mapped_column(Text, default="")
    # Naive UTC; entered and shown in the district's time zone.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    state: Mapped[CampaignState] = mapped_column(
        Enum(CampaignState, native_enum=False, length=20, validate_strings=True),
        default=CampaignState.draft,
        index=True,
    )
    qr_mode: Mapped[QrMode] = mapped_column(
        Enum(QrMode, native_enum=False, length=20, validate_strings=True),
        default=QrMode.static,
        server_default=QrMode.static.value,
    )
    # Optional: a stamp needs the phone within this many metres of the shop (or a flag).
    geofence_m: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    checkpoints: Mapped[list["Checkpoint"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )
    tiers: Mapped[list["RewardTier"]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="RewardTier.stamps_required",
    )

    @property
    def last_moment(self) -> datetime:
        """The last instant of the campaign (``ends_at`` is exclusive), for display as a date."""
        return self.ends_at - timedelta(seconds=1)

    def is_running(self, now: datetime) -> bool:
        return self.state is CampaignState.published and self.starts_at <= now < self.ends_at

    def publish(self) -> None:
        if self.state is not CampaignState.draft:
            raise StateError(
                _l("Only a draft campaign can be published."), code="illegal_transition"
            )
        self.state = CampaignState.published

    def end(self) -> None:
        if self.state is not CampaignState.published:
            raise StateError(
                _l("Only a published campaign can be ended."), code="illegal_transition"
            )
        self.state = CampaignState.ended

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.state.value}>"


class Checkpoint(db.Model):
    """A place taking part in a campaign: a store, or a tourist spot (park, shrine, museum).

    Exactly one of ``store_id`` and ``spot_id`` is set. Bumping ``key_version`` revokes the
    checkpoint's printed QR code.
    """

    __tablename__ = "checkpoint"
    __table_args__ = (
        UniqueConstraint("campaign_id", "store_id"),
        UniqueConstraint("campaign_id", "spot_id"),
        CheckConstraint("(store_id IS NULL) <> (spot_id IS NULL)", name="one_place"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"), index=True)
    spot_id: Mapped[int | None] = mapped_column(ForeignKey("spot.id"), index=True)
    key_version: Mapped[int] = mapped_column(default=1)
    # An uploaded stamp design under <upload folder>/stamps (rally/designs); None: a hanko.
    stamp_image_filename: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="checkpoints")
    store = relationship("Store")
    spot = relationship("Spot")

    @property
    def place(self):
        """The store or spot: both have ``tr("name")``, ``tr("address")`` and coordinates."""
        return self.store if self.store_id is not None else self.spot

    @property
    def place_label(self) -> str:
        """The store's category or the spot's kind, translated."""
        return self.store.category.label if self.store_id is not None else self.spot.kind.label

    @property
    def is_open(self) -> bool:
        """An approved store, or a spot shown to the public."""
        return self.store.is_approved if self.store_id is not None else self.spot.published

    @property
    def owner_id(self) -> int | None:
        """The merchant who may print this checkpoint's poster (spots: the association only)."""
        return self.store.owner_id if self.store_id is not None else None

    def __repr__(self) -> str:
        place = f"store={self.store_id}" if self.store_id is not None else f"spot={self.spot_id}"
        return f"<Checkpoint {self.id} campaign={self.campaign_id} {place}>"


class RewardTier(Bilingual, db.Model):
    __tablename__ = "reward_tier"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    stamps_required: Mapped[int]
    name_ja: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    # None means unlimited.
    stock: Mapped[int | None]

    campaign: Mapped[Campaign] = relationship(back_populates="tiers")


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
    # The visitor account the card was saved to (rally/visitors), if any.
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitor.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Stamp(db.Model):
    """One stamp per card per checkpoint: the unique constraint makes a double scan a no-op."""

    __tablename__ = "stamp"
    __table_args__ = (
        UniqueConstraint("card_id", "checkpoint_id"),
        # Covering indexes for the dashboard's two scans (rally/dashboard/operations.py).
        Index("ix_stamp_dashboard_time", "campaign_id", "created_at", "checkpoint_id"),
        Index("ix_stamp_dashboard_card", "campaign_id", "card_id", "created_at", "locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"), index=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    # Denormalised so dashboards group a campaign's stamps without a join.
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The language the visitor browsed in when scanning (the dashboard's inbound measure).
    locale: Mapped[str | None] = mapped_column(String(8))

    checkpoint: Mapped[Checkpoint] = relationship()
