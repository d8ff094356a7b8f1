"""Fixtures for stamp designs: users, a store's checkpoint, image files, the upload folder."""

import io

import pytest
from PIL import Image

from rally.campaigns.models import Checkpoint
from rally.extensions import db


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path):
    """Designs go to the test's own folder, never to the real instance folder."""
    app.config["RALLY_UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def own_checkpoint(app, make_campaign, merchant):
    """A checkpoint of a published campaign whose store belongs to ``merchant``."""
    _, checkpoints = make_campaign(stores=1)
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoints[0])
        checkpoint.store.owner_id = merchant.id
        db.session.commit()
    return checkpoints[0]


@pytest.fixture
def design_file(app, upload_folder):
    """The file name of a checkpoint's uploaded design (None: the generated hanko)."""

    def get(checkpoint_id):
        with app.app_context():
            return db.session.get(Checkpoint, checkpoint_id).stamp_image_filename

    return get


def image_bytes(size=(300, 200), fmt="PNG", color=(30, 90, 200, 255), mode="RGBA"):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt)
    return buffer.getvalue()


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image
