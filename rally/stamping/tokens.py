"""Signed checkpoint tokens: what a shop's QR code carries.

A token is ``[checkpoint_id, key_version]`` signed with the app secret (itsdangerous, as
Flask's own session is). A forged or edited token fails the signature check before any
database access; bumping a checkpoint's ``key_version`` revokes every poster printed with
the old token. A rotating token (shown on a merchant's tablet) adds the 30-second time step
it was issued for: ``[checkpoint_id, key_version, step]``, so a photo of it soon expires.
A further code of a checkpoint (a second register, another entrance) signs
``[checkpoint_id, code_key_version, step or -1, code_id]``: revoked on its own.

A page that a scan opens (the quiz, the location check) carries a scan form token: the
digest of the scan token and the card it was shown to, and the time it was shown, signed
with its own salt. Only a POST that brings it back, fresh, for the same code and card gets
the few minutes of grace after a rotating code's step (:func:`posted_late_steps`).
"""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from rally.utils import signer

TOKEN_SALT = "rally.checkpoint.v1"
MAX_TOKEN_LENGTH = 200
STEP_SECONDS = 30
EPOCH = datetime(1970, 1, 1)
SCAN_FORM_SALT = "rally.scan-form.v1"
SCAN_FORM_FIELD = "scan_form"
SCAN_FORM_MAX_AGE = timedelta(minutes=5)
# Steps a posted answer or location may come after the code's: a visitor reading the quiz
# or waiting for the phone's location while the tablet moves on (about 5 minutes).
LATE_STEPS = 10


@dataclass(frozen=True)
class TokenData:
    checkpoint_id: int
    key_version: int
    step: int | None  # None for a printed (static) code
    code_id: int | None = None  # a further code of the checkpoint (CheckpointCode)


def time_step(now: datetime) -> int:
    """The 30-second step that ``now`` (naive UTC) falls in."""
    return math.floor((now - EPOCH).total_seconds() / STEP_SECONDS)


def seconds_left_in_step(now: datetime) -> float:
    return STEP_SECONDS - ((now - EPOCH).total_seconds() % STEP_SECONDS)


class InvalidToken(Exception):
    """The token was not signed by this app, or does not carry a checkpoint reference."""


def _serializer() -> URLSafeSerializer:
    return signer(TOKEN_SALT)


def checkpoint_token(checkpoint) -> str:
    """The signed token printed in ``checkpoint``'s QR code."""
    return _serializer().dumps([checkpoint.id, checkpoint.key_version])


def rotating_token(checkpoint, step: int) -> str:
    """The token a merchant's tablet shows during time step ``step``."""
    return _serializer().dumps([checkpoint.id, checkpoint.key_version, step])


def code_token(code, step: int | None = None) -> str:
    """The token of a further code of a checkpoint, printed or (with ``step``) rotating."""
    return _serializer().dumps(
        [code.checkpoint_id, code.key_version, -1 if step is None else step, code.id]
    )


def read_checkpoint_token(token: str) -> TokenData:
    """Decode a printed or rotating token.

    :raise InvalidToken: bad signature, wrong shape, or absurd length.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken(token)
    try:
        data = _serializer().loads(token)
    except BadSignature as exc:
        raise InvalidToken(token) from exc
    if (
        not isinstance(data, list)
        or len(data) not in (2, 3, 4)
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in data)
    ):
        raise InvalidToken(token)
    if len(data) == 4:
        return TokenData(data[0], data[1], None if data[2] < 0 else data[2], data[3])
    return TokenData(data[0], data[1], data[2] if len(data) == 3 else None)


def _scan_form_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SCAN_FORM_SALT)


def _scan_binding(token: str, card_key: str | None) -> str:
    # A digest: the page shows neither the card's key nor needs the whole token twice.
    return hashlib.sha256(f"{token}\n{card_key or ''}".encode()).hexdigest()[:32]


def scan_form_token(token: str, card_key: str | None, now: datetime) -> str:
    """The hidden field of a page that scanning ``token`` opened for ``card_key`` (or for a
    phone without a card) at ``now``."""
    issued = int((now - EPOCH).total_seconds())
    return _scan_form_serializer().dumps([_scan_binding(token, card_key), issued])


def scan_form_valid(form_token: str | None, token: str, card_key: str | None, now) -> bool:
    """Whether ``form_token`` was issued for this scan token and card, at most
    :data:`SCAN_FORM_MAX_AGE` before ``now``."""
    if not form_token or len(form_token) > MAX_TOKEN_LENGTH:
        return False
    try:
        binding, issued = _scan_form_serializer().loads(form_token)
    except (BadSignature, TypeError, ValueError):
        return False
    if not isinstance(issued, int) or isinstance(issued, bool) or not isinstance(binding, str):
        return False
    age = now - EPOCH - timedelta(seconds=issued)
    fresh = timedelta(seconds=-STEP_SECONDS) <= age <= SCAN_FORM_MAX_AGE  # clocks may differ
    return fresh and hmac.compare_digest(binding, _scan_binding(token, card_key))


def posted_late_steps(form_token: str | None, token: str, card_key: str | None, now) -> int:
    """The rotating steps a POST to ``token`` may come late: :data:`LATE_STEPS` if it
    continues a page this code opened for this card (:func:`scan_form_valid`), else the
    allowance of a scan (1)."""
    return LATE_STEPS if scan_form_valid(form_token, token, card_key, now) else 1


def stamp_url(checkpoint, step: int | None = None, code=None) -> str:
    """The public URL a phone camera opens: ``RALLY_BASE_URL/s/<token>``.

    :param step: a time step for a rotating code; ``None`` for the printed code.
    :param code: a further code of the checkpoint (:class:`CheckpointCode`), if not its own.
    """
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    if code is not None:
        token = code_token(code, step)
    elif step is None:
        token = checkpoint_token(checkpoint)
    else:
        token = rotating_token(checkpoint, step)
    return f"{base}/s/{token}"
