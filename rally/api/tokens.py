"""API tokens: made, listed, revoked, and checked on every request that carries one.

A token is ``rly_`` and 32 random bytes (URL-safe base64); only its SHA-256 is stored, so
a leaked database does not leak tokens, and a token is shown once, when made. A personal
token belongs to a resident's account and reads that account's data (``me:read``); an app
token is issued by the association to one of its own apps and reads the public data
under its own rate limit (``public:read``). The API offers no writes.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from limits import parse
from sqlalchemy import select, update

from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.visitors.models import Visitor

from .models import ApiToken

PREFIX = "rly_"
#: What a resident may give a personal token: read their own data.
PERSONAL_SCOPES = {"me:read": _l("Read my profile, cards, claims and notifications")}
#: What the association may give an app token.
APP_SCOPES = {"public:read": _l("Read the public data under the token's own rate limit")}
MAX_PERSONAL_TOKENS = 10


class TokenError(RallyError):
    """A token that cannot be made, used or revoked; ``code`` says why."""


@dataclass
class TokenInput:
    name: str
    scopes: tuple[str, ...]
    rate_limit: str | None = None


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def _checked_name(name: str) -> str:
    name = " ".join((name or "").split())[:80]
    if not name:
        raise TokenError(_l("Please give the token a name."), code="name_required")
    return name


def _checked_scopes(scopes, allowed: dict) -> list[str]:
    chosen = [scope for scope in allowed if scope in set(scopes)]
    if not chosen or len(chosen) != len(set(scopes)):
        raise TokenError(_l("Please choose what the token may read."), code="invalid_scopes")
    return chosen


def create_personal_token(visitor, data: TokenInput) -> tuple[ApiToken, str]:
    """Make a personal token for ``visitor``; return it and its secret (shown once). An
    account holds at most :data:`MAX_PERSONAL_TOKENS` tokens not revoked.

    :raise TokenError: ``name_required``, ``invalid_scopes``, ``too_many_tokens``.
    """
    name = _checked_name(data.name)
    scopes = _checked_scopes(data.scopes, PERSONAL_SCOPES)
    # The account's row, for update: two creations at once count one after the other (on
    # SQLite a writing request holds the write lock already, rally/database.py).
    db.session.execute(select(Visitor.id).where(Visitor.id == visitor.id).with_for_update())
    active = db.session.scalars(
        select(ApiToken.id).where(ApiToken.visitor_id == visitor.id, ApiToken.revoked_at.is_(None))
    ).all()
    if len(active) >= MAX_PERSONAL_TOKENS:
        raise TokenError(
            _l("You have as many tokens as an account may have. Revoke one first."),
            code="too_many_tokens",
            status=409,
        )
    return _make(name=name, scopes=scopes, visitor_id=visitor.id)


def issue_app_token(user, data: TokenInput) -> tuple[ApiToken, str]:
    """Issue an app token (the association's own apps); return it and its secret.

    :param user: the admin issuing it.
    :raise TokenError: ``name_required``, ``invalid_scopes``, ``invalid_rate_limit``.
    """
    name = _checked_name(data.name)
    scopes = _checked_scopes(data.scopes, APP_SCOPES)
    rate_limit = (data.rate_limit or "").strip() or None
    if rate_limit is not None:
        try:
            parse(rate_limit)
        except ValueError:
            raise TokenError(
                _l("Please write the limit like “600 per minute”."), code="invalid_rate_limit"
            ) from None
    return _make(name=name, scopes=scopes, issued_by_id=user.id, rate_limit=rate_limit)


def _make(**values) -> tuple[ApiToken, str]:
    secret = _new_secret()
    token = ApiToken(prefix=secret[:10], token_hash=token_hash(secret), **values)
    db.session.add(token)
    db.session.flush()
    return token, secret


def personal_tokens(visitor) -> list[ApiToken]:
    """The resident's tokens not revoked, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.visitor_id == visitor.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def app_tokens() -> list[ApiToken]:
    """The app tokens not revoked, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.visitor_id.is_(None), ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def own_token(visitor, token_id: int) -> ApiToken | None:
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.visitor_id == visitor.id else None


def app_token(token_id: int) -> ApiToken | None:
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.visitor_id is None else None


def revoke(token: ApiToken, now: datetime) -> bool:
    """Revoke ``token`` for good (a conditional UPDATE: twice is once). Return whether this
    call revoked it."""
    done = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(token)
    return bool(done)


def authenticate(secret: str | None) -> ApiToken:
    """The active token whose secret this is.

    :raise TokenError: ``invalid_token`` (401) for a missing, unknown or revoked token.
    """
    token = None
    if secret and secret.startswith(PREFIX) and len(secret) < 100:
        token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    if token is None or not token.is_active:
        raise TokenError(
            _l("A valid API token is needed (Authorization: Bearer ...)."),
            code="invalid_token",
            status=401,
        )
    return token


def require_scope(token: ApiToken, scope: str) -> None:
    """:raise TokenError: ``insufficient_scope`` (403) when ``token`` lacks ``scope``."""
    if scope not in (token.scopes or []):
        raise TokenError(_l("This token may not read this."), code="insufficient_scope", status=403)


def forget_tokens_of(visitor) -> int:
    """Delete an account's personal tokens (its deletion)."""
    return db.session.execute(
        ApiToken.__table__.delete().where(ApiToken.visitor_id == visitor.id)
    ).rowcount
