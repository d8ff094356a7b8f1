"""The visitor's card cookie: a random card key, signed, HttpOnly, SameSite=Lax."""

from flask import current_app, g, redirect, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from rally.cards.models import Card
from rally.cards.reading import card_by_key
from rally.extensions import db
from rally.utils import signer

COOKIE_SALT = "rally.card.v1"


def _serializer() -> URLSafeSerializer:
    return signer(COOKIE_SALT)


def card_key_from_cookie() -> str | None:
    """The card key the visitor's cookie holds, if its signature is ours.

    Checked once per request (the rate limits and the view both ask).
    """
    key = g.get("rally_card_key", _UNREAD)
    if key is _UNREAD:
        key = g.rally_card_key = _verified_card_key()
    return key


_UNREAD = object()


def _verified_card_key() -> str | None:
    raw = request.cookies.get(current_app.config["RALLY_CARD_COOKIE"])
    if not raw:
        return None
    try:
        key = _serializer().loads(raw)
    except BadSignature:
        return None
    return key if isinstance(key, str) else None


def card_from_cookie() -> Card | None:
    """The card whose signed key the visitor's cookie holds, if any and still known."""
    return card_by_key(card_key_from_cookie())


def card_limit_key() -> str:
    """Rate-limit key of the visitor's card, else their address.

    Only a cookie whose signature is ours names a card: made-up cookies would each open a
    fresh bucket, so they count against the address.
    """
    key = card_key_from_cookie()
    return f"card:{key}" if key else f"addr:{request.remote_addr}"


def remember_card(response, card: Card):
    """Set the long-lived card cookie on ``response``."""
    return remember_card_key(response, card.key)


def remember_card_key(response, key: str):
    """Set the long-lived cookie of the card with ``key`` on ``response``.

    SameSite=Lax (not Strict) so the cookie is sent when the phone's camera app opens a
    stamp link, which is a top-level navigation from outside the site.
    """
    config = current_app.config
    response.set_cookie(
        config["RALLY_CARD_COOKIE"],
        _serializer().dumps(key),
        max_age=config["RALLY_CARD_COOKIE_MAX_AGE"],
        httponly=True,
        secure=config["RALLY_COOKIE_SECURE"],
        samesite="Lax",
    )
    return response


def show_stamp(campaign_id: int, checkpoint_id: int, created: bool, card_key: str):
    """Commit the stamp just given (or found) and send the visitor to their card, the place
    highlighted as a new stamp or as one the card already held; the card cookie is set.

    Every way of collecting (scan, PIN, purchase link) answers with this. ``card_key`` is
    read before the commit, which would otherwise reload the card in a second transaction.
    The commit comes first: on SQLite the write lock is held until then, and building the
    answer (URL, signed cookie) need not keep the other writers waiting.
    """
    if db.session.registry.has():  # (a new visitor's quick scan has committed on its own)
        session = db.session()
        if session.in_transaction() or session.new or session.dirty or session.deleted:
            session.commit()
    outcome = "new" if created else "again"
    args = {outcome: checkpoint_id}
    held = card_key_from_cookie()
    if held is not None and held != card_key:
        # The card this phone held is gone (moved to another phone, or its account's new
        # password took it back): this stamp started a new card, and the card page says so.
        args["moved"] = 1
    target = url_for("cardpage.card", campaign_id=campaign_id, **args)
    return remember_card_key(redirect(target, 303), card_key)
