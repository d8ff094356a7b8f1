"""Class guard: CSRF stays enforced on every POST route. With the token missing or forged,
as an anonymous person, a visitor holding a card, a merchant and the association, every
POST route of the app answers 400 and the database is exactly as before, whether the view
has a form that shows the input again or none (issue 18: an expired form keeps what was
typed, which lets a refused request reach its view read-only)."""

import re

import pytest
from sqlalchemy import select

from rally import create_app
from rally.campaigns.models import Checkpoint
from rally.cards.cookie import _serializer
from rally.cards.reading import open_card
from rally.demo import ADMIN_EMAIL, ADMIN_PASSWORD, MERCHANT_EMAIL, MERCHANT_PASSWORD, seed_demo
from rally.extensions import db
from rally.stamping.operations import grant_stamp
from rally.utils import utcnow

# Typed input a form might keep: names most forms of the app use.
TYPED = {
    "name": "x",
    "name-ja": "x",
    "name-en": "x",
    "title-ja": "x",
    "email": "sweep@example.jp",
    "password": "a long enough secret",
    "code": "ABCDEFGH",
    "pin": "1234",
    "body-ja": "x",
}


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def strict_clients(app, database_url):
    """The demo district, and a client per role of an app with CSRF checks on."""
    with app.app_context():
        seed_demo(utcnow())
        card = open_card(None)
        for checkpoint in db.session.scalars(db.select(Checkpoint).limit(2)):
            grant_stamp(card, checkpoint, utcnow())
        db.session.commit()
        card_key = card.key
    strict = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RALLY_BASE_URL": "http://rally.test",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    with strict.test_request_context():
        cookie = _serializer().dumps(card_key)
    clients = {"anonymous": strict.test_client(), "visitor": strict.test_client()}
    clients["visitor"].set_cookie(strict.config["RALLY_CARD_COOKIE"], cookie, domain="localhost")
    for role, email, password in (
        ("merchant", MERCHANT_EMAIL, MERCHANT_PASSWORD),
        ("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    ):
        client = clients[role] = strict.test_client()
        token = _token(client.get("/auth/login").text)
        response = client.post(
            "/auth/login", data={"email": email, "password": password, "csrf_token": token}
        )
        assert response.status_code == 303, role
    yield strict, clients
    with strict.app_context():
        db.session.remove()
        db.engine.dispose()


def _everything(app) -> dict:
    """Every row of every table."""
    with app.app_context():
        return {
            table.name: sorted(map(repr, db.session.execute(select(table)).all()))
            for table in db.metadata.sorted_tables
        }


def _path(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "AnyConverter":
            values[name] = sorted(converter.items)[0]
        elif kind == "IdConverter":
            values[name] = "1"
        else:
            values[name] = "x"
    path = ""
    for is_dynamic, part in rule._trace:
        path += values[part] if is_dynamic else part
    return path.split("|", 1)[1]


# Exempt by design: a mail client's one-click unsubscribe (RFC 8058) posts without a form
# token; the signed link is what protects it, so a forged one is not found (404).
SIGNED_LINK_ROUTES = {"/unsubscribe/<token>", "/me/digests/unsubscribe/<token>"}


def test_every_post_route_refuses_a_missing_or_forged_token_and_writes_nothing(
    strict_clients,
):
    strict, clients = strict_clients
    rules = sorted(
        (rule for rule in strict.url_map.iter_rules() if "POST" in rule.methods),
        key=lambda rule: rule.rule,
    )
    assert len(rules) > 50
    before = _everything(strict)
    failures = []
    for rule in rules:
        path = _path(rule)
        for role, client in clients.items():
            for token in ({}, {"csrf_token": "forged"}):
                response = client.post(path, data={**TYPED, **token})
                expected = 404 if rule.rule in SIGNED_LINK_ROUTES else 400
                if response.status_code != expected:
                    failures.append((role, path, token, response.status_code))
    assert failures == []
    after = _everything(strict)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == []
