"""Subscribing a device, removing it, and sending one encrypted message to it.

Sending is protocol work done by pywebpush: the payload is encrypted for the browser's keys
with ``aes128gcm`` (RFC 8188 / RFC 8291) and the request signed with the site's VAPID key
(RFC 8292). :func:`send_push` is what a job calls, once per subscription; it answers what
happened and leaves retrying to the caller.

Endpoints and SSRF: the endpoint is a URL the browser hands us and the server later POSTs
to, so a forged subscription could aim the server at the local network. An allow-list of
push services' hosts would break each time a browser maker adds one, so instead an
endpoint must be ``https`` on port 443, name a host (no IP literal, no ``localhost`` or
single-label name), and, when sending, every address the name resolves to must be a public
one; redirects are never followed. ``RALLY_PUSH_ALLOW_LOCAL_ENDPOINTS`` (tests only) lifts
these checks so a local test push service can answer.
"""

import ipaddress
import json
import logging
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from flask import current_app
from py_vapid import Vapid
from py_vapid.utils import b64urldecode
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, func, or_, select, update

from rally.database import insert_for
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.utils import utcnow

from .keys import configured_keys, subject
from .models import PushSubscription

log = logging.getLogger(__name__)

SENT, GONE, RETRY, FAILED = "sent", "gone", "retry", "failed"
# Devices one resident may register: a family tablet, phones, a work computer.
MAX_DEVICES = 20
# What a message may hold: push services take 4096 bytes, the encryption adds 103.
MAX_PAYLOAD_BYTES = 3800
# How long a push service keeps a message for a phone that is off (seconds).
DEFAULT_TTL = 24 * 60 * 60


class PushError(RallyError):
    """A subscription that cannot be kept or removed; ``code`` says why."""


@dataclass(frozen=True)
class SubscriptionInput:
    """What the browser's ``PushSubscription.toJSON()`` gives, and its User-Agent."""

    endpoint: str
    p256dh: str
    auth: str
    user_agent: str = ""


def parse_subscription(data, user_agent: str = "") -> SubscriptionInput:
    """Read a subscription from the browser's JSON.

    :raise PushError: ``invalid_subscription`` when a part is missing or malformed.
    """
    try:
        keys = data["keys"]
        parsed = SubscriptionInput(
            str(data["endpoint"]), str(keys["p256dh"]), str(keys["auth"]), user_agent
        )
    except (TypeError, KeyError):
        raise _invalid() from None
    _check_keys(parsed.p256dh, parsed.auth)
    return parsed


def _invalid() -> PushError:
    return PushError(
        _l("This browser sent a subscription that cannot be used."), code="invalid_subscription"
    )


def _check_keys(p256dh: str, auth: str) -> None:
    """The browser's public key must be a P-256 point (65 bytes, uncompressed) and its
    auth secret 16 bytes: anything else could never be encrypted for."""
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        point = b64urldecode(p256dh.encode("ascii"))
        secret = b64urldecode(auth.encode("ascii"))
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:  # bad base64 (binascii.Error is one), not ASCII, not on the curve
        raise _invalid() from None
    if len(point) != 65 or len(secret) != 16 or len(p256dh) > 120 or len(auth) > 40:
        raise _invalid()


def _local_allowed() -> bool:
    return bool(current_app.config.get("RALLY_PUSH_ALLOW_LOCAL_ENDPOINTS"))


def check_endpoint(endpoint: str) -> None:
    """Refuse an endpoint the server should never POST to (see the module's docstring).

    :raise PushError: ``bad_endpoint``.
    """
    refused = PushError(
        _l("This browser's push service address cannot be used."), code="bad_endpoint"
    )
    if len(endpoint) > 1024 or any(c.isspace() for c in endpoint):
        raise refused
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise refused from None
    host = (parts.hostname or "").rstrip(".")
    if not host or parts.username is not None or parts.password is not None:
        raise refused
    if _local_allowed():
        if parts.scheme not in ("https", "http"):
            raise refused
        return
    if parts.scheme != "https" or port not in (None, 443):
        raise refused
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise refused  # push services have names; an IP literal is a probe
    if "." not in host or host.endswith((".localhost", ".local", ".internal", ".lan")):
        raise refused


def _resolves_to_public_addresses(endpoint: str) -> bool:
    """Every address the endpoint's host has now is a public one (checked when sending:
    a name may be pointed at a private address after it was subscribed)."""
    if _local_allowed():
        return True
    host = urlsplit(endpoint).hostname
    try:
        infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    return bool(addresses) and all(address.is_global for address in addresses)


def device_label(user_agent: str) -> str:
    """ "Chrome on Android": enough for a resident to tell their devices apart."""
    ua = user_agent or ""
    if "Edg/" in ua:
        browser = "Edge"
    elif "Firefox/" in ua or "FxiOS" in ua:
        browser = "Firefox"
    elif "SamsungBrowser" in ua:
        browser = "Samsung Internet"
    elif "Chrome/" in ua or "CriOS" in ua:
        browser = "Chrome"
    elif "Safari/" in ua:
        browser = "Safari"
    else:
        browser = ""
    for needle, system in (
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "Mac"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ):
        if needle in ua:
            return f"{browser} · {system}" if browser else system
    return browser


def subscribe(visitor, data: SubscriptionInput) -> PushSubscription:
    """Keep a device's subscription for ``visitor``: one row per endpoint, so the same
    browser subscribing again updates its keys, and a device where another account logs in
    and subscribes moves to that account (a browser has one subscription per site: messages
    follow whoever turned them on last).

    Decided by the database: ``INSERT ... ON CONFLICT (endpoint) DO UPDATE``.

    :param visitor: the logged-in visitor account.
    :param data: from :func:`parse_subscription`.
    :raise PushError: ``bad_endpoint`` (see :func:`check_endpoint`), ``invalid_subscription``,
        ``too_many_devices`` (more than ``MAX_DEVICES``, this one not among them).
    """
    check_endpoint(data.endpoint)
    _check_keys(data.p256dh, data.auth)
    # A soft limit (two devices subscribing at the same moment may both pass): it keeps a
    # script from filling the table, not an exact count.
    mine = select(func.count()).where(
        PushSubscription.visitor_id == visitor.id, PushSubscription.endpoint != data.endpoint
    )
    if db.session.scalar(mine) >= MAX_DEVICES:
        raise PushError(
            _l("You have turned on notifications on too many devices: remove one first."),
            code="too_many_devices",
            status=409,
        )
    now = utcnow()
    values = {
        "visitor_id": visitor.id,
        "p256dh": data.p256dh,
        "auth": data.auth,
        "user_agent": device_label(data.user_agent)[:80],
        "created_at": now,
        "failures": 0,
    }
    statement = insert_for(PushSubscription).values(endpoint=data.endpoint, **values)
    statement = statement.on_conflict_do_update(index_elements=["endpoint"], set_=values)
    db.session.execute(statement)
    db.session.flush()
    return db.session.execute(
        select(PushSubscription)
        .where(PushSubscription.endpoint == data.endpoint)
        .execution_options(populate_existing=True)
    ).scalar_one()


def devices(visitor) -> list[PushSubscription]:
    """The visitor's devices, newest first."""
    query = (
        select(PushSubscription)
        .where(PushSubscription.visitor_id == visitor.id)
        .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
    )
    return list(db.session.scalars(query))


def remove(visitor, subscription_id: int) -> None:
    """Forget one of the visitor's devices.

    :raise PushError: ``no_such_device`` (404) when it is not theirs or no longer exists:
        another account's device is not told apart from a missing one.
    """
    result = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.id == subscription_id, PushSubscription.visitor_id == visitor.id
        )
    )
    if result.rowcount != 1:
        raise PushError(_l("This device is not in your list."), code="no_such_device", status=404)


def remove_endpoint(visitor, endpoint: str) -> bool:
    """Forget the device with this endpoint if it is the visitor's (the page's "turn off"
    after the browser unsubscribed); True when a row went."""
    result = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.visitor_id == visitor.id
        )
    )
    return result.rowcount == 1


def log_out_device(visitor, subscription_id: int | None, endpoint: str | None) -> int:
    """The visitor logs out on this device: its subscription is theirs no more, so the next
    person on a shared tablet gets none of their messages. The device is known by the
    browser's cookie (``subscription_id``, see :mod:`rally.push.device`) and, when the
    page's script ran, by the endpoint it read from the browser; only the visitor's own
    rows go (a cookie or endpoint naming another account's device changes nothing).
    How many rows went.
    """
    mine = []
    if subscription_id is not None:
        mine.append(PushSubscription.id == subscription_id)
    if endpoint:
        mine.append(PushSubscription.endpoint == endpoint[:1024])
    if not mine:
        return 0
    result = db.session.execute(
        delete(PushSubscription).where(PushSubscription.visitor_id == visitor.id, or_(*mine))
    )
    return result.rowcount


def forget_every_device(visitor) -> int:
    """Every push subscription of ``visitor`` goes (the password was reset: a lost phone
    must not keep showing the account's messages); how many. The resident subscribes again
    on the devices they log in on."""
    result = db.session.execute(
        delete(PushSubscription).where(PushSubscription.visitor_id == visitor.id)
    )
    return result.rowcount


def encode_payload(payload: dict) -> bytes:
    """The message's JSON for the service worker: ``title``, ``body``, ``url`` (a path on
    this site: the worker opens nothing else) and ``tag`` (a later message with the same
    tag replaces the earlier one on the device). A long body is cut to fit the push
    services' 4 KB."""
    url = str(payload.get("url") or "/")
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    if url.startswith(base + "/"):
        url = url[len(base) :]
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        url = "/"
    message = {
        "title": str(payload.get("title") or "")[:200],
        "body": str(payload.get("body") or ""),
        "url": url[:1000],
        "tag": str(payload.get("tag") or "")[:64],
    }
    data = _json(message)
    body = message["body"].encode()
    while len(data) > MAX_PAYLOAD_BYTES:
        # Cut what is over and room for the ellipsis (3 bytes); an escaped character
        # weighs more in the JSON than here, so each turn gets shorter by at least that.
        body = body[: max(0, len(body) - (len(data) - MAX_PAYLOAD_BYTES) - 3)]
        message["body"] = body.decode(errors="ignore") + "…"
        data = _json(message)
    return data


def _json(message: dict) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()


def _session() -> requests.Session:
    session = requests.Session()
    # A push service answers, it never redirects: following one could lead the server
    # anywhere (TooManyRedirects, treated as a failure).
    session.max_redirects = 0
    session.trust_env = False  # no proxy from the environment between us and the service
    return session


def _count_failure(subscription_id: int) -> None:
    db.session.execute(
        update(PushSubscription)
        .where(PushSubscription.id == subscription_id)
        .values(failures=PushSubscription.failures + 1)
    )
    db.session.flush()


def send_push(subscription_id: int, payload: dict, *, urgent: bool = False) -> str:
    """Send one message to one device, encrypted for it (``aes128gcm``) and signed with the
    site's VAPID key. ``payload`` is ``{title, body, url, tag}``, already in the
    recipient's language.

    Returns what happened, and raises nothing for the push service's answers, so the job
    queue decides:

    - ``"sent"``: the push service took it (201); ``last_success_at`` set, ``failures`` 0;
    - ``"gone"``: the subscription no longer exists (404 or 410 from the service, or its
      row was deleted meanwhile): the row is deleted; do not retry;
    - ``"retry"``: a temporary failure (429, 5xx, no connection, a timeout): ``failures``
      counted; the caller retries later, with back-off (the service's ``Retry-After``
      is not carried over);
    - ``"failed"``: the service refused this message for good (400, 401/403 for a key
      mismatch, 413...), a redirect, an endpoint that now resolves to a private address,
      or no VAPID key set up: ``failures`` counted; retrying would not help.

    Called with no transaction open (a job), the row is read on a connection of its own,
    so no database lock or snapshot is held while waiting for the push service (up to
    15 s: on SQLite a snapshot held that long would make the later write fail once another
    writer committed); inside a transaction (a request) the row is read in it. Either way
    the outcome is written with one UPDATE or DELETE in the caller's session, which the
    caller commits.

    :param subscription_id: a :class:`PushSubscription` id (from :func:`push_to`).
    :param urgent: ``Urgency: high`` (an urgent notice wakes a phone that saves battery).
    """
    query = select(PushSubscription.endpoint, PushSubscription.p256dh, PushSubscription.auth).where(
        PushSubscription.id == subscription_id
    )
    if db.session().in_transaction():  # the caller's (a request's): its lock is held already
        row = db.session.execute(query).first()
    else:
        with db.engine.connect() as connection:
            row = connection.execute(query).first()
    if row is None:
        return GONE
    keys = configured_keys()
    if keys is None:
        log.error("Web Push: no VAPID key (flask --app rally push keys)")
        _count_failure(subscription_id)
        return FAILED
    if not _resolves_to_public_addresses(row.endpoint):
        log.warning("Web Push: subscription %s resolves to a private address", subscription_id)
        _count_failure(subscription_id)
        return FAILED
    info = {"endpoint": row.endpoint, "keys": {"p256dh": row.p256dh, "auth": row.auth}}
    ttl = int(current_app.config.get("RALLY_PUSH_TTL", DEFAULT_TTL))
    try:
        with _session() as session:
            webpush(
                info,
                data=encode_payload(payload),
                vapid_private_key=Vapid.from_string(keys.private_key),
                vapid_claims={"sub": subject()},  # webpush adds aud and exp (12 hours)
                content_encoding="aes128gcm",
                headers={"Urgency": "high" if urgent else "normal"},
                ttl=ttl,
                timeout=(5, 10),
                requests_session=session,
            )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            db.session.execute(
                delete(PushSubscription).where(PushSubscription.id == subscription_id)
            )
            db.session.flush()
            return GONE
        _count_failure(subscription_id)
        if status is not None and (status == 429 or status >= 500):
            return RETRY
        log.warning("Web Push: subscription %s refused with %s", subscription_id, status)
        return FAILED
    except requests.TooManyRedirects:
        _count_failure(subscription_id)
        return FAILED
    except requests.RequestException:
        _count_failure(subscription_id)
        return RETRY
    db.session.execute(
        update(PushSubscription)
        .where(PushSubscription.id == subscription_id)
        .values(last_success_at=utcnow(), failures=0)
    )
    db.session.flush()
    return SENT


def push_to(visitor_id: int, payload: dict, send=send_push) -> list[int]:
    """Hand ``payload`` to ``send(subscription_id, payload)`` for each of a resident's
    devices and return their ids (an empty list: no device has notifications on).

    ``send`` defaults to :func:`send_push` (sending now, in this process); the job queue
    passes a function that enqueues one job per device instead, so a device that fails is
    retried alone and a device that got the message is never sent it twice.
    """
    ids = list(
        db.session.scalars(
            select(PushSubscription.id)
            .where(PushSubscription.visitor_id == visitor_id)
            .order_by(PushSubscription.id)
        )
    )
    for subscription_id in ids:
        send(subscription_id, payload)
    return ids
