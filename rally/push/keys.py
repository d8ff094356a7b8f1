"""The site's VAPID key pair (RFC 8292): push services accept only messages it signs.

The private key is a P-256 key written as base64url of its 32 raw bytes, the form web-push
tools exchange; the public key (base64url of the 65-byte uncompressed point) is what a
browser's ``pushManager.subscribe`` takes as ``applicationServerKey``. They come from
``RALLY_VAPID_PRIVATE_KEY`` / ``RALLY_VAPID_PUBLIC_KEY`` (the environment or
``instance/config.py``), else from ``instance/vapid_private_key`` (``RALLY_VAPID_KEY_FILE``), which
``flask --app rally push keys`` (and the demo) writes.
"""

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from py_vapid import Vapid
from py_vapid.utils import b64urldecode, b64urlencode

KEY_FILE = "vapid_private_key"


@dataclass(frozen=True)
class KeyPair:
    private_key: str
    public_key: str


def generate_key_pair() -> KeyPair:
    """A new P-256 key pair, both halves base64url (no padding)."""
    key = ec.generate_private_key(ec.SECP256R1())
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    return KeyPair(b64urlencode(raw), public_key_of(b64urlencode(raw)))


def public_key_of(private_key: str) -> str:
    """The application server key that belongs to a private key."""
    point = Vapid.from_string(private_key).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64urlencode(point)


def key_file() -> str:
    """``RALLY_VAPID_KEY_FILE``, by default ``instance/vapid_private_key``."""
    return current_app.config.get("RALLY_VAPID_KEY_FILE") or os.path.join(
        current_app.instance_path, KEY_FILE
    )


def write_key_file(path: str, pair: KeyPair, *, force: bool = False) -> bool:
    """Write the private key to ``path`` (mode 0600); False, and nothing written, when a
    key is there already and ``force`` is not given: a new key makes every browser's
    subscription useless (they were made for the old public key)."""
    if os.path.exists(path) and not force:
        return False
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | (0 if force else os.O_EXCL)
    with os.fdopen(os.open(path, flags, 0o600), "w") as handle:
        handle.write(pair.private_key + "\n")
    return True


def configured_keys() -> KeyPair | None:
    """The site's key pair, or None while none is set up (the page then says so)."""
    config = current_app.config
    private = (config.get("RALLY_VAPID_PRIVATE_KEY") or "").strip()
    if not private:
        path = key_file()
        if not os.path.exists(path):
            return None
        with open(path) as handle:
            private = handle.read().strip()
    public = (config.get("RALLY_VAPID_PUBLIC_KEY") or "").strip() or public_key_of(private)
    return KeyPair(private, public)


def check_key_pair(pair: KeyPair) -> None:
    """Raise ValueError unless the public key is the private key's (a pasted half of
    another pair would sign messages that no subscription accepts)."""
    if len(b64urldecode(pair.private_key.encode())) != 32:
        raise ValueError("RALLY_VAPID_PRIVATE_KEY is not 32 bytes of base64url")
    if public_key_of(pair.private_key) != pair.public_key:
        raise ValueError("RALLY_VAPID_PUBLIC_KEY does not belong to RALLY_VAPID_PRIVATE_KEY")


def subject() -> str:
    """The ``sub`` claim: how a push service reaches the site's operator (a ``mailto:`` of
    the association). Apple refuses tokens whose subject is a localhost address."""
    config = current_app.config
    if config.get("RALLY_VAPID_SUBJECT"):
        return config["RALLY_VAPID_SUBJECT"]
    if config.get("RALLY_CONTACT_EMAIL"):
        return "mailto:" + config["RALLY_CONTACT_EMAIL"]
    host = urlsplit(config["RALLY_BASE_URL"]).hostname or "localhost"
    return f"mailto:webmaster@{host}"
