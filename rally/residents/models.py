"""A resident's public profile on a visitor account, and the codes that verify residents."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
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
