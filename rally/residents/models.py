"""A resident's public profile on a visitor account, and the codes that verify residents."""

from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import _l
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow


class Resident(db.Model):
    """What others see of a visitor account: never the e-mail address nor a real name.

    One row per account (its key is the account's). ``handle`` is stored in lower case, so
    the unique constraint makes handles unique whatever their case.
    """

    __tablename__ = "resident"

    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), primary_key=True
    )
    display_name: Mapped[str] = mapped_column(String(120), default="")
    handle: Mapped[str | None] = mapped_column(String(20), unique=True)
    photo_filename: Mapped[str | None] = mapped_column(String(80))
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="SET NULL"), index=True
    )
    # Verified by a code handed out at a store or the association's counter.
    resident_verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # Wrong codes typed on ``code_tries_on`` (the district's day): stored, so a limit holds
    # across workers and restarts.
    code_tries: Mapped[int] = mapped_column(default=0)
    code_tries_on: Mapped[date | None]
    # Set by moderators (rally.moderation): may not post or react until then, or ever.
    suspended_until: Mapped[datetime | None]
    banned_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    visitor = relationship("Visitor")
    area = relationship("Area")

    @property
    def is_verified_resident(self) -> bool:
        return self.resident_verified_at is not None

    @property
    def is_complete(self) -> bool:
        return bool(self.display_name) and bool(self.handle)


class ResidentCode(db.Model):
    """A one-time 6-digit code that verifies one resident. Only its HMAC is stored."""

    __tablename__ = "resident_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # None: the association's counter.
    store_id: Mapped[int | None] = mapped_column(
        ForeignKey("store.id", ondelete="SET NULL"), index=True
    )
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="SET NULL"), index=True
    )

    store = relationship("Store")
    issued_by = relationship("User")


class BlockKind(TitledEnum):
    # Their posts are collapsed for me; no notification comes from them.
    mute = "mute"
    # As mute, and they cannot mention me.
    block = "block"

    @classmethod
    def _titles(cls):
        return {cls.mute: _l("Muted"), cls.block: _l("Blocked")}


class ResidentBlock(db.Model):
    """One resident muting or blocking another (one row per pair)."""

    __tablename__ = "resident_block"
    __table_args__ = (UniqueConstraint("visitor_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    other_id: Mapped[int] = mapped_column(ForeignKey("visitor.id", ondelete="CASCADE"), index=True)
    kind: Mapped[BlockKind] = mapped_column(
        Enum(BlockKind, native_enum=False, length=10, validate_strings=True)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
