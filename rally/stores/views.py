"""Store pages and files."""

import os

from flask import Blueprint, abort, current_app, send_from_directory

from rally.extensions import db

from .models import Store

bp = Blueprint("stores", __name__, template_folder="templates")


def photo_directory() -> str:
    return os.path.join(current_app.instance_path, "uploads", "stores")


@bp.get("/stores/<int:store_id>/photo")
def photo(store_id: int):
    """A store's photo (re-encoded JPEG written by the upload operation)."""
    store = db.session.get(Store, store_id)
    if store is None or not store.photo_filename:
        abort(404)
    response = send_from_directory(photo_directory(), store.photo_filename, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
