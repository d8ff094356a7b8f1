"""The association invites a merchant by a one-time, expiring link."""

import re
from datetime import timedelta

import pytest

from rally.auth import operations
from rally.auth.models import Invitation, Role, User, hash_token
from rally.auth.operations import AuthError, accept_invitation, create_invitation
from rally.extensions import db
from rally.utils import utcnow


def _invite(app, admin, email="new@example.jp", now=None):
    with app.app_context():
        _, token = create_invitation(email, db.session.merge(admin), now or utcnow())
        db.session.commit()
        return token


def _accept(client, token, password="a long password 1"):
    return client.post(
        f"/auth/invitations/{token}",
        data={"name": "New Merchant", "password": password, "confirm": password},
    )


def test_admin_creates_an_invitation_and_sees_the_link(client, auth, admin, app):
    auth.login(admin)
    response = client.post("/auth/invitations", data={"email": "Shop@Example.jp"})
    assert response.status_code == 200
    link = re.search(r'value="(http://rally\.test/auth/invitations/[^"]+)"', response.text)
    assert link
    token = link.group(1).rsplit("/", 1)[1]
    with app.app_context():
        invitation = db.session.query(Invitation).one()
        assert invitation.email == "shop@example.jp"
        # Only a hash is stored: the database alone cannot rebuild the link.
        assert invitation.token_hash == hash_token(token)
        assert token not in invitation.token_hash
        assert invitation.expires_at - invitation.created_at == timedelta(days=7)


def test_invitee_sets_name_and_password_and_becomes_merchant(client, app, admin):
    token = _invite(app, admin)
    assert client.get(f"/auth/invitations/{token}").status_code == 200
    response = _accept(client, token)
    assert response.status_code == 303
    assert response.headers["Location"] == "/merchant/"
    with app.app_context():
        user = db.session.query(User).filter_by(email="new@example.jp").one()
        assert user.role is Role.merchant
        assert user.name == "New Merchant"
        assert user.check_password("a long password 1")
        assert db.session.query(Invitation).one().user_id == user.id
    assert client.get("/merchant/").status_code == 200


def test_invitation_works_once(client, app, admin, count, auth):
    token = _invite(app, admin)
    assert _accept(client, token).status_code == 303
    auth.logout()
    response = _accept(client, token, "another password 2")
    assert response.status_code == 410
    assert count(User) == 2


def test_invitation_used_code(ctx, admin):
    _, token = create_invitation("x@example.jp", db.session.merge(admin), utcnow())
    accept_invitation(token, "X", "a long password 1", utcnow())
    with pytest.raises(AuthError) as caught:
        accept_invitation(token, "Y", "a long password 2", utcnow())
    assert caught.value.code == "invitation_used"


def test_claim_is_atomic_even_if_python_saw_it_open(ctx, admin, monkeypatch):
    """The conditional UPDATE, not the earlier read, decides who gets the invitation."""
    invitation, token = create_invitation("race@example.jp", db.session.merge(admin), utcnow())
    db.session.commit()
    db.session.execute(
        Invitation.__table__.update().values(used_at=utcnow())
    )  # another request won the race
    db.session.commit()
    monkeypatch.setattr(operations, "find_invitation", lambda token, now: invitation)
    with pytest.raises(AuthError) as caught:
        accept_invitation(token, "Late", "a long password 1", utcnow())
    assert caught.value.code == "invitation_used"


def test_expired_invitation_is_refused(client, app, admin, count):
    token = _invite(app, admin, now=utcnow() - timedelta(days=8))
    response = client.get(f"/auth/invitations/{token}", headers={"Accept-Language": "en"})
    assert response.status_code == 410
    assert "This invitation has expired" in response.text
    assert _accept(client, token).status_code == 410
    assert count(User) == 1


def test_expired_code(ctx, admin):
    _, token = create_invitation("old@example.jp", db.session.merge(admin), utcnow())
    with pytest.raises(AuthError) as caught:
        accept_invitation(token, "Old", "a long password 1", utcnow() + timedelta(days=7))
    assert caught.value.code == "invitation_expired"


def test_tampered_token_is_refused(client, app, admin, count):
    token = _invite(app, admin)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get(f"/auth/invitations/{tampered}", headers={"Accept-Language": "ja"})
    assert response.status_code == 404
    assert "招待リンクが正しくありません" in response.text
    assert _accept(client, tampered).status_code == 404
    assert count(User) == 1


def test_invitation_for_an_existing_account_is_refused(ctx, admin, merchant):
    with pytest.raises(AuthError) as caught:
        create_invitation(merchant.email.upper(), db.session.merge(admin), utcnow())
    assert caught.value.code == "email_taken"


def test_short_password_is_refused_and_nothing_saved(client, app, admin, count):
    token = _invite(app, admin)
    response = _accept(client, token, password="short")
    assert response.status_code == 400
    assert count(User) == 1
    with app.app_context():
        assert db.session.query(Invitation).one().used_at is None


def test_merchant_cannot_create_invitations(client, auth, merchant, count):
    auth.login(merchant)
    assert client.get("/auth/invitations").status_code == 403
    assert client.post("/auth/invitations", data={"email": "a@example.jp"}).status_code == 403
    assert count(Invitation) == 0


def test_anonymous_cannot_create_invitations(client, count):
    response = client.post("/auth/invitations", data={"email": "a@example.jp"})
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert count(Invitation) == 0


def test_simultaneous_submissions_create_one_account(app, admin, count, race):
    token = _invite(app, admin)

    def submit(n):
        client = app.test_client()
        return lambda: _accept(client, token, f"a long password {n}").status_code

    assert sorted(race(8, submit)) == [303] + [410] * 7
    assert count(User) == 2
