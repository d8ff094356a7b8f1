"""CSRF protection is really on outside the test configuration."""

import re

import pytest

from rally import create_app
from rally.extensions import db


@pytest.fixture
def csrf_client(app, database_url):
    """A second app on the same database, with CSRF checks enabled."""
    strict = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    yield strict.test_client()
    with strict.app_context():
        db.session.remove()
        db.engine.dispose()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_profile_form_without_token_is_refused(csrf_client, merchant, own_store, get_store):
    login_page = csrf_client.get("/auth/login").text
    csrf_client.post(
        "/auth/login",
        data={
            "email": merchant.email,
            "password": "correct horse battery",
            "csrf_token": _token(login_page),
        },
    )
    assert csrf_client.get("/merchant/").status_code == 200
    response = csrf_client.post(
        f"/merchant/stores/{own_store}/edit",
        data={"name-ja": "乗っ取り", "category": "buy"},
    )
    assert response.status_code == 400
    assert get_store(own_store).name.get("ja", "") != "乗っ取り"

    page = csrf_client.get(f"/merchant/stores/{own_store}/edit").text
    response = csrf_client.post(
        f"/merchant/stores/{own_store}/edit",
        data={"name-ja": "正規の更新", "category": "buy", "csrf_token": _token(page)},
    )
    assert response.status_code == 303
    assert get_store(own_store).name.get("ja", "") == "正規の更新"


def test_login_without_token_is_refused(csrf_client, merchant):
    response = csrf_client.post(
        "/auth/login", data={"email": merchant.email, "password": "correct horse battery"}
    )
    assert response.status_code == 400
    assert csrf_client.get("/merchant/").status_code == 302
