"""Signed checkpoint tokens: what a shop's QR code carries.

A token is ``[checkpoint_id, key_version]`` signed with the app secret (itsdangerous, as
Flask's own session is). A forged or edited token fails the signature check before any
database access; bumping a checkpoint's ``key_version`` revokes every poster printed with
the old token. A rotating token (shown on a merchant's tablet) adds the 30-second time step
it was issued for: ``[checkpoint_id, key_version, step]``, so a photo of it soon expires.
A further code of a checkpoint (a second register, another entrance) signs
``[checkpoint_id, code_key_version, step or -1, code_id]``: revoked on its own.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

TOKEN_SALT = "rally.checkpoint.v1"
MAX_TOKEN_LENGTH = 200
STEP_SECONDS = 30
EPOCH = datetime(1970, 1, 1)


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
    return URLSafeSerializer(current_app.secret_key, salt=TOKEN_SALT)


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
