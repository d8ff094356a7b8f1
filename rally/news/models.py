"""What the association and the merchants publish: news, events and coupons.

Each item is scheduled: it shows from ``publish_at`` and, if set, until ``expires_at``
(both naive UTC). A news item or coupon with ``store_id`` belongs to that store's merchant;
news without a store is an announcement of the association.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import Translated
from rally.i18n.content import translated_column
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


class Event(Scheduled, Translated, db.Model):
    """An association event: listed from ``publish_at`` until it ends (or ``expires_at``)."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[dict[str, str]] = translated_column()
    body: Mapped[dict[str, str]] = translated_column()
    place: Mapped[dict[str, str]] = translated_column()
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


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
