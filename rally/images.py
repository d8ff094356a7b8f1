"""Uploaded images: only real images, bounded in bytes and pixels, re-encoded without EXIF.

Every upload is decoded by Pillow and written again as a fresh JPEG: what is served is
never the visitor's file, so hidden payloads, GPS positions and camera data are gone. Store
photos (``rally/stores/photos.py``), spots, stamp designs and residents' post photos
(``rally/ugc/photos.py``) all come through here.
"""

import io
import warnings

from flask import current_app
from PIL import Image, ImageOps

from rally.errors import RallyError
from rally.i18n import _l

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_BYTES = 8 * 1024 * 1024
# 40 megapixels is more than any phone camera; a decompression bomb claims far more.
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
JPEG_QUALITY = 85


class PhotoError(RallyError):
    """An upload that is not a usable photo; ``code`` says why."""


def upload_limit(name: str, default: int) -> int:
    """The app's setting ``name`` (``RALLY_PHOTO_MAX_BYTES``, ...), else ``default``."""
    return int(current_app.config.get(name, default))


def too_large_message():
    size = max(1, upload_limit("RALLY_PHOTO_MAX_BYTES", MAX_BYTES) // (1024 * 1024))
    return _l("This file is too large. Please choose a photo under %(size)s MB.", size=size)


def read_upload(stream) -> bytes:
    """Read at most the allowed size from an uploaded file.

    :raise PhotoError: ``photo_too_large`` (413), ``photo_empty``.
    """
    max_bytes = upload_limit("RALLY_PHOTO_MAX_BYTES", MAX_BYTES)
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoError(too_large_message(), code="photo_too_large", status=413)
    if not data:
        raise PhotoError(_l("Please choose a photo."), code="photo_empty")
    return data


def _too_many_pixels() -> PhotoError:
    return PhotoError(
        _l("This image has too many pixels. Please choose a smaller photo."),
        code="photo_too_many_pixels",
    )


def _damaged() -> PhotoError:
    return PhotoError(
        _l("This image is damaged or incomplete. Please choose another file."),
        code="photo_damaged",
    )


def decode_photo(data: bytes) -> Image.Image:
    """Decode ``data`` into an upright RGB image that carries no metadata of the file.

    The pixel count is checked from the header, before any pixel is decoded, so a
    decompression bomb costs nothing; Pillow's own bomb check is turned into an error too.
    The EXIF orientation is applied to the pixels (a phone's portrait photo stands up).

    :raise PhotoError: ``not_an_image``, ``photo_too_many_pixels``, ``photo_damaged``.
    """
    max_pixels = upload_limit("RALLY_PHOTO_MAX_PIXELS", MAX_PIXELS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (OSError, SyntaxError, ValueError):
            raise PhotoError(
                _l("This file is not a photo. Please choose a JPEG, PNG or WebP image."),
                code="not_an_image",
            ) from None
        with image:
            width, height = image.size
            if width * height > max_pixels:
                raise _too_many_pixels()
            try:
                image.load()
                upright = ImageOps.exif_transpose(image)
                return _flatten(upright)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise _too_many_pixels() from None
            except (OSError, SyntaxError, ValueError, EOFError):
                raise _damaged() from None


def encode_jpeg(image: Image.Image, max_side: int) -> bytes:
    """``image`` as a JPEG at most ``max_side`` pixels on its long side, without metadata."""
    copy = image.copy()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    # No exif= and no icc_profile=: the new file carries no metadata at all.
    copy.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return output.getvalue()


def normalise_photo(data: bytes, max_side: int | None = None) -> bytes:
    """Decode ``data`` and return it as a clean JPEG at most ``max_side`` (by default
    ``RALLY_PHOTO_MAX_SIDE``, 1600) pixels on its long side.

    :raise PhotoError: ``not_an_image``, ``photo_too_many_pixels``, ``photo_damaged``.
    """
    side = max_side or upload_limit("RALLY_PHOTO_MAX_SIDE", MAX_SIDE)
    return encode_jpeg(decode_photo(data), side)


def _flatten(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: put transparent images on a white background."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
