"""Venue PINs and NFC tags: two more ways to reach the same stamp as the QR code.

A venue PIN is four digits derived (never stored) from the app secret, the checkpoint, its
key version and the district's local date: it changes every day at local midnight, and
rotating the checkpoint's key (a new poster) changes it too. In a campaign whose code
changes every 30 seconds (a counter tablet) the PIN changes every ``PIN_WINDOW`` instead:
a PIN passed on beyond the shop stops working within minutes, as a photographed code does.
A stamp entered with a PIN goes through the same checks and the same
:func:`rally.campaigns.operations.grant_stamp` as a scan.

An NFC tag holds the printed stamp URL as an NDEF URI record; the functions here build its
exact bytes and say whether it fits a tag.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from rally.campaigns.models import Campaign, Checkpoint, QrMode
from rally.cards.models import Card, Stamp
from rally.cards.reading import open_card
from rally.i18n import _l
from rally.stamping.operations import StampError, check_checkpoint_open, grant_stamp
from rally.stamping.signals import location_declined
from rally.utils import normalize_code

PIN_DIGITS = 4
# Yesterday's PIN still counts this long after local midnight: a visitor told the PIN at
# 23:58 may finish typing it after the change.
PIN_GRACE = timedelta(minutes=10)
# How long a PIN lasts in a rotating-code campaign; the previous one still counts, so a PIN
# told just before the change may be typed after it.
PIN_WINDOW = timedelta(minutes=10)

# NDEF URI identifier codes (NFC Forum URI Record Type Definition) for the prefixes a
# stamp URL can start with; the prefix is stored as one byte instead of its text.
URI_PREFIXES = (("https://", 0x04), ("http://", 0x03))
# NDEF bytes available to a message on common tags (NXP NTAG21x user memory).
TAG_CAPACITIES = (("NTAG213", 137), ("NTAG215", 504))


def local_now(now: datetime) -> datetime:
    """``now`` (naive UTC) as a naive time in the district's zone (``RALLY_TIMEZONE``)."""
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)


def venue_pin(checkpoint: Checkpoint, day: date) -> str:
    """The four-digit PIN of ``checkpoint`` on the local date ``day``."""
    return _pin(checkpoint, day.isoformat())


def window_pin(checkpoint: Checkpoint, window: int) -> str:
    """The PIN of ``checkpoint`` in the ``window``-th :data:`PIN_WINDOW` since the epoch
    (rotating-code campaigns)."""
    return _pin(checkpoint, f"window:{window}")


def _window_of(now: datetime) -> int:
    return int((now - datetime(1970, 1, 1)) / PIN_WINDOW)


def _rotating(checkpoint: Checkpoint) -> bool:
    return checkpoint.campaign.qr_mode is QrMode.rotating


def _pin(checkpoint: Checkpoint, period: str) -> str:
    message = f"pin:{checkpoint.id}:{checkpoint.key_version}:{period}".encode()
    secret = current_app.secret_key
    key = secret if isinstance(secret, bytes) else secret.encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    number = int.from_bytes(digest, "big") % 10**PIN_DIGITS
    return f"{number:0{PIN_DIGITS}d}"


def todays_pin(checkpoint: Checkpoint, now: datetime) -> str:
    """The PIN the shop tells visitors now: today's (district time), or the current
    window's in a rotating-code campaign."""
    if _rotating(checkpoint):
        return window_pin(checkpoint, _window_of(now))
    return venue_pin(checkpoint, local_now(now).date())


def pin_changes_at(checkpoint: Checkpoint, now: datetime) -> datetime | None:
    """When the rotating-code PIN shown now changes (naive UTC); ``None``: a daily PIN."""
    if not _rotating(checkpoint):
        return None
    return datetime(1970, 1, 1) + (_window_of(now) + 1) * PIN_WINDOW


def accepted_pins(checkpoint: Checkpoint, now: datetime) -> list[str]:
    """Today's PIN, and yesterday's during the first minutes after local midnight; in a
    rotating-code campaign the current window's and the previous one's."""
    if _rotating(checkpoint):
        window = _window_of(now)
        return [window_pin(checkpoint, window), window_pin(checkpoint, window - 1)]
    local = local_now(now)
    pins = [venue_pin(checkpoint, local.date())]
    midnight = datetime.combine(local.date(), datetime.min.time())
    if local - midnight < PIN_GRACE:
        pins.append(venue_pin(checkpoint, local.date() - timedelta(days=1)))
    return pins


def check_pin(checkpoint: Checkpoint, pin: str, now: datetime) -> None:
    """:raise StampError: ``wrong_pin`` unless ``pin`` is one of :func:`accepted_pins`."""
    entered = normalize_code(pin or "").strip().encode()
    # Compare every accepted PIN in constant time, without stopping at the first match.
    accepted = accepted_pins(checkpoint, now)
    matches = [hmac.compare_digest(entered, good.encode()) for good in accepted]
    if not any(matches):
        raise StampError(
            _l("This PIN is not right. Please ask the shop for today's PIN."),
            code="wrong_pin",
            status=400,
        )


@dataclass(frozen=True)
class PinStamp:
    card: Card
    checkpoint: Checkpoint
    stamp: Stamp
    created: bool


def stamp_with_pin(
    card: Card | None, checkpoint: Checkpoint, pin: str, now: datetime, locale: str | None = None
) -> PinStamp:
    """Give the stamp of ``checkpoint`` to the visitor who typed the venue's PIN.

    :param card: the card from the visitor's cookie; a new card is opened when ``None``.
    :param pin: the digits the visitor typed.
    :param now: the current time, naive UTC.
    :param locale: the visitor's language, kept on the card as a scan does.
    :raise StampError: ``wrong_pin``, ``campaign_not_started``, ``campaign_ended``,
        ``store_not_in_campaign``, ``too_soon``, ``quiz_required`` (a landmark with a quiz
        is collected by scanning and answering), and the campaign's own refusals
        (``purchase_at_register``). In a campaign with a geofence the stamp is flagged
        ``no_location`` for the association, as a scan without the phone's location is.
        A repeat is not an error: ``created`` is ``False`` and
        ``stamp`` is the card's latest stamp there.
    """
    check_checkpoint_open(checkpoint, now)
    if checkpoint.has_quiz:
        raise StampError(
            _l("This place asks a quiz: please scan its code and answer the question."),
            code="quiz_required",
            status=403,
        )
    check_pin(checkpoint, pin, now)
    card = open_card(card, locale=locale)
    try:
        stamp = grant_stamp(card, checkpoint, now)
    except StampError as error:
        if not error.is_repeat:
            raise
        return PinStamp(card, checkpoint, error.stamp, created=False)
    if checkpoint.campaign.geofence_m:
        # A PIN says nothing of where the phone is: flagged like a scan without location.
        location_declined.send(checkpoint, card_id=card.id, now=now)
    return PinStamp(card, checkpoint, stamp, created=True)


def pin_checkpoints(campaign: Campaign) -> list[Checkpoint]:
    """The campaign's checkpoints a visitor can choose on the PIN page, by name (not the
    landmarks that ask a quiz)."""
    return sorted(
        (cp for cp in campaign.checkpoints if cp.is_open and not cp.has_quiz),
        key=lambda cp: cp.place.tr("name"),
    )


# --- NFC tags ------------------------------------------------------------------------------


def nfc_allowed(checkpoint: Checkpoint) -> bool:
    """A tag holds one fixed code: a rotating-code campaign refuses it
    (``rotating_code_required``)."""
    return checkpoint.campaign.qr_mode is not QrMode.rotating


def ndef_uri_message(url: str) -> bytes:
    """A one-record NDEF message holding ``url`` as a well-known URI record ("U").

    The scheme prefix becomes its URI identifier code; the record is a short record (one
    length byte) up to 255 bytes of payload, a normal record (four length bytes) beyond.
    """
    code, rest = 0x00, url
    for prefix, prefix_code in URI_PREFIXES:
        if url.startswith(prefix):
            code, rest = prefix_code, url[len(prefix) :]
            break
    payload = bytes([code]) + rest.encode()
    record_type = b"U"
    # MB (first record) | ME (last record) | SR (short) | TNF 0x01 (NFC Forum well-known type)
    header = 0x80 | 0x40 | 0x01
    if len(payload) <= 255:
        length = bytes([len(payload)])
        header |= 0x10
    else:
        length = len(payload).to_bytes(4, "big")
    return bytes([header, len(record_type)]) + length + record_type + payload


def nfc_tag_bytes(url: str) -> int:
    """Bytes of tag memory ``url`` takes: its NDEF message inside the NDEF TLV
    (tag 0x03 and a one-byte length, three bytes from 255 on)."""
    message = len(ndef_uri_message(url))
    return message + (2 if message < 255 else 4)
