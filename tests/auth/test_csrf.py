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


NOTICE = "This form had expired. Your input is kept: please check it and submit again."
ENGLISH = {"Accept-Language": "en"}


def _logged_in(csrf_client, user):
    login_page = csrf_client.get("/auth/login").text
    csrf_client.post(
        "/auth/login",
        data={
            "email": user.email,
            "password": "correct horse battery",
            "csrf_token": _token(login_page),
        },
    )


@pytest.mark.parametrize("token", [None, "expired-or-forged"])
def test_an_expired_store_profile_form_keeps_the_input_and_saves_nothing(
    csrf_client, merchant, own_store, get_store, token
):
    _logged_in(csrf_client, merchant)
    typed = {"name-ja": "新しい店名", "name-en": "Renamed Shop", "category": "buy"}
    if token:
        typed["csrf_token"] = token
    response = csrf_client.post(f"/merchant/stores/{own_store}/edit", data=typed, headers=ENGLISH)
    assert response.status_code == 400
    page = response.text
    assert NOTICE in page
    assert 'value="新しい店名"' in page and 'value="Renamed Shop"' in page
    fresh = _token(page)
    assert fresh != token
    assert get_store(own_store).name.get("ja") != "新しい店名"
    # Sent again with the page's fresh token, it is saved.
    again = csrf_client.post(
        f"/merchant/stores/{own_store}/edit", data={**typed, "csrf_token": fresh}
    )
    assert again.status_code == 303
    assert get_store(own_store).name.get("ja") == "新しい店名"


def test_an_expired_sign_up_keeps_the_input_but_not_the_password(csrf_client, count):
    from rally.auth.models import User
    from rally.stores.models import Store

    users, stores = count(User), count(Store)
    typed = {
        "name": "山田花子",
        "email": "hanako@example.jp",
        "password": "a long enough secret",
        "confirm": "a long enough secret",
        "store_name-ja": "花子のパン屋",
        "category": "buy",
        "address-ja": "三鷹市下連雀3-1",
        "csrf_token": "from-a-closed-browser",
    }
    response = csrf_client.post("/auth/signup", data=typed, headers=ENGLISH)
    assert response.status_code == 400
    page = response.text
    assert NOTICE in page
    for kept in ("山田花子", "hanako@example.jp", "花子のパン屋", "三鷹市下連雀3-1"):
        assert f'value="{kept}"' in page or f">{kept}<" in page, kept
    assert "a long enough secret" not in page
    assert (count(User), count(Store)) == (users, stores)
    # The session the refusal started carries the fresh token: the second try signs up.
    again = csrf_client.post("/auth/signup", data={**typed, "csrf_token": _token(page)})
    assert again.status_code == 303
    assert (count(User), count(Store)) == (users + 1, stores + 1)


def test_a_one_button_form_with_an_expired_token_is_refused_as_before(
    csrf_client, merchant, own_store, get_store
):
    """A view that has no typed input to keep (a button) answers the usual refusal."""
    _logged_in(csrf_client, merchant)
    response = csrf_client.post("/auth/logout", headers=ENGLISH)
    assert response.status_code == 400
    assert "Your form expired or was sent from another site." in response.text
    assert NOTICE not in response.text
    assert csrf_client.get("/merchant/").status_code == 200  # still logged in


def test_a_view_without_a_form_writes_nothing_without_a_valid_token(database_url, app, count):
    """Whatever a view does with a refused token, its writes are refused and undone."""
    from flask import session

    from rally.auth.models import Role, User

    strict = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": True,
        }
    )

    @strict.post("/test/careless")
    def careless():
        session["careless"] = True
        db.session.add(User(email="careless@example.jp", role=Role.merchant, password_hash="x"))
        db.session.commit()
        return "written"

    users = count(User)
    client = strict.test_client()
    response = client.post("/test/careless", data={"email": "x"}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "Your form expired or was sent from another site." in response.text
    assert count(User) == users
    with client.session_transaction() as kept:
        assert "careless" not in kept
    with strict.app_context():
        db.session.remove()
        db.engine.dispose()
