"""Account rules."""

from sqlalchemy import func, select

from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l

from .models import Role, User


class AuthError(RallyError):
    status = 400


def authenticate(email: str, password: str) -> User:
    """Return the active account with this e-mail and password.

    :raise AuthError: ``bad_credentials``; the same message whether the address is unknown
        or the password wrong, so the form does not reveal who has an account.
    """
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active or not user.check_password(password):
        raise AuthError(_l("Wrong e-mail address or password."), code="bad_credentials")
    return user


def create_user(email: str, password: str, role: Role, name: str = "") -> User:
    """Create an account with a hashed password.

    :raise AuthError: ``email_taken``.
    """
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AuthError(
            _l("An account with this e-mail address already exists."), code="email_taken"
        )
    user = User(email=email, role=role, name=name)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
