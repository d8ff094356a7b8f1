"""Spot pictures: stored as store photos are (normalised JPEG, random name), in their own folder."""

import os

from rally.stores.photos import photo_directory, remove_upload, write_upload


def spot_photo_directory() -> str:
    """``RALLY_UPLOAD_FOLDER``/spots, beside the stores' photos."""
    return os.path.join(os.path.dirname(photo_directory()), "spots")


def save_spot_photo(jpeg: bytes) -> str:
    """Write a normalised picture (:func:`rally.stores.photos.normalise_photo`); return its name."""
    return write_upload(spot_photo_directory(), jpeg, ".jpg")


def delete_spot_photo(filename: str | None) -> None:
    """Remove a picture no spot points to any more."""
    remove_upload(spot_photo_directory(), filename)
