"""Fixtures for checkpoint settings and further codes: users, a store's checkpoint, codes."""

import io

import pytest
import zxingcpp
from PIL import Image

from rally.auth.models import Role
from rally.campaigns.models import Checkpoint, CheckpointCode
from rally.cards.models import Stamp
from rally.extensions import db

PASSWORD = "correct horse battery"


@pytest.fixture
def login(client):
    def do(user, on=None):
        return (on or client).post("/auth/login", data={"email": user.email, "password": PASSWORD})

    return do


@pytest.fixture
def admin(make_user):
    return make_user(role=Role.admin)


@pytest.fixture
def merchant(make_user):
    return make_user(role=Role.merchant)


@pytest.fixture
def checkpoint_id(app, make_campaign, merchant):
    """A checkpoint of a published, running campaign whose store belongs to ``merchant``."""
    _, checkpoints = make_campaign(stores=2)
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoints[0])
        checkpoint.store.owner_id = merchant.id
        db.session.commit()
    return checkpoints[0]


@pytest.fixture
def make_code(app):
    def make(checkpoint_id, label_ja="レジ2", label_en="Register 2"):
        with app.app_context():
            code = CheckpointCode(checkpoint_id=checkpoint_id, label_ja=label_ja, label_en=label_en)
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


@pytest.fixture
def stamps_of(app):
    """``[(card_id, code_id), ...]`` of the stamps at a checkpoint."""

    def stamps(checkpoint_id):
        with app.app_context():
            return [
                (stamp.card_id, stamp.code_id)
                for stamp in db.session.scalars(
                    db.select(Stamp).where(Stamp.checkpoint_id == checkpoint_id)
                )
            ]

    return stamps


def decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text
