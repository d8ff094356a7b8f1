"""Both log-in forms do the same hashing work for an unknown address as for a known one,
so the time of an answer does not tell who has an account (checked by counting key
derivations, never by timing)."""

import hashlib

import pytest

from rally.extensions import db
from rally.visitors.models import Visitor


@pytest.fixture
def key_derivations(monkeypatch):
    """How many password key derivations (scrypt or PBKDF2) have run since."""
    calls = []
    for name in ("scrypt", "pbkdf2_hmac"):
        real = getattr(hashlib, name)

        def spy(*args, _real=real, **kwargs):
            calls.append(1)
            return _real(*args, **kwargs)

        monkeypatch.setattr(hashlib, name, spy)
    return calls


def derivations_of(client, url, email, key_derivations) -> int:
    client.post(url, data={"email": email, "password": "some guess 123"})  # a warm-up
    before = len(key_derivations)
    response = client.post(url, data={"email": email, "password": "some guess 123"})
    assert response.status_code == 400
    return len(key_derivations) - before


def test_staff_log_in_hashes_once_for_an_unknown_address_as_for_a_known_one(
    client, make_user, key_derivations
):
    user = make_user()
    known = derivations_of(client, "/auth/login", user.email, key_derivations)
    unknown = derivations_of(client, "/auth/login", "nobody@example.jp", key_derivations)
    assert (known, unknown) == (1, 1)


def test_visitor_log_in_hashes_once_for_an_unknown_address_as_for_a_known_one(
    app, client, key_derivations
):
    with app.app_context():
        visitor = Visitor(email="hanako@example.jp")
        visitor.set_password("long enough pw")
        db.session.add(visitor)
        db.session.commit()
    known = derivations_of(client, "/me/login", "hanako@example.jp", key_derivations)
    unknown = derivations_of(client, "/me/login", "nobody@example.jp", key_derivations)
    assert (known, unknown) == (1, 1)
