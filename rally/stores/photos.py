"""Store photos: where they live; checked and re-encoded without EXIF by ``rally.images``."""

import os

from flask import current_app

from rally.extensions import db
from rally.images import (
    ACCEPTED_FORMATS,
    JPEG_QUALITY,
    MAX_BYTES,
    MAX_PIXELS,
    MAX_SIDE,
    PhotoError,
    normalise_photo,
    read_upload,
    remove_upload,
    too_large_message,
    write_upload,
)

# The checks and the re-encoding live in rally/images.py (residents' photos use them too);
# the names stay importable from here, where the other rooms found them first.
__all__ = [
    "ACCEPTED_FORMATS",
    "JPEG_QUALITY",
    "MAX_BYTES",
    "MAX_PIXELS",
    "MAX_SIDE",
    "PhotoError",
    "commit_replacing_file",
    "delete_photo",
    "normalise_photo",
    "photo_directory",
    "read_upload",
    "remove_upload",
    "save_photo",
    "too_large_message",
    "write_upload",
]


def photo_directory() -> str:
    """``RALLY_UPLOAD_FOLDER``/stores, by default ``instance/uploads/stores``."""
    root = current_app.config.get("RALLY_UPLOAD_FOLDER") or os.path.join(
        current_app.instance_path, "uploads"
    )
    return os.path.join(root, "stores")


def commit_replacing_file(old: str | None, new: str | None, remove) -> None:
    """Commit the request that swapped ``old`` for ``new``; then remove the file that lost.

    :param remove: the function that deletes a file of this kind by name.
    """
    try:
        db.session.commit()
    except Exception:
        remove(new)
        raise
    remove(old)


def save_photo(jpeg: bytes) -> str:
    """Write a normalised photo under a random name; return that name."""
    return write_upload(photo_directory(), jpeg, ".jpg")


def delete_photo(filename: str | None) -> None:
    """Remove a photo file that no store points to any more."""
    remove_upload(photo_directory(), filename)
