"""Campaigns, their checkpoints and reward tiers, and the visitors' cards and stamps."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import (
    DDL,
    BigInteger,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.errors import StateError
from rally.extensions import db
from rally.i18n import Bilingual, _l
from rally.i18n.enums import TitledEnum
from rally.utils import MAX_INT, normalize_code, utcnow


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


class CampaignKind(TitledEnum):
    """How stamps are earned: by visiting (scan the shop's code) or by buying (at the register)."""

    visit = "visit"
    purchase = "purchase"

    @classmethod
    def _titles(cls):
        return {
            cls.visit: _l("Visit: scan the code at the shop"),
            cls.purchase: _l("Purchase: staff give stamps at the register"),
        }


class Recheck(TitledEnum):
    """Whether a card may collect the same checkpoint again, and how often."""

    once = "once"
    daily = "daily"
    hours = "hours"

    @classmethod
    def _titles(cls):
        return {
            cls.once: _l("Once per checkpoint"),
            cls.daily: _l("Once per checkpoint per day"),
            cls.hours: _l("Again after a number of hours"),
        }


class TierBasis(TitledEnum):
    """What a reward tier counts."""

    stamps = "stamps"
    points = "points"
    areas = "areas"
    all_areas = "all_areas"

    @classmethod
    def _titles(cls):
        return {
            cls.stamps: _l("Stamps"),
            cls.points: _l("Points"),
            cls.areas: _l("Areas completed"),
            cls.all_areas: _l("Every area completed"),
        }


def _enum(enum_class, default):
    return mapped_column(
        Enum(enum_class, native_enum=False, length=20, validate_strings=True),
        default=default,
        server_default=default.value,
    )


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
    kind: Mapped[CampaignKind] = _enum(CampaignKind, CampaignKind.visit)
    # Purchase campaigns: one stamp per this many yen, at most this many per purchase.
    yen_per_stamp: Mapped[int | None]
    max_stamps_per_purchase: Mapped[int | None]
    recheck: Mapped[Recheck] = _enum(Recheck, Recheck.once)
    # With ``Recheck.hours``: the hours between two stamps of one checkpoint on one card.
    recheck_hours: Mapped[int | None]
    # An area counts as completed with this many stamps in it.
    stamps_per_area: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    checkpoints: Mapped[list["Checkpoint"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )
    tiers: Mapped[list["RewardTier"]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="RewardTier.threshold",
    )
    questions: Mapped[list["Question"]] = relationship(  # noqa: F821
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="Question.position",
    )

    @property
    def is_purchase(self) -> bool:
        return self.kind is CampaignKind.purchase

    def stamps_for_amount(self, yen: int) -> int:
        """Stamps a purchase of ``yen`` earns under the campaign's rule (0 below the step)."""
        if not self.yen_per_stamp:
            return 0
        return min(yen // self.yen_per_stamp, self.max_stamps_per_purchase or 1)

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


class Checkpoint(Bilingual, db.Model):
    """A place taking part in a campaign: a store, or a tourist spot (park, shrine, museum).

    Exactly one of ``store_id`` and ``spot_id`` is set. Bumping ``key_version`` revokes the
    checkpoint's printed QR code. Ids are never reused (``AUTOINCREMENT`` on SQLite): a
    signed token names the id, so a new row with a deleted one's id and key version 1 would
    make the deleted row's printed posters and PINs work again.
    """

    __tablename__ = "checkpoint"
    __table_args__ = (
        UniqueConstraint("campaign_id", "store_id"),
        UniqueConstraint("campaign_id", "spot_id"),
        CheckConstraint("(store_id IS NULL) <> (spot_id IS NULL)", name="one_place"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"), index=True)
    spot_id: Mapped[int | None] = mapped_column(ForeignKey("spot.id"), index=True)
    key_version: Mapped[int] = mapped_column(default=1)
    # What one stamp here is worth in point rallies.
    points: Mapped[int] = mapped_column(default=1, server_default="1")
    # Optional landmark quiz, answered before the stamp: choices one per line, the same
    # number in both languages; ``quiz_answer`` is the 1-based line of the right one.
    quiz_question_ja: Mapped[str] = mapped_column(Text, default="", server_default="")
    quiz_question_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    quiz_choices_ja: Mapped[str] = mapped_column(Text, default="", server_default="")
    quiz_choices_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    quiz_answer: Mapped[int | None]
    # An uploaded stamp design under <upload folder>/stamps (rally/designs); None: a hanko.
    stamp_image_filename: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="checkpoints")
    store = relationship("Store")
    spot = relationship("Spot")
    codes: Mapped[list["CheckpointCode"]] = relationship(
        back_populates="checkpoint", cascade="all, delete-orphan", order_by="CheckpointCode.id"
    )

    @property
    def has_quiz(self) -> bool:
        return self.quiz_answer is not None

    @property
    def area_id(self) -> int | None:
        return self.place.area_id

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


class CheckpointCode(Bilingual, db.Model):
    """A further code of a checkpoint (a second register, another entrance).

    Printed and counted separately; a stamp from any code of a checkpoint is that
    checkpoint's stamp. Bumping ``key_version`` revokes this code only. Ids are never reused,
    as a :class:`Checkpoint`'s: the token names the id.
    """

    __tablename__ = "checkpoint_code"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    label_ja: Mapped[str] = mapped_column(String(120), default="")
    label_en: Mapped[str] = mapped_column(String(120), default="")
    key_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    checkpoint: Mapped[Checkpoint] = relationship(back_populates="codes")


class RewardTier(Bilingual, db.Model):
    """A reward reached at ``threshold`` of ``basis`` (stamps, points or areas).

    A repeating tier is reached again at every multiple of its threshold ("every 7
    points, one lottery entry").
    """

    __tablename__ = "reward_tier"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    basis: Mapped[TierBasis] = _enum(TierBasis, TierBasis.stamps)
    threshold: Mapped[int]
    repeats: Mapped[bool] = mapped_column(default=False, server_default="0")
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


class ContentRevision(db.Model):
    """One counter, raised in the same transaction as any change to what a stamp card shows
    (campaigns, their checkpoints, tiers and lotteries, places, areas, questions): the card
    page's per-process copy of a campaign (:mod:`rally.campaigns.sheet`) is current while
    the counter has not moved. The single row is created with the table."""

    __tablename__ = "content_revision"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


event.listen(
    ContentRevision.__table__,
    "after_create",
    DDL("INSERT INTO content_revision (id, value) VALUES (1, 0)"),
)
