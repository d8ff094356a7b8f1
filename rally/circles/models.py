"""A circle (サークル) and its members: who reads, who joins, who moderates."""

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import Translated, _l
from rally.i18n.content import translated_column
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow


class CircleKind(TitledEnum):
    open = "open"
    members_only = "members_only"
    verified_only = "verified_only"

    @classmethod
    def _titles(cls):
        return {
            cls.open: _l("Open: anyone reads, members post"),
            cls.members_only: _l("Members only: a moderator approves who joins"),
            cls.verified_only: _l("Verified residents only"),
        }


class CircleStatus(TitledEnum):
    active = "active"
    pending = "pending"
    archived = "archived"

    @classmethod
    def _titles(cls):
        return {
            cls.active: _l("Active"),
            cls.pending: _l("Waiting for the association's approval"),
            cls.archived: _l("Archived"),
        }


class Circle(Translated, db.Model):
    __tablename__ = "circle"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[dict[str, str]] = translated_column()
    description: Mapped[dict[str, str]] = translated_column()
    # One emoji (or a few characters) shown beside the name.
    icon: Mapped[str] = mapped_column(String(16), default="")
    kind: Mapped[CircleKind] = mapped_column(
        Enum(CircleKind, native_enum=False, length=20, validate_strings=True)
    )
    status: Mapped[CircleStatus] = mapped_column(
        Enum(CircleStatus, native_enum=False, length=20, validate_strings=True), index=True
    )
    # Posting a photo asks the poster to confirm no child's face or name can be identified
    # (a child-raising circle such as 子育てひろば).
    asks_photo_confirmation: Mapped[bool] = mapped_column(default=False)
    # The resident who proposed it (None: created by the association).
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:
        return self.status is CircleStatus.active

    @property
    def is_members_only(self) -> bool:
        return self.kind is CircleKind.members_only


class MemberState(TitledEnum):
    requested = "requested"
    member = "member"

    @classmethod
    def _titles(cls):
        return {cls.requested: _l("Asked to join"), cls.member: _l("Member")}


class CircleMember(db.Model):
    """One row per circle and resident: a join request, then a membership.

    The unique constraint makes a second join a no-op; an approval is
    ``UPDATE ... WHERE state = 'requested'``, so approving twice approves once.
    """

    __tablename__ = "circle_member"
    __table_args__ = (UniqueConstraint("circle_id", "visitor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[MemberState] = mapped_column(
        Enum(MemberState, native_enum=False, length=20, validate_strings=True), index=True
    )
    # Named by the association: moderates this circle.
    is_moderator: Mapped[bool] = mapped_column(default=False)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    joined_at: Mapped[datetime | None]

    circle = relationship("Circle")
    visitor = relationship("Visitor")


class CircleStaff(db.Model):
    """A staff member (a back-office account: a merchant, say) the association named
    moderator of a circle."""

    __tablename__ = "circle_staff"
    __table_args__ = (UniqueConstraint("circle_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    named_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")
