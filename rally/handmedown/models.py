"""The hand-me-down board (おゆずりします): children's things residents give away free of
charge, their photos, and the messages between a giver and the resident who reserved.
"""

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import _l
from rally.i18n.enums import TitledEnum
from rally.threads.models import PostState
from rally.utils import utcnow


class ListingCategory(TitledEnum):
    clothes = "clothes"
    stroller = "stroller"
    car_seat = "car_seat"
    baby_carrier = "baby_carrier"
    toys = "toys"
    books = "books"
    furniture = "furniture"
    bedding = "bedding"
    helmet = "helmet"
    other = "other"

    @classmethod
    def _titles(cls):
        return {
            cls.clothes: _l("Clothes"),
            cls.stroller: _l("Stroller"),
            cls.car_seat: _l("Car seat"),
            cls.baby_carrier: _l("Baby carrier"),
            cls.toys: _l("Toys"),
            cls.books: _l("Books"),
            cls.furniture: _l("Furniture"),
            cls.bedding: _l("Bedding or mattress"),
            cls.helmet: _l("Helmet"),
            cls.other: _l("Something else"),
        }

    @property
    def needs_safety_warning(self) -> bool:
        """Things that protect a child: a hidden crack or an old recall matters."""
        return self in SAFETY_CATEGORIES


SAFETY_CATEGORIES = frozenset(
    {ListingCategory.car_seat, ListingCategory.helmet, ListingCategory.bedding}
)


class ListingCondition(TitledEnum):
    new = "new"
    like_new = "like_new"
    used = "used"
    well_used = "well_used"

    @classmethod
    def _titles(cls):
        return {
            cls.new: _l("New"),
            cls.like_new: _l("Like new"),
            cls.used: _l("Used"),
            cls.well_used: _l("Well used"),
        }


class ListingState(TitledEnum):
    available = "available"
    # A resident reserved it; it returns to available when either side cancels, or after
    # RESERVATION_LAPSES_AFTER when the giver has not answered.
    reserved = "reserved"
    handed_over = "handed_over"
    # Taken back by its giver: shown to nobody else.
    withdrawn = "withdrawn"

    @classmethod
    def _titles(cls):
        return {
            cls.available: _l("Available"),
            cls.reserved: _l("Reserved"),
            cls.handed_over: _l("Handed over"),
            cls.withdrawn: _l("Withdrawn"),
        }


class Listing(db.Model):
    """One thing offered. ``state`` is where the hand-over stands; ``moderation_state`` is
    the moderators' side, as a post's (held by a listed word, hidden, deleted).

    The neighbourhood is one of the association's areas, never an address. ``html`` is
    ``description`` rendered once by :func:`rally.ugc.text.render_post`.
    """

    __tablename__ = "listing"
    __table_args__ = (
        Index("ix_listing_state_created", "state", "created_at"),
        Index("ix_listing_reserved", "state", "answered_at", "reserved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("visitor.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="ja")
    category: Mapped[ListingCategory] = mapped_column(
        Enum(ListingCategory, native_enum=False, length=20, validate_strings=True), index=True
    )
    condition: Mapped[ListingCondition] = mapped_column(
        Enum(ListingCondition, native_enum=False, length=20, validate_strings=True)
    )
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[ListingState] = mapped_column(
        Enum(ListingState, native_enum=False, length=20, validate_strings=True),
        default=ListingState.available,
    )
    moderation_state: Mapped[PostState] = mapped_column(
        Enum(PostState, native_enum=False, length=20, validate_strings=True),
        default=PostState.visible,
        index=True,
    )
    # Why it is held or hidden ("held_word", "reports", "moderator").
    moderation_reason: Mapped[str] = mapped_column(String(40), default="")
    reserver_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="SET NULL"), index=True
    )
    reserved_at: Mapped[datetime | None]
    # When the giver first answered this reservation (a message, a confirmation, a
    # hand-over point): from then on it no longer lapses.
    answered_at: Mapped[datetime | None]
    handed_over_at: Mapped[datetime | None]
    # A participating (approved) store chosen by the giver as the hand-over point.
    store_id: Mapped[int | None] = mapped_column(
        ForeignKey("store.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    giver = relationship("Visitor", foreign_keys=[giver_id])
    area = relationship("Area")
    store = relationship("Store")
    photos = relationship(
        "ListingPhoto",
        order_by="ListingPhoto.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    @property
    def needs_safety_warning(self) -> bool:
        return self.category.needs_safety_warning

    @property
    def is_visible(self) -> bool:
        return self.moderation_state is PostState.visible


class ListingPhoto(db.Model):
    """One photo of a listing: file names from :func:`rally.ugc.photos.save_ugc_photo`."""

    __tablename__ = "listing_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listing.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80), unique=True)
    thumbnail: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)


class ListingMessage(db.Model):
    """A message between a listing's giver and the resident who reserved it. Plain text,
    escaped when shown. ``reserver_id`` names the reservation's conversation: a later
    reserver never reads an earlier one's messages."""

    __tablename__ = "listing_message"
    __table_args__ = (Index("ix_listing_message_conversation", "listing_id", "reserver_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    reserver_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
