"""Residents' post photos: checked and re-encoded by ``rally.images`` (no EXIF, no GPS,
upright), kept at two sizes under names nobody can guess, served only to who may see them.

A photo is stored as ``<name>`` (at most :data:`MAX_SIDE` pixels on its long side) and
``<name>`` with ``.thumb`` before ``.jpg`` (:data:`THUMB_SIDE`), where the name is 32
random URL-safe characters: never the upload's own name, and not listable. A members-only
circle's photo view calls :func:`send_ugc_photo` with its permission check on every request.
"""

import io
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from flask import abort
from PIL import Image

from rally.extensions import db
from rally.i18n import _l
from rally.images import PhotoError, decode_photo, encode_jpeg
from rally.storage import remove_upload, save_upload, send_upload

MAX_PHOTOS = 4
MAX_SIDE = 1600
THUMB_SIDE = 400
# A browser keeps a photo for itself a few minutes (a thread scrolls back and forth), and
# shared caches never: whoever is removed from a circle stops receiving its photos.
CACHE_SECONDS = 300

_NAME = re.compile(r"\A[A-Za-z0-9_-]{32}(?:\.thumb)?\.jpg\Z")


@dataclass(frozen=True)
class StoredPhoto:
    """The file names of one stored photo: the large one and its thumbnail."""

    name: str
    thumbnail: str
    width: int = 0  # of the large one, when just saved
    height: int = 0


#: Post photos in the uploads (rally/storage.py): ``ugc/<name>``.
UGC_FOLDER = "ugc"


def check_photo_count(count: int) -> None:
    """Refuse a post with more than :data:`MAX_PHOTOS` photos.

    :raise PhotoError: ``too_many_photos``.
    """
    if count > MAX_PHOTOS:
        raise PhotoError(
            _l("A post can have at most %(count)s photos.", count=MAX_PHOTOS),
            code="too_many_photos",
        )


def save_ugc_photo(data: bytes) -> StoredPhoto:
    """Check ``data`` (from :func:`rally.images.read_upload`), write it at both sizes
    without any metadata, and return the names.

    :raise PhotoError: ``not_an_image``, ``photo_too_many_pixels``, ``photo_damaged``.
    """
    image = decode_photo(data)
    large, small = encode_jpeg(image, MAX_SIDE), encode_jpeg(image, THUMB_SIDE)
    token = secrets.token_urlsafe(24)  # 24 bytes: 32 characters, 192 random bits
    with Image.open(io.BytesIO(large)) as written:
        width, height = written.size
    name = save_upload(UGC_FOLDER, large, ".jpg", name=token + ".jpg")
    try:
        thumbnail = save_upload(UGC_FOLDER, small, ".jpg", name=token + ".thumb.jpg")
    except Exception:
        remove_upload(UGC_FOLDER, name)
        raise
    return StoredPhoto(name=name, thumbnail=thumbnail, width=width, height=height)


def store_ugc_photos(photos: Iterable[bytes], row: type, **owner) -> list[StoredPhoto]:
    """Write the photos' files (:func:`save_ugc_photo`) and add a ``row(**owner, name=...,
    thumbnail=..., position=..., width=..., height=...)`` for each, in order, flushed. On a
    refused photo the files written so far are removed and nothing is added.

    :param row: the photo model (a post's, a listing's), ``owner`` its owner's key.
    :raise PhotoError: ``not_an_image``, ``photo_too_many_pixels``, ``photo_damaged``.
    """
    stored: list[StoredPhoto] = []
    try:
        for data in photos:
            stored.append(save_ugc_photo(data))
    except BaseException:
        for photo in stored:
            delete_ugc_photo(photo)
        raise
    for position, photo in enumerate(stored):
        db.session.add(
            row(
                **owner,
                name=photo.name,
                thumbnail=photo.thumbnail,
                position=position,
                width=photo.width,
                height=photo.height,
            )
        )
    db.session.flush()
    return stored


def delete_ugc_photo(photo: StoredPhoto) -> None:
    """Remove both files of a photo no post shows any more."""
    for name in (photo.name, photo.thumbnail):
        remove_upload(UGC_FOLDER, name)


def send_ugc_photo(name: str, allowed: bool):
    """The response for the photo ``name``: 404 when the reader may not see it (the same
    answer as a name that does not exist, so a refusal tells nothing), else the file,
    cached by the reader's browser only.

    :param allowed: the caller's permission check, made for this request.
    """
    if not allowed or not _NAME.match(name or ""):
        abort(404)
    response = send_upload(UGC_FOLDER, name, mimetype="image/jpeg", max_age=CACHE_SECONDS)
    response.cache_control.public = False
    response.cache_control.private = True
    response.headers.pop("Expires", None)
    return response
