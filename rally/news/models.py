"""What the association and the merchants publish: news, events and coupons.

Each item is scheduled: it shows from ``publish_at`` and, if set, until ``expires_at``
(both naive UTC). A news item or coupon with ``store_id`` belongs to that store's merchant;
news without a store is an announcement of the association.
"""

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import Translated, _l
from rally.i18n.content import translated_column
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow


class Scheduled:
    """``publish_at`` / ``expires_at`` columns and the query clause that respects them."""

    publish_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(index=True)

    def is_visible(self, now: datetime) -> bool:
        return self.publish_at <= now and (self.expires_at is None or now < self.expires_at)

    @classmethod
    def visible_clause(cls, now: datetime):
        return and_(cls.publish_at <= now, or_(cls.expires_at.is_(None), cls.expires_at > now))


class NewsPost(Scheduled, Translated, db.Model):
    __tablename__ = "news_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int | None] = mapped_column(
        ForeignKey("store.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[dict[str, str]] = translated_column()
    body: Mapped[dict[str, str]] = translated_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    store = relationship("Store")

    @property
    def is_announcement(self) -> bool:
        return self.store_id is None


class EventMode(TitledEnum):
    """Where an event happens: at its place, online (a link for registered residents), or both."""

    in_person = "in_person"
    online = "online"
    mixed = "mixed"

    @classmethod
    def _titles(cls):
        return {
            cls.in_person: _l("In person"),
            cls.online: _l("Online"),
            cls.mixed: _l("In person and online"),
        }


class Event(Scheduled, Translated, db.Model):
    """An association event: listed from ``publish_at`` until it ends (or ``expires_at``).

    With ``takes_registrations``, residents register (:mod:`rally.news.registrations`):
    ``capacity`` seats (``None``: no limit), of which ``held_seats`` are kept back by the
    association; registration closes at ``registration_closes_at`` (``None``: when the event
    starts). ``online_url`` is shown to registered residents only. ``attendance_key`` signs
    the venue's attendance QR codes: bumping it revokes every code shown so far. With a
    ``checkpoint_id``, attending also gives that checkpoint's stamp.
    """

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[dict[str, str]] = translated_column()
    # The title's reading in katakana (イベント名_カナ of the open data), "" when not given.
    title_kana: Mapped[str] = mapped_column(String(200), default="", server_default="")
    body: Mapped[dict[str, str]] = translated_column()
    place: Mapped[dict[str, str]] = translated_column()
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    mode: Mapped[EventMode] = mapped_column(
        Enum(EventMode, native_enum=False, length=20, validate_strings=True),
        default=EventMode.in_person,
        server_default=EventMode.in_person.value,
    )
    online_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    takes_registrations: Mapped[bool] = mapped_column(default=False, server_default="0")
    capacity: Mapped[int | None]
    held_seats: Mapped[int] = mapped_column(default=0, server_default="0")
    registration_closes_at: Mapped[datetime | None]
    attendance_key: Mapped[int] = mapped_column(default=1, server_default="1")
    # A checkpoint of a campaign (named by string: campaigns sit below, but the checkpoint
    # is theirs): attending gives its stamp.
    checkpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkpoint.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def is_online(self) -> bool:
        return self.mode in (EventMode.online, EventMode.mixed)

    @property
    def is_in_person(self) -> bool:
        return self.mode in (EventMode.in_person, EventMode.mixed)

    @property
    def open_seats(self) -> int | None:
        """Seats residents may take (capacity less the held seats); ``None``: no limit."""
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.held_seats)

    def closes_at(self) -> datetime:
        """When registration (and cancelling) ends."""
        return self.registration_closes_at or self.starts_at


class RegistrationStatus(TitledEnum):
    registered = "registered"
    waitlisted = "waitlisted"
    cancelled = "cancelled"

    @classmethod
    def _titles(cls):
        return {
            cls.registered: _l("Has a seat"),
            cls.waitlisted: _l("On the waiting list"),
            cls.cancelled: _l("Cancelled"),
        }


class EventRegistration(db.Model):
    """A resident's place at an event: one row per event and resident, whatever happens.

    ``queued_at`` orders the waiting list (the first waiting moves up when a seat frees);
    ``promoted_at`` says the resident moved up from it; ``reminded_at`` is set once, by the
    statement that claims the reminder; ``attended_at`` once, by the venue's QR code.
    """

    __tablename__ = "event_registration"
    __table_args__ = (
        UniqueConstraint("event_id", "visitor_id"),
        Index("ix_event_registration_queue", "event_id", "status", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    # Named by string: visitor accounts sit above this room.
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RegistrationStatus] = mapped_column(
        Enum(RegistrationStatus, native_enum=False, length=20, validate_strings=True)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    promoted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    attended_at: Mapped[datetime | None]

    event = relationship("Event")
    visitor = relationship("Visitor")


class Coupon(Scheduled, Translated, db.Model):
    __tablename__ = "coupon"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[dict[str, str]] = translated_column()
    terms: Mapped[dict[str, str]] = translated_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    store = relationship("Store")
