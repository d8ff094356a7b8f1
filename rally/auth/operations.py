"""Account rules: log-in, invitations, passwords."""

import secrets
from datetime import datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from rally import passwords
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.mail import Mail

from .models import Invitation, Role, User, hash_token

INVITATION_LIFETIME = timedelta(days=7)
RESET_SALT = "rally.password-reset.v1"


class AuthError(RallyError):
    status = 400


def authenticate(email: str, password: str) -> User:
    """Return the active account with this e-mail and password.

    :raise AuthError: ``bad_credentials``; the same message whether the address is unknown
        or the password wrong, so the form does not reveal who has an account.
        ``account_inactive`` when the password is right but the association closed the
        account (only someone who knows the password learns that).
    """
    user = find_user(email)
    # An unknown address is checked against a dummy hash: as slow as a known one.
    password_ok = passwords.check_password(user.password_hash if user else None, password)
    if user is None or not password_ok:
        raise AuthError(_l("Wrong e-mail address or password."), code="bad_credentials")
    if not user.active:
        raise AuthError(
            _l("This account has been deactivated. Please contact the association."),
            code="account_inactive",
            status=403,
        )
    return user


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email: str, password: str, role: Role, name: str = "") -> User:
    """Create an account with a hashed password.

    :raise AuthError: ``email_taken``.
    """
    email = email.strip().lower()
    if find_user(email) is not None:
        raise AuthError(
            _l("An account with this e-mail address already exists."), code="email_taken"
        )
    user = User(email=email, role=role, name=name.strip())
    user.set_password(password)
    try:
        # A savepoint: if another request took the address meanwhile, only this insert
        # is undone and the visitor gets the form error instead of a 500.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise AuthError(
            _l("An account with this e-mail address already exists."), code="email_taken"
        ) from None
    return user


def create_invitation(email: str, invited_by: User, now: datetime) -> tuple[Invitation, str]:
    """Invite a merchant; return the invitation and its token (shown once, never stored).

    :param email: the merchant's address; the account will be created with it.
    :param invited_by: the administrator sending the invitation.
    :param now: naive UTC; the link expires :data:`INVITATION_LIFETIME` later.
    :raise AuthError: ``email_taken`` if an account already uses the address.
    """
    email = email.strip().lower()
    if find_user(email) is not None:
        raise AuthError(
            _l("An account with this e-mail address already exists."), code="email_taken"
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        token_hash=hash_token(token),
        invited_by_id=invited_by.id,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def find_invitation(token: str, now: datetime) -> Invitation:
    """Return the open invitation a link names.

    :raise AuthError: ``invalid_invitation`` (unknown or altered token, 404),
        ``invitation_used`` or ``invitation_expired`` (410).
    """
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None:
        raise AuthError(
            _l("This invitation link is not valid. Please check that you copied all of it."),
            code="invalid_invitation",
            status=404,
        )
    if invitation.used_at is not None:
        raise AuthError(
            _l("This invitation has already been used. Please log in instead."),
            code="invitation_used",
            status=410,
        )
    if invitation.is_expired(now):
        raise AuthError(
            _l("This invitation has expired. Please ask the association for a new one."),
            code="invitation_expired",
            status=410,
        )
    return invitation


def accept_invitation(token: str, name: str, password: str, now: datetime) -> User:
    """Create the invited merchant's account; the link works once.

    The invitation is claimed first, by a conditional ``UPDATE ... WHERE used_at IS NULL``:
    of two simultaneous submissions the database lets exactly one through, whatever Python
    saw before; the other waits for the row lock, then finds nothing left to claim.

    :raise AuthError: the codes of :func:`find_invitation`, ``email_taken``.
    """
    invitation = find_invitation(token, now)
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise AuthError(
            _l("This invitation has already been used. Please log in instead."),
            code="invitation_used",
            status=410,
        )
    user = create_user(invitation.email, password, Role.merchant, name)
    db.session.refresh(invitation)
    invitation.user_id = user.id
    db.session.flush()
    return user


def recent_invitations(limit: int = 50) -> list[Invitation]:
    return list(
        db.session.scalars(select(Invitation).order_by(Invitation.created_at.desc()).limit(limit))
    )


def change_password(user: User, current: str, new: str) -> None:
    """Change ``user``'s password; their other log-ins end (see ``User.session_stamp``).

    :raise AuthError: ``bad_credentials`` when ``current`` is not the password.
    """
    if not user.check_password(current):
        raise AuthError(_l("The current password is wrong."), code="bad_credentials")
    if not passwords.replace_password(User, user, user.password_hash, new):
        raise AuthError(
            _l("Your password was changed meanwhile. Please log in again."),
            code="password_changed",
            status=409,
        )


def reset_mail_for(email: str) -> Mail | None:
    """The reset e-mail for the active account with this address, or ``None``: the page
    answers the same either way, so it does not tell who has an account."""
    user = find_user(email)
    if user is None or not user.active:
        return None
    token = passwords.reset_token(RESET_SALT, user)
    link = current_app.config["RALLY_BASE_URL"].rstrip("/") + url_for(
        "auth.reset_password", token=token
    )
    return passwords.reset_mail(user, link)


def user_from_reset_token(token: str) -> User:
    """:raise AuthError: see :func:`rally.passwords.account_from_reset_token`."""
    return passwords.account_from_reset_token(User, RESET_SALT, token, AuthError)


def reset_password(token: str, new: str) -> User:
    """:raise AuthError: see :func:`rally.passwords.reset_password`."""
    return passwords.reset_password(User, RESET_SALT, token, new, AuthError)
