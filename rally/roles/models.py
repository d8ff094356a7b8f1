"""A role the association gives a resident for a span of days, and the log of its grants.

A role is active from ``starts_on`` to ``ends_on`` inclusive, days of the district's time
zone (``RALLY_TIMEZONE``), unless revoked: whether it is active is worked out from the dates
at each request, so the rights end by themselves (no job has to take them away).

The scope names rows of rooms above this one (``circle``, ``event``) by table name only:
the database keeps the reference whole; the pages that pick a scope live higher up.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import _l
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow

BADGE_MAX = 40


class RoleKind(TitledEnum):
    # The badge, and a moderator's rights in every circle that is not members-only.
    town_office_staff = "town_office_staff"
    # A moderator's rights in one circle.
    circle_moderator = "circle_moderator"
    # One event's (or every event's) registrations list and attendance code.
    event_helper = "event_helper"

    @classmethod
    def _titles(cls):
        return {
            cls.town_office_staff: _l("Online Town Office staff"),
            cls.circle_moderator: _l("Circle moderator"),
            cls.event_helper: _l("Event helper"),
        }


class StaffRole(db.Model):
    __tablename__ = "staff_role"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        # Who holds what on a day: a page's authors in one query.
        Index("ix_staff_role_holder", "visitor_id", "kind", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id", ondelete="CASCADE"))
    kind: Mapped[RoleKind] = mapped_column(
        Enum(RoleKind, native_enum=False, length=30, validate_strings=True)
    )
    # Shown next to the resident's name; empty: the kind's title in the reader's language.
    badge: Mapped[str] = mapped_column(String(BADGE_MAX), default="")
    # circle_moderator: the circle. event_helper: the event, or every event (all_events).
    circle_id: Mapped[int | None] = mapped_column(
        ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), index=True
    )
    all_events: Mapped[bool] = mapped_column(default=False)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    visitor = relationship("Visitor")
    granted_by = relationship("User")

    @property
    def badge_title(self) -> str:
        return self.badge or self.kind.label

    def is_active_on(self, day: date) -> bool:
        return self.revoked_at is None and self.starts_on <= day <= self.ends_on


class RoleAction(TitledEnum):
    granted = "granted"
    dates_changed = "dates_changed"
    revoked = "revoked"

    @classmethod
    def _titles(cls):
        return {
            cls.granted: _l("Granted"),
            cls.dates_changed: _l("Dates changed"),
            cls.revoked: _l("Revoked"),
        }


class RoleLog(db.Model):
    """The audit log: who granted, changed or revoked which role, when, and the dates.

    Kept when the role goes (its resident's account erased): ``role_id`` becomes NULL and
    the kind stays."""

    __tablename__ = "role_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_role.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[RoleAction] = mapped_column(
        Enum(RoleAction, native_enum=False, length=20, validate_strings=True)
    )
    kind: Mapped[RoleKind] = mapped_column(
        Enum(RoleKind, native_enum=False, length=30, validate_strings=True)
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The role's dates after the action, and before it (a change of dates).
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    previous_starts_on: Mapped[date | None]
    previous_ends_on: Mapped[date | None]

    role = relationship("StaffRole")
    user = relationship("User")
