"""A forgotten password: a link e-mailed to the account's address sets a new one.

The same for the association's and merchants' accounts (``rally.auth``) and for visitors'
accounts (``rally.visitors``). The request that asks only queues a job with the typed
address; the job looks the account up and queues the mail, or does nothing. The link is
signed, works for :data:`RESET_LIFETIME` and once: it carries a stamp of the password hash
(:func:`password_stamp`), which the new password changes. The new password is written by
a conditional ``UPDATE``, so of two submissions of one link exactly one wins.
"""

import functools
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, flash, has_app_context, render_template, request
from flask_babel import force_locale
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms.validators import Length

from rally.extensions import db
from rally.i18n import _, _l, recipient_language
from rally.mail import Mail

RESET_LIFETIME = timedelta(hours=1)
MAX_PASSWORD_LENGTH = 200
# Links asked for one address: enough for a lost mail, too few to flood an inbox.
RESET_MAIL_LIMIT = "5 per hour"


def password_length(min_length: int) -> list[Length]:
    """The validators of a new password's length, each saying the limit it enforces."""
    return [
        Length(
            min=min_length,
            message=_l("The password must have at least %(min)d characters.", min=min_length),
        ),
        Length(
            max=MAX_PASSWORD_LENGTH,
            message=_l(
                "The password can have at most %(max)d characters.", max=MAX_PASSWORD_LENGTH
            ),
        ),
    ]


def _hash_method() -> str | None:
    """The method of new hashes: werkzeug's default (``None``), or under ``TESTING`` only,
    ``RALLY_TEST_PASSWORD_HASH`` (the suite's cheap one; never honoured in production)."""
    if has_app_context() and current_app.testing:
        return current_app.config.get("RALLY_TEST_PASSWORD_HASH") or None
    return None


def hash_password(password: str) -> str:
    """The stored hash of a new password (werkzeug's scrypt)."""
    method = _hash_method()
    if method is None:
        return generate_password_hash(password)
    return generate_password_hash(password, method)


@functools.cache
def _dummy_hash_of(method: str | None) -> str:
    return hash_password(secrets.token_urlsafe(16))


def _dummy_hash() -> str:
    """A hash of a random password, of the algorithm and cost new passwords get; made once."""
    return _dummy_hash_of(_hash_method())


def check_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``.

    Without a usable hash (an unknown address, an account without a password, an erased
    one) the password is checked against a dummy hash anyway and ``False`` returned: a
    log-in takes as long for an unknown address as for a known one, so its time does not
    tell who has an account.
    """
    if password_hash and password_hash.count("$") >= 2:
        return check_password_hash(password_hash, password)
    check_password_hash(_dummy_hash(), password)
    return False


def password_stamp(password_hash: str) -> str:
    """Changes with the password: what a reset link (or a staff log-in) was made for."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def reset_token(salt: str, account) -> str:
    return _serializer(salt).dumps({"u": account.id, "s": password_stamp(account.password_hash)})


def reset_mail(account, link: str) -> Mail:
    """The e-mail with the link, in the account's language (see :func:`recipient_language`:
    a staff account that never chose one gets the language of the page that asked)."""
    with force_locale(recipient_language(account.locale)):
        body = _(
            "Someone, probably you, asked to set a new password for your Rally account.\n\n"
            "Open this link to choose a new password (valid for one hour, once):\n"
            "%(link)s\n\n"
            "If you did not ask for this, you can ignore this message: your password stays "
            "as it is.",
            link=link,
        )
        subject = _("Set a new password")
    return Mail(account.email, subject, body)


def address_limit_key(prefix: str):
    """A rate-limit key of the address a forgotten-password form asks for."""
    return lambda: f"{prefix}:" + request.form.get("email", "").strip().lower()


def confirm_reset_asked(email: str) -> None:
    """End the request's transaction (which queued the job that looks the address up and
    mails the link, see ``ask_password_reset`` in ``rally.auth`` and ``rally.visitors``)
    and say the same whether the address has an account or not: the request did the same
    work either way, so neither its answer nor its time tells who has an account."""
    db.session.commit()
    flash(
        _(
            "If an account uses %(email)s, we have sent it a link to set a new password. "
            "The link works for one hour.",
            email=email.strip(),
        ),
        "success",
    )


def link_refused(error, forgot_url: str):
    """The page of a reset link that no longer works, with the way to ask for a new one."""
    return render_template(
        "passwords/link_refused.html", message=error.message, forgot_url=forgot_url
    ), error.status


def account_from_reset_token(model, salt: str, token: str, error_class):
    """The account of ``model`` a reset link names.

    :raise error_class: ``link_expired`` (410); ``invalid_link`` (404): altered, already
        used (the password changed since), or the account was closed.
    """
    invalid = error_class(
        _l("This link is not valid or has already been used. Please ask for a new one."),
        code="invalid_link",
        status=404,
    )
    try:
        data = _serializer(salt).loads(token, max_age=int(RESET_LIFETIME.total_seconds()))
    except SignatureExpired:
        raise error_class(
            _l("This link has expired. Please ask for a new one."),
            code="link_expired",
            status=410,
        ) from None
    except BadSignature:
        raise invalid from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise invalid
    account = db.session.get(model, data["u"])
    if (
        account is None
        or not getattr(account, "active", True)
        or password_stamp(account.password_hash) != data.get("s")
    ):
        raise invalid
    return account


def reset_password(model, salt: str, token: str, new: str, error_class):
    """Set the password of the account a reset link names; the link then stops working.

    :raise error_class: the codes of :func:`account_from_reset_token`.
    """
    account = account_from_reset_token(model, salt, token, error_class)
    if not replace_password(model, account, account.password_hash, new):
        raise error_class(
            _l("This link is not valid or has already been used. Please ask for a new one."),
            code="invalid_link",
            status=404,
        )
    return account


def replace_password(model, account, old_hash: str, new: str) -> bool:
    """Set ``account``'s password only if it is still ``old_hash`` (one conditional
    ``UPDATE``); whether this call did (``False``: it changed meanwhile)."""
    changed = db.session.execute(
        update(model)
        .where(model.id == account.id, model.password_hash == old_hash)
        .values(password_hash=hash_password(new))
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        return False
    db.session.refresh(account)
    return True
