"""Log-in, log-out, inactive accounts and the ``next`` parameter."""

from rally.auth.operations import AuthError, authenticate
from rally.extensions import db, login_manager
from tests.conftest import PASSWORD


def test_password_is_stored_hashed(app, merchant):
    with app.app_context():
        user = db.session.merge(merchant)
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_login_then_merchant_area(client, auth, merchant):
    response = auth.login(merchant)
    assert response.status_code == 303
    assert response.headers["Location"] == "/merchant/"
    assert client.get("/merchant/").status_code == 200


def test_association_lands_in_the_back_office(client, auth, admin):
    response = auth.login(admin)
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_log_in_is_not_kept_by_a_language_choice(client, auth, merchant):
    client.get("/lang/en")
    auth.login(merchant)
    session_cookie = client.get_cookie("session")
    assert session_cookie is not None and session_cookie.expires is None  # the browser's
    language = client.get_cookie("rally_lang")
    assert language.value == "en" and language.expires is not None


def test_wrong_password_is_refused(ctx, merchant):
    try:
        authenticate(merchant.email, "wrong password!")
    except AuthError as error:
        assert error.code == "bad_credentials"
    else:
        raise AssertionError("wrong password accepted")


def test_inactive_account_gets_its_own_translated_error(client, make_user):
    user = make_user(active=False)
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"Accept-Language": "ja"},
    )
    assert response.status_code == 400
    assert "このアカウントは無効" in response.get_data(as_text=True)
    assert client.get("/merchant/").status_code == 302


def test_inactive_code(ctx, make_user):
    user = make_user(active=False)
    try:
        authenticate(user.email, PASSWORD)
    except AuthError as error:
        assert error.code == "account_inactive"
    else:
        raise AssertionError("inactive account accepted")


def test_next_on_this_site_is_followed(auth, merchant):
    response = auth.login(merchant, next_url="/merchant/figures")
    assert response.headers["Location"] == "/merchant/figures"


def test_next_to_another_site_is_ignored(auth, merchant):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = auth.login(merchant, next_url=target)
        assert response.headers["Location"] == "/merchant/", target


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/merchant/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_logout_ends_the_session(client, auth, merchant):
    auth.login(merchant)
    assert client.post("/auth/logout").status_code == 303
    assert client.get("/merchant/").status_code == 302


def test_session_protection_is_strong(app):
    assert login_manager.session_protection == "strong"


def test_account_closed_during_a_session_stops_working(client, auth, merchant, app):
    auth.login(merchant)
    assert client.get("/merchant/").status_code == 200
    with app.app_context():
        db.session.get(type(merchant), merchant.id).active = False
        db.session.commit()
    response = client.get("/merchant/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_next_with_a_line_break_is_ignored(client, auth, merchant):
    """A staff member was logged in behind a 500: the header could not hold the CR/LF."""
    response = auth.login(merchant, next_url="/%0d%0aX:1")
    assert response.status_code == 303
    assert response.headers["Location"] == "/merchant/"
    assert client.get("/merchant/").status_code == 200


def test_a_staff_session_from_another_browser_is_logged_out(client, auth, merchant):
    auth.login(merchant)
    assert client.get("/merchant/").status_code == 200
    stolen = client.get("/merchant/", headers={"User-Agent": "another browser"})
    assert stolen.status_code == 302  # "strong" protection: the log-in is gone
    assert client.get("/merchant/").status_code == 302


def test_a_session_without_a_staff_log_in_is_left_alone(app, client):
    """An anonymous visitor's session (a form's CSRF token) is not rewritten on each page,
    nor does each answer clear a remember cookie it never had."""
    app.config["WTF_CSRF_ENABLED"] = True  # as in production
    client.get("/me/login")  # a form page: the session now holds a CSRF token
    assert client.get_cookie("session") is not None
    for path in ("/stores", "/"):
        response = client.get(path)
        assert response.headers.getlist("Set-Cookie") == [], path
