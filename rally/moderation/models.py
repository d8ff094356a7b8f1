"""Reports of posts, hand-me-down listings and residents, and moderators' decisions (the
audit log)."""

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import _l
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow


class ReportReason(TitledEnum):
    spam = "spam"
    harassment = "harassment"
    off_topic = "off_topic"
    personal_data = "personal_data"
    other = "other"

    @classmethod
    def _titles(cls):
        return {
            cls.spam: _l("Spam or advertising"),
            cls.harassment: _l("Harassment or hate"),
            cls.off_topic: _l("Off-topic"),
            cls.personal_data: _l("Personal data or a child's data"),
            cls.other: _l("Something else"),
        }


class Report(db.Model):
    """One account's report of a post or of a resident: one per account and item (the
    unique constraints decide; NULLs never collide, so a post report and a resident report
    by the same account are both allowed)."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("reporter_id", "post_id"),
        UniqueConstraint("reporter_id", "subject_id"),
        UniqueConstraint("reporter_id", "listing_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    # Exactly one of post_id / subject_id / listing_id is set.
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), index=True
    )
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    # A hand-me-down listing (rally.handmedown).
    listing_id: Mapped[int | None] = mapped_column(
        ForeignKey("listing.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[ReportReason] = mapped_column(
        Enum(ReportReason, native_enum=False, length=20, validate_strings=True)
    )
    note: Mapped[str] = mapped_column(Text, default="")
    # Counts towards hiding at once: the reporter was verified or older than 30 days.
    trusted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]

    post = relationship("Post")
    listing = relationship("Listing")


class Decision(db.Model):
    """A moderation decision, as the audit log shows it: who, what, when, why.

    ``moderator_id`` (a resident moderator) or ``user_id`` (staff or an admin) says who;
    None for both is the site itself (hidden at once by reports). ``undone_at`` is set when
    its moderator (or an admin) undoes it.
    """

    __tablename__ = "moderation_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int | None] = mapped_column(
        ForeignKey("circle.id", ondelete="SET NULL"), index=True
    )
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="SET NULL"), index=True
    )
    # A hand-me-down listing the decision is about (its giver is ``subject_id``).
    listing_id: Mapped[int | None] = mapped_column(
        ForeignKey("listing.id", ondelete="SET NULL"), index=True
    )
    # The resident the decision is about (the post's author, or the one suspended).
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="SET NULL"), index=True
    )
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # "hide", "restore", "delete", "warn", "suspend", "ban", "auto_hide", "release", ...
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    # A suspension's end.
    until: Mapped[datetime | None]
    # The post's state and reason before the decision ("hidden:reports"), which undoing it
    # restores; empty for decisions about a resident.
    previous: Mapped[str] = mapped_column(String(40), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    undone_at: Mapped[datetime | None]
