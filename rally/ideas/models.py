"""Residents' ideas for the town (まちづくりアイデア): categories the association defines, the
ideas, who supports and follows them, the association's answer, the result's timeline and
each idea's public history (:class:`IdeaChange`, the source of the feed and notifications).

An idea's comments are a thread (:class:`rally.threads.models.Post`) in the association's
open circle for ideas (:class:`IdeaBoard`): its first post is the idea itself, so reports,
moderation queues, search, held words and reply notifications work as in any circle.
"""

from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import Translated, _l
from rally.i18n.content import translated_column
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow


class IdeaState(TitledEnum):
    submitted = "submitted"
    evaluating = "evaluating"
    accepted = "accepted"
    not_adopted = "not_adopted"
    in_progress = "in_progress"
    done = "done"
    withdrawn = "withdrawn"

    @classmethod
    def _titles(cls):
        return {
            cls.submitted: _l("Submitted"),
            cls.evaluating: _l("Being evaluated"),
            cls.accepted: _l("Accepted"),
            cls.not_adopted: _l("Not adopted"),
            cls.in_progress: _l("In progress"),
            cls.done: _l("Done"),
            cls.withdrawn: _l("Withdrawn"),
        }


class IdeaCategory(Translated, db.Model):
    """A category the association defines (子育て, 交通, ...)."""

    __tablename__ = "idea_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[dict[str, str]] = translated_column()
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdeaBoard(db.Model):
    """The one open circle whose threads are the ideas' comments (made on first use; the
    primary key, always 1, makes it one whatever the concurrency)."""

    __tablename__ = "idea_board"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))

    circle = relationship("Circle")


class Idea(db.Model):
    """A resident's idea, in the language its author wrote it (``language``)."""

    __tablename__ = "idea"
    __table_args__ = (Index("ix_idea_state_area", "state", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once the author's account is deleted.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    # ``body`` rendered once by :func:`rally.ugc.text.render_post` when saved.
    html: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="ja")
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="SET NULL"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea_category.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[IdeaState] = mapped_column(
        Enum(IdeaState, native_enum=False, length=20, validate_strings=True),
        default=IdeaState.submitted,
    )
    # The comments' thread; its first post holds the idea's photos (see the module).
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="SET NULL"), unique=True
    )
    # The association's answer: a draft, and the text published (shown, and required to
    # accept or not adopt an idea).
    answer_draft: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answer_html: Mapped[str] = mapped_column(Text, default="")
    answer_published_at: Mapped[datetime | None]
    # The result of an accepted idea, 0-100.
    progress: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(index=True)

    author = relationship("Visitor")
    area = relationship("Area")
    category = relationship("IdeaCategory")
    thread = relationship("Post")
    updates = relationship(
        "IdeaUpdate",
        order_by="(IdeaUpdate.happened_on, IdeaUpdate.id)",
        cascade="all, delete-orphan",
        back_populates="idea",
    )

    @property
    def has_answer(self) -> bool:
        return self.answer_published_at is not None and bool(self.answer.strip())


class IdeaSupport(db.Model):
    """One resident supports one idea: the unique constraint decides, whatever the
    concurrency."""

    __tablename__ = "idea_support"
    __table_args__ = (UniqueConstraint("idea_id", "visitor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdeaFollow(db.Model):
    """A resident follows an idea: told of its changes without supporting it."""

    __tablename__ = "idea_follow"
    __table_args__ = (UniqueConstraint("idea_id", "visitor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdeaUpdate(Translated, db.Model):
    """One dated step of an accepted idea's result, maybe linked to the news item, event or
    campaign it became."""

    __tablename__ = "idea_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    happened_on: Mapped[date]
    text: Mapped[dict[str, str]] = translated_column()
    # The idea's progress after this step.
    progress: Mapped[int] = mapped_column(default=0)
    news_id: Mapped[int | None] = mapped_column(
        ForeignKey("news_post.id", ondelete="SET NULL"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    idea = relationship("Idea", back_populates="updates")
    news = relationship("NewsPost")
    event = relationship("Event")
    campaign = relationship("Campaign")


class ChangeKind(TitledEnum):
    state = "state"
    answer = "answer"
    progress = "progress"

    @classmethod
    def _titles(cls):
        return {
            cls.state: _l("State changed"),
            cls.answer: _l("Answer published"),
            cls.progress: _l("Progress update"),
        }


class IdeaChange(db.Model):
    """One entry of an idea's public history: a change of state, the answer published, a
    progress update. The Atom feed and the notifications are made from these."""

    __tablename__ = "idea_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(
        Enum(ChangeKind, native_enum=False, length=20, validate_strings=True)
    )
    from_state: Mapped[str] = mapped_column(String(20), default="")
    to_state: Mapped[str] = mapped_column(String(20), default="")
    progress: Mapped[int | None]
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea_update.id", ondelete="SET NULL"), index=True
    )
    # The resident who did it (the author withdrawing); None: the association.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("visitor.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    idea = relationship("Idea")
    update = relationship("IdeaUpdate")

    @property
    def new_state(self) -> IdeaState | None:
        return IdeaState(self.to_state) if self.to_state else None
