"""Fixtures for the merchant area and its photos: the upload folder, image files."""

import io

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path):
    """Photos go to the test's own folder, never to the real instance folder."""
    app.config["RALLY_UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def image_bytes(size=(120, 80), fmt="JPEG", color=(200, 30, 30), mode="RGB", **save):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()
