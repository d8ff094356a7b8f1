"""The digest e-mails' one-click unsubscribe (RFC 8058): a signed link, in the mail's
``List-Unsubscribe`` header and its text, that turns the resident's digests off.

The link does not expire (a mail client may POST it months later) but is revocable: it
carries a stamp of the address it was sent to, so it stops working once the account's
address changes (a mailbox given up, a mail forwarded to someone else) or the account is
erased. Turning digests off sets every line the resident hears of by digest (the daily
and weekly choices, and each circle they belong to, weekly by default) to "never by
e-mail", through the announcements room's choices, so the settings page shows it and
turns it back on; a line heard of right away is not a digest and stays.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from rally.announcements.choices import CIRCLES_DEFAULT, choices, choose
from rally.announcements.models import Frequency
from rally.circles.models import CircleMember, MemberState
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.visitors.models import Visitor

DIGEST_SALT = "digest-unsubscribe"
PURPOSE = "digest"
DIGESTS = (Frequency.daily, Frequency.weekly)


class DigestLinkError(RallyError):
    """An unsubscribe link that cannot be used; ``code`` says why."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=DIGEST_SALT)


def _address_stamp(email: str | None) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:16]


def digest_unsubscribe_token(visitor: Visitor) -> str:
    """The signed part of ``visitor``'s one-click link: their id, what it is for, and a
    stamp of their address now."""
    return _serializer().dumps([visitor.id, PURPOSE, _address_stamp(visitor.email)])


def _invalid() -> DigestLinkError:
    return DigestLinkError(
        _l("This unsubscribe link is not valid."), code="invalid_token", status=404
    )


def visitor_of_token(token: str) -> Visitor:
    """The account a link turns digests off for.

    :raise DigestLinkError: ``invalid_token`` (404): not signed by the site, made for
        something else, its account erased, or its address changed since.
    """
    try:
        visitor_id, purpose, stamp = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        raise _invalid() from None
    if not isinstance(visitor_id, int) or purpose != PURPOSE or not isinstance(stamp, str):
        raise _invalid()
    visitor = db.session.get(Visitor, visitor_id)
    if visitor is None or not visitor.email or _address_stamp(visitor.email) != stamp:
        raise _invalid()
    return visitor


def stop_digests(token: str) -> Visitor:
    """Turn off the digests of the link's resident (running it again changes nothing).

    :param token: from :func:`digest_unsubscribe_token`.
    :raise DigestLinkError: ``invalid_token`` (see :func:`visitor_of_token`).
    """
    visitor = visitor_of_token(token)
    kept = choices(visitor.id)
    member_of = db.session.scalars(
        select(CircleMember.circle_id).where(
            CircleMember.visitor_id == visitor.id, CircleMember.state == MemberState.member
        )
    )
    for circle_id in member_of:
        kept.setdefault(circle_id, CIRCLES_DEFAULT)  # weekly: a digest
    for circle_id, frequency in kept.items():
        if frequency in DIGESTS:
            choose(visitor.id, circle_id, Frequency.none)
    return visitor
