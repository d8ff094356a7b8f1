"""What the association defines: campaigns, their checkpoints (and further codes) and reward
tiers, with the states and rules that belong to them."""

from datetime import datetime, timedelta

from sqlalchemy import (
    DDL,
    BigInteger,
    CheckConstraint,
    ColumnElement,
    Enum,
    ForeignKey,
    String,
    UniqueConstraint,
    case,
    event,
    literal_column,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.errors import StateError
from rally.extensions import db
from rally.i18n import Translated, _l
from rally.i18n.content import translated_column
from rally.i18n.enums import TitledEnum
from rally.spots.models import Spot
from rally.stores.models import Store, StoreStatus
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


class Campaign(Translated, db.Model):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[dict[str, str]] = translated_column()
    rules: Mapped[dict[str, str]] = translated_column()
    # Naive UTC; entered and shown in the district's time zone.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # Optional: rewards are claimed and handed over until this moment (exclusive, naive
    # UTC), on or after ``ends_at``; None: no deadline.
    claims_until: Mapped[datetime | None]
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

    @property
    def is_draft(self) -> bool:
        """Not shown to visitors yet: its card, landing page and rewards answer 404."""
        return self.state is CampaignState.draft

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

    def is_collecting(self, now: datetime) -> bool:
        """Published and not over: stamps may still be collected (from its start on)."""
        return self.state is CampaignState.published and not self.is_over(now)

    def is_over(self, now: datetime) -> bool:
        """No stamp can be collected any more: ended by the association, or past its end.
        (Also called as ``Campaign.is_over(row, now)`` on a row with ``state`` and
        ``ends_at``, as the quick scan reads them.)"""
        return self.state is CampaignState.ended or now >= self.ends_at

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


class Checkpoint(Translated, db.Model):
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
    # number in every language; ``quiz_answer`` is the 1-based line of the right one.
    quiz_question: Mapped[dict[str, str]] = translated_column()
    quiz_choices: Mapped[dict[str, str]] = translated_column()
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

    @hybrid_property
    def is_open(self) -> bool:
        """An approved store, or a spot shown to the public. In SQL, for a query that
        outer-joins the checkpoint's store and spot (:meth:`with_places`)."""
        return self.store.is_approved if self.store_id is not None else self.spot.published

    @is_open.inplace.expression
    @classmethod
    def _is_open_sql(cls) -> ColumnElement[bool]:
        # The stored enum name written into the SQL: the scan's driver-level statements
        # carry no hidden parameter (rally.database.DriverSQL).
        approved = literal_column(f"'{StoreStatus.approved.name}'")
        return case((cls.store_id.is_not(None), Store.status == approved), else_=Spot.published)

    @hybrid_property
    def latitude(self) -> float | None:
        """The place's coordinates (a store's or a spot's), in Python and in SQL."""
        return self.place.latitude

    @latitude.inplace.expression
    @classmethod
    def _latitude_sql(cls) -> ColumnElement[float]:
        return case((cls.store_id.is_not(None), Store.latitude), else_=Spot.latitude)

    @hybrid_property
    def longitude(self) -> float | None:
        return self.place.longitude

    @longitude.inplace.expression
    @classmethod
    def _longitude_sql(cls) -> ColumnElement[float]:
        return case((cls.store_id.is_not(None), Store.longitude), else_=Spot.longitude)

    @staticmethod
    def with_places(selectable):
        """``selectable`` (from the checkpoint table) outer-joined to its store and spot, as
        :attr:`is_open` and the coordinates read them in SQL."""
        return selectable.outerjoin(Store, Store.id == Checkpoint.store_id).outerjoin(
            Spot, Spot.id == Checkpoint.spot_id
        )

    @property
    def owner_id(self) -> int | None:
        """The merchant who may print this checkpoint's poster (spots: the association only)."""
        return self.store.owner_id if self.store_id is not None else None

    def __repr__(self) -> str:
        place = f"store={self.store_id}" if self.store_id is not None else f"spot={self.spot_id}"
        return f"<Checkpoint {self.id} campaign={self.campaign_id} {place}>"


class CheckpointCode(Translated, db.Model):
    """A further code of a checkpoint (a second register, another entrance).

    Printed and counted separately; a stamp from any code of a checkpoint is that
    checkpoint's stamp. Bumping ``key_version`` revokes this code only. Ids are never reused,
    as a :class:`Checkpoint`'s: the token names the id.
    """

    __tablename__ = "checkpoint_code"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    label: Mapped[dict[str, str]] = translated_column()
    key_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    checkpoint: Mapped[Checkpoint] = relationship(back_populates="codes")


class RewardTier(Translated, db.Model):
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
    name: Mapped[dict[str, str]] = translated_column()
    # None means unlimited.
    stock: Mapped[int | None]

    campaign: Mapped[Campaign] = relationship(back_populates="tiers")
    # The tier's lottery, if it has one (lottery.tier_id is unique); by name, read only:
    # the lottery room is above this one.
    lottery = relationship("Lottery", uselist=False, viewonly=True)


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
