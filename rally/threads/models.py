"""A circle's threads: posts (a thread's first post and its replies, one level as in Slack
threads), their photos and earlier texts, reactions, pins, and how far a resident has read.
"""

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import _l
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow

#: The reactions a resident may give, in the order they are shown.
REACTIONS = ("👍", "❤️", "😄", "🙏", "🎉", "👀")


class PostState(TitledEnum):
    visible = "visible"
    # Waiting for a moderator: a word the association lists, or a new account's limits.
    held = "held"
    # Hidden by a moderator, or at once by reports of 3 distinct accounts, pending review.
    hidden = "hidden"
    # Deleted by its author or a moderator: a tombstone keeps the thread readable.
    deleted = "deleted"

    @classmethod
    def _titles(cls):
        return {
            cls.visible: _l("Visible"),
            cls.held: _l("Held for review"),
            cls.hidden: _l("Hidden from readers"),
            cls.deleted: _l("Deleted"),
        }


class Post(db.Model):
    """A thread's first post (``thread_id`` None) or a reply in a thread.

    ``html`` is ``text`` rendered once by :func:`rally.ugc.text.render_post` when the text is
    saved, so a page of 200 replies renders no Markdown.
    """

    __tablename__ = "post"
    __table_args__ = (
        Index("ix_post_circle_thread_created", "circle_id", "thread_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    # None: this post starts a thread.
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), index=True
    )
    # None once the author's account is deleted.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    # The site language the author wrote in (a Babel code such as "ja").
    language: Mapped[str] = mapped_column(String(8), default="ja")
    state: Mapped[PostState] = mapped_column(
        Enum(PostState, native_enum=False, length=20, validate_strings=True),
        default=PostState.visible,
        index=True,
    )
    # Why it is held or hidden (a code such as "held_word", "reports", "moderator").
    state_reason: Mapped[str] = mapped_column(String(40), default="")
    # The poster confirmed that no child's face or name can be identified in the photos.
    photos_confirmed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # A thread's first post: its replies' count and the time of the last one (listing).
    reply_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    circle = relationship("Circle")
    author = relationship("Visitor")
    photos = relationship(
        "PostPhoto", order_by="PostPhoto.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_thread(self) -> bool:
        return self.thread_id is None

    @property
    def is_visible(self) -> bool:
        return self.state is PostState.visible


class PostPhoto(db.Model):
    """One photo of a post: file names from :func:`rally.ugc.photos.save_ugc_photo`."""

    __tablename__ = "post_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    thumbnail: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)


class PostRevision(db.Model):
    """A post's text before an edit: kept for moderators."""

    __tablename__ = "post_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    # When this text was replaced.
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reaction(db.Model):
    """One resident's reaction with one emoji to one post. The unique constraint decides,
    whatever the concurrency: a count is a ``count(*)`` of these rows."""

    __tablename__ = "reaction"
    __table_args__ = (UniqueConstraint("post_id", "visitor_id", "emoji"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    emoji: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Pin(db.Model):
    """A thread pinned at the top of its circle (at most 3 per circle), maybe until a time."""

    __tablename__ = "pin"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), unique=True)
    pinned_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None: pinned until unpinned.
    until: Mapped[datetime | None]

    post = relationship("Post")


class ReadMark(db.Model):
    """How far a resident has read a thread: the last post id they were shown."""

    __tablename__ = "read_mark"
    __table_args__ = (UniqueConstraint("visitor_id", "thread_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    last_post_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
