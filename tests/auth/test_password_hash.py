"""New passwords are hashed with werkzeug's scrypt; the suite's cheap method
(``RALLY_TEST_PASSWORD_HASH``, see tests/conftest.py) is honoured only under TESTING."""

import pytest

from rally import create_app
from rally.auth.models import User
from rally.passwords import check_password, hash_password
from rally.visitors.models import Visitor
from tests.conftest import PASSWORD, TEST_PASSWORD_HASH


def made_app(tmp_path, **config):
    return create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'hash.sqlite'}",
            **config,
        }
    )


@pytest.mark.parametrize("model", [User, Visitor])
def test_production_hashes_new_passwords_with_scrypt(tmp_path, model):
    app = made_app(tmp_path, RALLY_TEST_PASSWORD_HASH=TEST_PASSWORD_HASH)  # not TESTING
    with app.app_context():
        account = model(email="hanako@example.jp")
        account.set_password(PASSWORD)
        assert account.password_hash.startswith("scrypt:32768:8:1$")
        assert account.check_password(PASSWORD)
        assert not account.check_password(PASSWORD + "!")
        assert hash_password(PASSWORD).startswith("scrypt:32768:8:1$")


def test_testing_without_the_knob_hashes_with_scrypt(tmp_path):
    app = made_app(tmp_path, TESTING=True)
    with app.app_context():
        assert hash_password(PASSWORD).startswith("scrypt:32768:8:1$")


def test_the_suite_hashes_cheaply_and_checks_the_same_way(app, merchant):
    assert merchant.password_hash.startswith("pbkdf2:sha256:1$")
    assert check_password(merchant.password_hash, PASSWORD)
    assert not check_password(merchant.password_hash, "wrong")
