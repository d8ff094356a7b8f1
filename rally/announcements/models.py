"""Announcements, residents' choices of how often they hear, and disaster mode."""

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rally.extensions import db
from rally.i18n import Translated, _l
from rally.i18n.content import translated_column
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow

# An urgent notice fits a phone's lock screen and an SMS-length glance.
URGENT_MAX = 110


class AnnouncementState(TitledEnum):
    draft = "draft"
    scheduled = "scheduled"
    sent = "sent"
    cancelled = "cancelled"

    @classmethod
    def _titles(cls):
        return {
            cls.draft: _l("Draft"),
            cls.scheduled: _l("Scheduled"),
            cls.sent: _l("Sent"),
            cls.cancelled: _l("Cancelled"),
        }


class Audience(TitledEnum):
    everyone = "everyone"
    circle = "circle"
    area = "area"
    verified = "verified"
    campaign = "campaign"

    @classmethod
    def _titles(cls):
        return {
            cls.everyone: _l("Everyone"),
            cls.circle: _l("The members of a circle"),
            cls.area: _l("The residents of an area"),
            cls.verified: _l("Verified residents"),
            cls.campaign: _l("The participants of a campaign"),
        }


class Frequency(TitledEnum):
    realtime = "realtime"
    daily = "daily"
    weekly = "weekly"
    none = "none"

    @classmethod
    def _titles(cls):
        return {
            cls.realtime: _l("Right away"),
            cls.daily: _l("Daily digest"),
            cls.weekly: _l("Weekly digest"),
            cls.none: _l("Never by e-mail"),
        }


def _enum(kind):
    return Enum(kind, native_enum=False, length=20, validate_strings=True)


class Announcement(Translated, db.Model):
    """What the association tells residents. ``audience`` with ``target_id`` (a circle's,
    an area's or a campaign's id) says who; ``publish_at`` when. It goes from draft or
    scheduled to sent once, by one conditional ``UPDATE`` (:func:`operations.claim_for_sending`)."""

    __tablename__ = "announcement"
    __table_args__ = (Index("ix_announcement_state_publish_at", "state", "publish_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[dict[str, str]] = translated_column()
    body: Mapped[dict[str, str]] = translated_column()
    audience: Mapped[Audience] = mapped_column(_enum(Audience), default=Audience.everyone)
    target_id: Mapped[int | None]
    urgent: Mapped[bool] = mapped_column(default=False)
    state: Mapped[AnnouncementState] = mapped_column(
        _enum(AnnouncementState), default=AnnouncementState.draft
    )
    publish_at: Mapped[datetime | None]
    # The in-app banner shows until then (or until the resident dismisses it).
    banner_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    recipients: Mapped[int] = mapped_column(default=0)
    # The fan-out (rally.announcements.sending), committed in chunks of residents by id:
    # the last resident done, until when the running job holds it (another job resumes
    # after that), and when every recipient was done.
    fanout_cursor: Mapped[int] = mapped_column(default=0, server_default="0")
    fanout_lease_until: Mapped[datetime | None]
    fanned_out_at: Mapped[datetime | None]
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def batch(self) -> str:
        """Its deliveries' batch in :mod:`rally.jobs` (figures per channel)."""
        return f"announcement:{self.id}"

    @property
    def editable(self) -> bool:
        return self.state in (AnnouncementState.draft, AnnouncementState.scheduled)


class NotificationChoice(db.Model):
    """How often a resident hears by e-mail: of announcements (``circle_id`` NULL) or of
    one circle. No row: the default (announcements right away, circles weekly)."""

    __tablename__ = "notification_choice"
    __table_args__ = (UniqueConstraint("visitor_id", "circle_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id", ondelete="CASCADE"))
    circle_id: Mapped[int | None] = mapped_column(
        ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    # circle_id, or 0 for announcements: a unique key that NULL would not make.
    circle_key: Mapped[int] = mapped_column(default=0)
    frequency: Mapped[Frequency] = mapped_column(_enum(Frequency))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DisasterMode(db.Model):
    """One row (id 1): on while ``ended_at`` is NULL and ``started_at`` set."""

    __tablename__ = "disaster_mode"

    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[dict[str, str]] = translated_column()
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=0)


class DisasterMessage(Translated):
    """The banner's text, read once and kept (no database row in a page's hands)."""

    def __init__(self, message: dict[str, str]):
        self.message = dict(message)
