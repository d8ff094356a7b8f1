"""Store photos: where they live; checked and re-encoded without EXIF by ``rally.images``."""

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
    too_large_message,
)
from rally.storage import remove_upload, save_upload, send_upload

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
    "PHOTO_FOLDER",
    "read_upload",
    "save_photo",
    "send_photo",
    "too_large_message",
]


#: The stores' photos in the uploads (rally/storage.py): ``stores/<name>``.
PHOTO_FOLDER = "stores"


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
    return save_upload(PHOTO_FOLDER, jpeg, ".jpg")


def delete_photo(filename: str | None) -> None:
    """Remove a photo file that no store points to any more."""
    remove_upload(PHOTO_FOLDER, filename)


def send_photo(filename: str, max_age: int = 3600):
    """The photo as the response (publicly cacheable: the caller may make it private)."""
    return send_upload(PHOTO_FOLDER, filename, max_age=max_age)
