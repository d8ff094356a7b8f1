"""Fixtures for checkpoint settings and further codes: users, a store's checkpoint, codes."""

import io

import pytest
import zxingcpp
from PIL import Image

from rally.campaigns.models import Checkpoint, CheckpointCode
from rally.extensions import db


@pytest.fixture
def make_code(app):
    def make(checkpoint_id, label_ja="レジ2", label_en="Register 2"):
        with app.app_context():
            code = CheckpointCode(
                checkpoint_id=checkpoint_id, label={"ja": label_ja, "en": label_en}
            )
            db.session.add(code)
            db.session.commit()
            return code.id

    return make


@pytest.fixture
def get_checkpoint(app):
    def get(checkpoint_id):
        with app.app_context():
            checkpoint = db.session.get(Checkpoint, checkpoint_id)
            db.session.expunge(checkpoint)
            return checkpoint

    return get


def decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text
