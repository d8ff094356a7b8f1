from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from rally.extensions import db
from rally.passwords import check_password, hash_password
from rally.utils import utcnow


class Visitor(db.Model):
    """A shopper's account. Kept apart from staff accounts: it can never open the back office."""

    __tablename__ = "visitor"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The latest visit, noted at most once an hour (rally.announcements): digests go to
    # those away a week, and stop after half a year.
    last_seen_at: Mapped[datetime | None]

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password(self.password_hash, password)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None
