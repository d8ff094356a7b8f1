"""Accounts: the association's administrators and merchants."""

import hashlib
import hmac
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from rally.extensions import db
from rally.i18n import _l
from rally.i18n.enums import TitledEnum
from rally.passwords import check_password, hash_password, password_stamp
from rally.utils import utcnow


class Role(TitledEnum):
    admin = "admin"
    merchant = "merchant"

    @classmethod
    def _titles(cls):
        return {cls.admin: _l("Association administrator"), cls.merchant: _l("Merchant")}


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(256), default="")
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, validate_strings=True)
    )
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_authenticated(self) -> bool:
        # An account closed while its owner is logged in stops working at the next request.
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    @property
    def session_stamp(self) -> str:
        """Changes with the password: a log-in, or a reset link, made before a password
        change stops working (see :meth:`get_id` and :func:`load_session_user`)."""
        return password_stamp(self.password_hash)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the :attr:`session_stamp`."""
        return f"{self.id}.{self.session_stamp}"

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


def load_session_user(session_id: str) -> User | None:
    """The account a session's ``id.stamp`` names, if its password has not changed since."""
    user_id, _, stamp = session_id.partition(".")
    if not user_id.isdigit() or not stamp:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_stamp, stamp):
        return None
    return user


def hash_token(token: str) -> str:
    """The stored form of an invitation token: a leaked database reveals no usable link."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(db.Model):
    """A one-time, expiring link the association sends to a merchant.

    Only the SHA-256 of the token is stored; ``used_at`` is set once, by a conditional
    ``UPDATE ... WHERE used_at IS NULL`` (see :func:`rally.auth.operations.accept_invitation`).
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.email}>"
