"""A resident's notifications: what happened that concerns them."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from rally.extensions import db
from rally.utils import utcnow

# At most one unread reaction notification per resident, post and emoji: further reactions
# update it (latest actor, time) instead of adding rows. Reading it ends the group.
_ONE_UNREAD_REACTION = text("kind = 'reaction' AND read_at IS NULL")


# One announcement notification per resident: a fan-out retried or resumed after a crash
# never tells anyone twice.
_ANNOUNCEMENT = text("announcement_id IS NOT NULL")


class Notification(db.Model):
    """One thing to tell a resident. ``kind`` says what ("reply", "mention", "reaction",
    "join_request", "join_approved", "join_refused", "moderation", "moderation_undone",
    "seat_promoted", "life_correction", "idea", "listing_*", "announcement"); the other
    columns name what it is about, so the page words it in the reader's language when shown."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_visitor_read", "visitor_id", "read_at"),
        Index(
            "uq_notification_unread_reaction",
            "visitor_id",
            "post_id",
            "detail",
            unique=True,
            sqlite_where=_ONE_UNREAD_REACTION,
            postgresql_where=_ONE_UNREAD_REACTION,
        ),
        Index(
            "uq_notification_announcement_visitor",
            "announcement_id",
            "visitor_id",
            unique=True,
            sqlite_where=_ANNOUNCEMENT,
            postgresql_where=_ANNOUNCEMENT,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    # Who did it (None: the association or the site, or a moderator, who stays unnamed).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("visitor.id", ondelete="SET NULL"))
    circle_id: Mapped[int | None] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    # A hand-me-down listing ("listing_reserved", "listing_message", "listing_lapsed",
    # "listing_cancelled", or a moderation decision about it).
    listing_id: Mapped[int | None] = mapped_column(
        ForeignKey("listing.id", ondelete="CASCADE"), index=True
    )
    # An idea's change ("idea"; ``detail``: the change's id).
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea.id", ondelete="CASCADE"), index=True
    )
    # kind "announcement": the association's announcement (rally.announcements).
    announcement_id: Mapped[int | None] = mapped_column(
        ForeignKey("announcement.id", ondelete="CASCADE"), index=True
    )
    # A moderation decision's action or a reaction's emoji.
    detail: Mapped[str] = mapped_column(String(80), default="")
    # A moderation decision's reason, as its moderator wrote it (shown escaped).
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # For a grouped reaction: the time of the latest one.
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]
