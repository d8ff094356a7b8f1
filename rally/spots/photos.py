"""Spot pictures: stored as store photos are (normalised JPEG, random name), in their own folder."""

from rally.storage import remove_upload, save_upload, send_upload

#: The spots' pictures in the uploads (rally/storage.py): ``spots/<name>``.
SPOT_FOLDER = "spots"


def save_spot_photo(jpeg: bytes) -> str:
    """Write a normalised picture (:func:`rally.stores.photos.normalise_photo`); return its name."""
    return save_upload(SPOT_FOLDER, jpeg, ".jpg")


def delete_spot_photo(filename: str | None) -> None:
    """Remove a picture no spot points to any more."""
    remove_upload(SPOT_FOLDER, filename)


def send_spot_photo(filename: str):
    """A published spot's picture as the response."""
    return send_upload(SPOT_FOLDER, filename, max_age=3600)
