"""Where uploads live: a folder on this machine (the default) or an S3-compatible bucket.

Every room that keeps an upload (store photos, spot pictures, stamp designs, residents'
photos, post photos) saves, reads, serves and deletes it here, by key:
``<folder>/<name>``, e.g. ``stores/3f2a....jpg``. The name is random and made by the room;
the folder is the room's. ``RALLY_STORAGE`` chooses the backend:

- ``"local"`` (default): files under ``RALLY_UPLOAD_FOLDER`` (default
  ``instance/uploads``), as before: one server, or several sharing a network folder.
- ``"s3"``: objects in ``RALLY_S3_BUCKET`` at ``RALLY_S3_ENDPOINT_URL`` (any S3-compatible
  service; empty for AWS itself) in ``RALLY_S3_REGION``; credentials come from the usual
  AWS variables (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, or a role), read by
  boto3. Several servers then share one set of uploads.

Either way the app serves an upload itself (:meth:`Storage.send`): the room's view checks
who may see it on every request and sets its caching, exactly as for a local file; the
bucket stays private.
"""

import os
import re
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Protocol

from flask import Response, current_app, request, send_from_directory
from werkzeug.exceptions import NotFound

# A stored name: what the rooms make (random hex or URL-safe characters, a suffix), never a
# path, never hidden (a local write in progress is ".<name>.tmp").
_NAME = re.compile(r"\A[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}\Z")
_FOLDER = re.compile(r"\A[a-z]+\Z")
CHUNK = 64 * 1024


def valid_name(name: str | None) -> bool:
    return bool(name) and bool(_NAME.match(name)) and ".." not in name


def key_of(folder: str, name: str) -> str:
    """The storage key of ``name`` in ``folder``; :class:`ValueError` for anything else
    than a plain stored name (no path can reach outside the uploads)."""
    if not _FOLDER.match(folder) or not valid_name(name):
        raise ValueError(f"not a stored upload: {folder!r}/{name!r}")
    return f"{folder}/{name}"


class Storage(Protocol):
    """The one interface the rooms use; keys come from :func:`key_of`."""

    kind: str

    def save(self, key: str, data: bytes, content_type: str | None = None) -> None: ...

    def read(self, key: str) -> bytes:
        """The stored bytes; :class:`FileNotFoundError` when there is no such upload."""
        ...

    def delete(self, key: str) -> None:
        """Remove an upload; a missing one is nothing to do."""
        ...

    def exists(self, key: str) -> bool: ...

    def keys(self) -> Iterator[str]:
        """Every stored key (the backup's list)."""
        ...

    def send(self, key: str, mimetype: str | None = None, max_age: int = 3600) -> Response:
        """The upload as this request's response: conditional (ETag), publicly cacheable
        for ``max_age`` seconds unless the caller makes it private; 404 when missing."""
        ...


class LocalStorage:
    kind = "local"

    def __init__(self, root: str):
        self.root = root

    def path(self, key: str) -> str:
        return os.path.join(self.root, *key.split("/"))

    def save(self, key: str, data: bytes, content_type: str | None = None) -> None:
        path = self.path(key)
        directory, name = os.path.split(path)
        os.makedirs(directory, exist_ok=True)
        temporary = os.path.join(directory, "." + name + ".tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)  # readers see the whole file or none

    def read(self, key: str) -> bytes:
        with open(self.path(key), "rb") as handle:
            return handle.read()

    def delete(self, key: str) -> None:
        try:
            os.remove(self.path(key))
        except FileNotFoundError:
            pass

    def exists(self, key: str) -> bool:
        return os.path.isfile(self.path(key))

    def keys(self) -> Iterator[str]:
        if not os.path.isdir(self.root):
            return
        for folder in sorted(os.listdir(self.root)):
            directory = os.path.join(self.root, folder)
            if not _FOLDER.match(folder) or not os.path.isdir(directory):
                continue
            for name in sorted(os.listdir(directory)):
                if valid_name(name) and os.path.isfile(os.path.join(directory, name)):
                    yield f"{folder}/{name}"

    def send(self, key: str, mimetype: str | None = None, max_age: int = 3600) -> Response:
        folder, name = key.split("/", 1)
        return send_from_directory(
            os.path.join(self.root, folder), name, mimetype=mimetype, max_age=max_age
        )


class S3Storage:
    kind = "s3"

    def __init__(self, bucket: str, endpoint_url: str | None = None, region: str | None = None):
        import boto3  # only servers that use a bucket pay for importing boto3

        self.bucket = bucket
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None
        )

    def _missing(self, error) -> bool:
        code = error.response.get("Error", {}).get("Code", "")
        return code in ("NoSuchKey", "404", "NotFound")

    def save(self, key: str, data: bytes, content_type: str | None = None) -> None:
        extra = {"ContentType": content_type} if content_type else {}
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, **extra)

    def read(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            found = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from None
            raise
        with found["Body"] as body:
            return body.read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)  # S3: missing is no error

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if self._missing(error):
                return False
            raise
        return True

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        for page in pages:
            for item in page.get("Contents", ()):
                folder, _, name = item["Key"].partition("/")
                if _FOLDER.match(folder) and valid_name(name):
                    yield item["Key"]

    def send(self, key: str, mimetype: str | None = None, max_age: int = 3600) -> Response:
        from botocore.exceptions import ClientError

        try:
            found = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if self._missing(error):
                raise NotFound() from None
            raise
        body = found["Body"]
        # Streamed through the app in chunks: a large photo never sits whole in memory.
        response = Response(
            body.iter_chunks(CHUNK),
            mimetype=mimetype or found.get("ContentType") or "application/octet-stream",
            direct_passthrough=True,
        )
        response.call_on_close(body.close)
        response.content_length = found.get("ContentLength")
        response.set_etag(found["ETag"].strip('"'))
        response.last_modified = found.get("LastModified")
        # As Flask's send_file caches a local file, so the rooms' adjustments read the same.
        response.cache_control.public = True
        response.cache_control.max_age = max_age
        response.expires = datetime.now(UTC) + timedelta(seconds=max_age)
        return response.make_conditional(request)


def upload_root(app=None) -> str:
    """The local uploads folder: ``RALLY_UPLOAD_FOLDER``, by default ``instance/uploads``."""
    app = app or current_app
    return app.config.get("RALLY_UPLOAD_FOLDER") or os.path.join(app.instance_path, "uploads")


def make_storage(app) -> Storage:
    kind = app.config.get("RALLY_STORAGE") or "local"
    if kind == "local":
        return LocalStorage(upload_root(app))
    if kind == "s3":
        if not app.config.get("RALLY_S3_BUCKET"):
            raise RuntimeError("RALLY_STORAGE is 's3' but RALLY_S3_BUCKET is not set.")
        return S3Storage(
            app.config["RALLY_S3_BUCKET"],
            endpoint_url=app.config.get("RALLY_S3_ENDPOINT_URL"),
            region=app.config.get("RALLY_S3_REGION"),
        )
    raise RuntimeError(f"RALLY_STORAGE must be 'local' or 's3', not {kind!r}.")


def storage(app=None) -> Storage:
    """The app's storage; a bucket's client is made once per app and settings (a boto3
    client is thread-safe and reused), a folder is read from the settings each time."""
    app = app or current_app
    config = app.config
    if (config.get("RALLY_STORAGE") or "local") == "local":
        return LocalStorage(upload_root(app))
    settings = tuple(
        config.get(f"RALLY_S3_{name}") for name in ("BUCKET", "ENDPOINT_URL", "REGION")
    )
    cached = app.extensions.get("rally_storage")
    if cached is None or cached[0] != settings:
        cached = app.extensions["rally_storage"] = (settings, make_storage(app))
    return cached[1]


# --- What the rooms call ---------------------------------------------------------------------

CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}


def save_upload(folder: str, data: bytes, suffix: str, name: str | None = None) -> str:
    """Store ``data`` in ``folder`` under a random name (or ``name``, already random) ending
    in ``suffix``; return the name."""
    name = name or secrets.token_hex(16) + suffix
    storage().save(key_of(folder, name), data, CONTENT_TYPES.get(suffix))
    return name


def remove_upload(folder: str, name: str | None) -> None:
    """Remove an upload nothing points to any more (no name, or not a stored name: nothing
    to do)."""
    if not valid_name(name):
        return
    storage().delete(key_of(folder, name))


def read_stored(folder: str, name: str) -> bytes:
    """The bytes of an upload; :class:`FileNotFoundError` when it is gone or not a name."""
    if not valid_name(name):
        raise FileNotFoundError(name)
    return storage().read(key_of(folder, name))


def send_upload(folder: str, name: str, mimetype: str | None = None, max_age: int = 3600):
    """The upload as the response (404 when gone); the caller checked who may see it."""
    if not valid_name(name):
        raise NotFound()
    return storage().send(key_of(folder, name), mimetype=mimetype, max_age=max_age)


def stored_names(folder: str) -> list[str]:
    """The names stored in ``folder`` (tests, and the demo's check)."""
    prefix = folder + "/"
    return sorted(key[len(prefix) :] for key in storage().keys() if key.startswith(prefix))
