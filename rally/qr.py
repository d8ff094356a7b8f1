"""QR images (PNG and SVG) of a URL or a code: posters, tablets, claims, cards."""

import io
from functools import lru_cache

import qrcode
import qrcode.image.svg


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
