"""Account rules: log-in, invitations, self sign-up."""

import secrets
from datetime import datetime, timedelta

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _, _l
from rally.mail import Mail

from .models import Invitation, Role, User, hash_token

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=1)
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
    if user is None or not user.check_password(password):
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


def sign_up(email: str, name: str, password: str, store_data: dict) -> User:
    """A merchant registers themselves and their first store, which waits for approval.

    :param store_data: the first store's fields, see
        :func:`rally.stores.operations.register_store`.
    :raise AuthError: ``email_taken``.
    """
    from rally.stores.operations import register_store

    user = create_user(email, password, Role.merchant, name)
    register_store(user, store_data)
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change ``user``'s password; their other log-ins end (see ``User.session_stamp``).

    :raise AuthError: ``bad_credentials`` when ``current`` is not the password.
    """
    if not user.check_password(current):
        raise AuthError(_l("The current password is wrong."), code="bad_credentials")
    if not _replace_password(user, user.password_hash, new):
        raise AuthError(
            _l("Your password was changed meanwhile. Please log in again."),
            code="password_changed",
            status=409,
        )


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=RESET_SALT)


def reset_mail(user: User) -> Mail:
    """The e-mail with a link that sets a new password, in the language of the page that
    asked for it. The link works for :data:`RESET_LIFETIME`, once: it carries the account's
    ``session_stamp``, which the new password changes."""
    token = _reset_serializer().dumps({"u": user.id, "s": user.session_stamp})
    link = current_app.config["RALLY_BASE_URL"].rstrip("/") + url_for(
        "auth.reset_password", token=token
    )
    body = _(
        "Someone, probably you, asked to set a new password for your Rally account.\n\n"
        "Open this link to choose a new password (valid for one hour, once):\n"
        "%(link)s\n\n"
        "If you did not ask for this, you can ignore this message: your password stays "
        "as it is.",
        link=link,
    )
    return Mail(user.email, _("Set a new password"), body)


def reset_mail_for(email: str) -> Mail | None:
    """The reset e-mail for the active account with this address, or ``None``: the page
    answers the same either way, so it does not tell who has an account."""
    user = find_user(email)
    return reset_mail(user) if user is not None and user.active else None


def user_from_reset_token(token: str) -> User:
    """The account a reset link names.

    :raise AuthError: ``link_expired`` (410); ``invalid_link`` (404): altered, already used
        (the password changed since), or the account was closed.
    """
    invalid = AuthError(
        _l("This link is not valid or has already been used. Please ask for a new one."),
        code="invalid_link",
        status=404,
    )
    try:
        data = _reset_serializer().loads(token, max_age=int(RESET_LIFETIME.total_seconds()))
    except SignatureExpired:
        raise AuthError(
            _l("This link has expired. Please ask for a new one."),
            code="link_expired",
            status=410,
        ) from None
    except BadSignature:
        raise invalid from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise invalid
    user = db.session.get(User, data["u"])
    if user is None or not user.active or user.session_stamp != data.get("s"):
        raise invalid
    return user


def reset_password(token: str, new: str) -> User:
    """Set the password of the account a reset link names; the link then stops working.

    :raise AuthError: the codes of :func:`user_from_reset_token`.
    """
    user = user_from_reset_token(token)
    if not _replace_password(user, user.password_hash, new):
        raise AuthError(
            _l("This link is not valid or has already been used. Please ask for a new one."),
            code="invalid_link",
            status=404,
        )
    return user


def _replace_password(user: User, old_hash: str, new: str) -> bool:
    """Set the password only if it is still ``old_hash``, in one conditional ``UPDATE``: of
    two submissions of one reset link (or of a change and a reset) exactly one wins.

    :return: whether this one did (``False``: the password changed meanwhile).
    """
    new_hash = generate_password_hash(new)
    changed = db.session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash == old_hash)
        .values(password_hash=new_hash)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        return False
    db.session.refresh(user)
    return True
