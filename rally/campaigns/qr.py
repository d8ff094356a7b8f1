"""Signed checkpoint tokens and their QR images.

A token is ``[checkpoint_id, key_version]`` signed with the app secret (itsdangerous, as
Flask's own session is). A forged or edited token fails the signature check before any
database access; bumping a checkpoint's ``key_version`` revokes every poster printed with
the old token.
"""

import io
from functools import lru_cache

import qrcode
import qrcode.image.svg
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

TOKEN_SALT = "rally.checkpoint.v1"
MAX_TOKEN_LENGTH = 200


class InvalidToken(Exception):
    """The token was not signed by this app, or does not carry a checkpoint reference."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=TOKEN_SALT)


def checkpoint_token(checkpoint) -> str:
    """The signed token printed in ``checkpoint``'s QR code."""
    return _serializer().dumps([checkpoint.id, checkpoint.key_version])


def read_checkpoint_token(token: str) -> tuple[int, int]:
    """Return ``(checkpoint_id, key_version)`` from a token.

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
        or len(data) != 2
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in data)
    ):
        raise InvalidToken(token)
    return data[0], data[1]


def stamp_url(checkpoint) -> str:
    """The public URL a phone camera opens: ``RALLY_BASE_URL/s/<token>``."""
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    return f"{base}/s/{checkpoint_token(checkpoint)}"


def _qr(data: str) -> qrcode.QRCode:
    # Level M survives a crumpled or partly covered poster and keeps the code small.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


@lru_cache(maxsize=4096)
def qr_png(data: str) -> bytes:
    """PNG bytes of a QR code for ``data``. Cached: building the matrix is the cost."""
    buffer = io.BytesIO()
    _qr(data).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


@lru_cache(maxsize=4096)
def qr_svg(data: str) -> bytes:
    """SVG bytes of a QR code for ``data`` (one path, scales to any print size)."""
    buffer = io.BytesIO()
    _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue()
