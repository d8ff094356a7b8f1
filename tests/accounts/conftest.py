"""Fixtures for accounts, the merchant area and photos."""

import io

import pytest
from PIL import Image

from rally.auth.models import Role, User
from rally.extensions import db
from rally.stores.models import Store

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path):
    """Photos go to the test's own folder, never to the real instance folder."""
    app.config["RALLY_UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def login(client):
    """Log ``client`` in as ``user``; returns the response of the log-in POST."""

    def do(user, password=PASSWORD, next_url=None):
        url = "/auth/login" + (f"?next={next_url}" if next_url else "")
        return client.post(url, data={"email": user.email, "password": password})

    return do


@pytest.fixture
def merchant(make_user):
    return make_user(role=Role.merchant, name="Merchant One")


@pytest.fixture
def other_merchant(make_user):
    return make_user(role=Role.merchant, name="Merchant Two")


@pytest.fixture
def admin(make_user):
    return make_user(role=Role.admin, name="Association")


@pytest.fixture
def own_store(make_store, merchant):
    return make_store(owner_id=merchant.id)


@pytest.fixture
def others_store(make_store, other_merchant):
    return make_store(owner_id=other_merchant.id, name_en="Somebody Else's Shop")


@pytest.fixture
def get_store(app):
    def get(store_id):
        with app.app_context():
            store = db.session.get(Store, store_id)
            db.session.expunge(store)
            return store

    return get


@pytest.fixture
def count(app):
    def count_rows(model):
        with app.app_context():
            return db.session.query(model).count()

    return count_rows


def image_bytes(size=(120, 80), fmt="JPEG", color=(200, 30, 30), mode="RGB", **save):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def users_named(app, email):
    with app.app_context():
        return db.session.query(User).filter_by(email=email).count()
