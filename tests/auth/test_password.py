"""Changing a password, and setting a new one from an e-mailed link when it is forgotten."""

import re
from datetime import timedelta

import pytest

from rally import passwords
from rally.auth.models import User
from rally.extensions import db
from rally.mail import outbox
from tests.conftest import PASSWORD

NEW_PASSWORD = "a much longer new secret"


def sent(app) -> list:
    with app.app_context():
        return list(outbox())


def reset_link(message) -> str:
    return re.search(r"http://rally\.test(/auth/password/reset/\S+)", message.get_content())[1]


def ask_for_link(client, email, lang="en"):
    return client.post(
        "/auth/password/forgot", data={"email": email}, headers={"Accept-Language": lang}
    )


def set_new(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def logs_in(app, user, password) -> bool:
    other = app.test_client()
    response = other.post("/auth/login", data={"email": user.email, "password": password})
    return response.status_code == 303


# Changing the password while logged in


def test_change_password(app, client, auth, merchant):
    auth.login(merchant)
    response = client.post(
        "/auth/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 303
    assert client.get("/merchant/").status_code == 200  # still logged in here
    assert logs_in(app, merchant, NEW_PASSWORD)
    assert not logs_in(app, merchant, PASSWORD)


def test_wrong_current_password_changes_nothing(app, client, auth, merchant):
    auth.login(merchant)
    response = client.post(
        "/auth/password",
        data={"current": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        headers={"Accept-Language": "ja"},
    )
    assert response.status_code == 400
    assert "現在のパスワードが違います" in response.get_data(as_text=True)
    assert logs_in(app, merchant, PASSWORD)


def test_short_new_password_is_refused(client, auth, merchant):
    auth.login(merchant)
    response = client.post(
        "/auth/password",
        data={"current": PASSWORD, "password": "short", "confirm": "short"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "at least 10 characters" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "at most 200 characters"), ("ja", "パスワードは200文字以内にしてください")],
)
def test_too_long_new_password_is_told_the_maximum(app, client, auth, merchant, lang, message):
    auth.login(merchant)
    long = "x" * 201
    response = client.post(
        "/auth/password",
        data={"current": PASSWORD, "password": long, "confirm": long},
        headers={"Accept-Language": lang},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert "at least" not in html and "文字以上" not in html
    assert logs_in(app, merchant, PASSWORD)


def test_changing_the_password_ends_the_other_log_ins(app, client, auth, merchant):
    phone = auth.new_client(merchant)
    assert phone.get("/merchant/").status_code == 200
    auth.login(merchant)
    client.post(
        "/auth/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert phone.get("/merchant/").status_code == 302  # to the log-in page
    assert client.get("/merchant/").status_code == 200


def test_change_password_needs_a_log_in(client):
    response = client.get("/auth/password")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


# Forgotten password


def test_forgotten_password_by_e_mail_link(app, client, merchant):
    response = ask_for_link(client, merchant.email.upper())
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login"
    (message,) = sent(app)
    assert message["To"] == merchant.email
    assert message["Subject"] == "Set a new password"
    path = reset_link(message)
    assert client.get(path).status_code == 200
    assert set_new(client, path).status_code == 303
    assert logs_in(app, merchant, NEW_PASSWORD)
    assert not logs_in(app, merchant, PASSWORD)


def test_the_answer_does_not_tell_who_has_an_account(app, client, merchant):
    known = ask_for_link(client, merchant.email)
    unknown = ask_for_link(client, "nobody@example.jp")
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    page = client.get("/auth/login").get_data(as_text=True)
    assert "If an account uses nobody@example.jp" in page
    assert len(sent(app)) == 1


def test_the_mail_is_in_the_language_of_the_page(app, client, merchant):
    ask_for_link(client, merchant.email, lang="ja")
    (message,) = sent(app)
    assert message["Subject"] == "新しいパスワードの設定"
    assert "1時間" in message.get_content()


def test_a_closed_account_gets_no_link(app, client, make_user):
    user = make_user(active=False)
    assert ask_for_link(client, user.email).status_code == 303
    assert sent(app) == []


def test_the_link_works_once(app, client, merchant):
    ask_for_link(client, merchant.email)
    path = reset_link(sent(app)[0])
    set_new(client, path)
    response = client.get(path, headers={"Accept-Language": "ja"})
    assert response.status_code == 404
    assert "このリンクは無効" in response.get_data(as_text=True)
    assert set_new(client, path, password="yet another password!").status_code == 404
    assert logs_in(app, merchant, NEW_PASSWORD)


def test_an_older_link_stops_working_once_the_password_changed(app, client, merchant):
    ask_for_link(client, merchant.email)
    ask_for_link(client, merchant.email)
    first, second = (reset_link(message) for message in sent(app))
    set_new(client, second)
    assert client.get(first).status_code == 404


def test_an_expired_link_is_refused(app, client, merchant, monkeypatch):
    ask_for_link(client, merchant.email)
    path = reset_link(sent(app)[0])
    monkeypatch.setattr(passwords, "RESET_LIFETIME", timedelta(seconds=-1))
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)


def test_an_altered_link_is_refused(client, merchant):
    assert client.get("/auth/password/reset/not-a-token").status_code == 404


def test_a_new_password_from_a_link_ends_every_log_in(app, client, auth, merchant):
    phone = auth.new_client(merchant)
    auth.login(merchant)
    ask_for_link(client, merchant.email)
    set_new(client, reset_link(sent(app)[0]))
    assert client.get("/merchant/").status_code == 302  # this browser: logged out
    assert phone.get("/merchant/").status_code == 302  # and the phone left logged in


def test_mismatched_passwords_keep_the_link(app, client, merchant):
    ask_for_link(client, merchant.email)
    path = reset_link(sent(app)[0])
    response = set_new(client, path, confirm="something different")
    assert response.status_code == 400
    assert set_new(client, path).status_code == 303


def test_of_submissions_racing_with_one_link_only_one_wins(app, client, merchant, race):
    """The password is replaced by ``UPDATE ... WHERE password_hash = <the one read>``: of
    requests that all read the account before any changed it, one wins (PostgreSQL lets
    them race; SQLite's write lock runs them one after the other, and the link is spent)."""
    ask_for_link(client, merchant.email)
    path = reset_link(sent(app)[0])

    def prepare(index):
        browser = app.test_client()
        password = f"the new password number {index}"
        return lambda: (set_new(browser, path, password=password).status_code, password)

    results = race(4, prepare)
    assert sorted(status for status, _ in results) == [303, 404, 404, 404]
    (winner,) = [password for status, password in results if status == 303]
    assert logs_in(app, merchant, winner)


def test_a_password_changed_meanwhile_is_not_overwritten(app, merchant):
    with app.app_context():
        stale = db.session.get(User, merchant.id)
        read_hash = stale.password_hash
        db.session.rollback()  # a request runs under its write lock; here: no stale snapshot
        with app.app_context():  # the other request, committed first
            db.session.get(User, merchant.id).set_password(NEW_PASSWORD)
            db.session.commit()
        assert passwords.replace_password(User, stale, read_hash, "the loser's password") is False
        db.session.rollback()
    assert logs_in(app, merchant, NEW_PASSWORD)


@pytest.fixture
def limited_app(make_limited_app):
    return make_limited_app()


def test_links_for_one_address_are_limited(limited_app, merchant, make_user):
    other = make_user()
    client = limited_app.test_client()
    answers = [ask_for_link(client, merchant.email).status_code for _ in range(6)]
    assert answers == [303] * 5 + [429]
    assert ask_for_link(client, other.email).status_code == 303  # another address: its own
    assert len(sent(limited_app)) == 6


def test_the_pages_link_to_the_password_pages(client, auth, merchant):
    assert 'href="/auth/password/forgot"' in client.get("/auth/login").get_data(True)
    auth.login(merchant)
    assert 'href="/auth/password"' in client.get("/merchant/").get_data(True)
