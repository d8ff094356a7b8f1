"""Class guard: no GET route answers a server error, whatever a hostile or careless person
puts in its URL (issue 16: a CR/LF in ``next`` answered 500 on three routes).

Every GET route of the app is requested on a seeded demo district, as an anonymous person,
a visitor holding a card, a merchant and the association, first with each path part
replaced by odd values, then with each query parameter the route reads set to odd values,
then (where the page answers) with every known parameter at once. Which parameters a route
reads is recorded while it answers, so a parameter added later is swept without editing
this file.
"""

import time

import pytest
from flask import Request
from flask_migrate import stamp
from werkzeug.datastructures import ImmutableMultiDict

from rally.campaigns.models import Checkpoint
from rally.cards.cookie import _serializer
from rally.cards.reading import open_card
from rally.demo import ADMIN_EMAIL, ADMIN_PASSWORD, MERCHANT_EMAIL, MERCHANT_PASSWORD, seed_demo
from rally.extensions import db
from rally.stamping.operations import grant_stamp
from rally.utils import utcnow

HUGE = "9" * 40
ODD_TEXT = ("\x00", "/\r\nX-Injected: 1", "１２３", "a" * 5000)
ODD_IDS = ("0", str(2**31), HUGE)
ODD_QUERY = ("-1", "0", str(10**20), "abc", *ODD_TEXT)
# Every query parameter a view or template reads (grep request.args, int_arg, the GET forms):
# used where a route copies the whole query string instead of reading names one by one.
KNOWN_QUERY = (
    "again campaign category code end first lang last moved new next occurrence page q "
    "resolved start status tag"
).split()
# One valid part for each converter, so the baseline request reaches the view's body.
VALID_TEXT = {"lang": "ja", "fmt": "png", "name": "stamps", "code": "en", "filename": "app.css"}

_read: set[str] = set()


class _RecordingArgs(ImmutableMultiDict):
    """Query arguments that note which names the view asked for."""

    def get(self, key, default=None, type=None):
        _read.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        _read.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        _read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _read.add(key)
        return super().__contains__(key)

    def copy(self):
        _read.add("*")
        return super().copy()

    def to_dict(self, flat=True):
        _read.add("*")
        return super().to_dict(flat)


class _RecordingRequest(Request):
    parameter_storage_class = _RecordingArgs


def _path_variants(rule):
    """The rule's URL with valid parts, then once per part with each odd value."""
    valid = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "IdConverter":
            valid[name] = "1"
        elif kind == "AnyConverter":
            valid[name] = sorted(converter.items)[0]
        else:
            valid[name] = VALID_TEXT.get(name, "x")
    yield valid
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "AnyConverter":
            continue
        for odd in ODD_IDS if kind == "IdConverter" else ODD_TEXT:
            yield {**valid, name: odd}


def _build(rule, values) -> str:
    """The path of ``rule`` with ``values`` put in literally (``url_for`` would refuse them)."""
    path = ""
    for is_dynamic, part in rule._trace:
        if is_dynamic:
            path += values[part]
        else:
            path += part
    return path.split("|", 1)[1]


@pytest.fixture
def district(app):
    """The demo district with a visitor's card holding two stamps."""
    app.request_class = _RecordingRequest
    with app.app_context():
        stamp()  # a district at the newest migration (as deployed): /readyz answers 200
        seed_demo(utcnow())
        card = open_card(None)
        for checkpoint in db.session.scalars(db.select(Checkpoint).limit(2)):
            grant_stamp(card, checkpoint, utcnow())
        db.session.commit()
        with app.test_request_context():
            cookie = _serializer().dumps(card.key)
    clients = {"anonymous": app.test_client(), "visitor": app.test_client()}
    clients["visitor"].set_cookie(app.config["RALLY_CARD_COOKIE"], cookie, domain="localhost")
    for role, email, password in (
        ("merchant", MERCHANT_EMAIL, MERCHANT_PASSWORD),
        ("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    ):
        clients[role] = app.test_client()
        response = clients[role].post("/auth/login", data={"email": email, "password": password})
        assert response.status_code == 303, role
    return clients


def test_no_get_route_answers_a_server_error(app, district):
    rules = sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in rule.methods),
        key=lambda rule: rule.rule,
    )
    failures, sent, answered = [], 0, 0
    started, cpu = time.monotonic(), time.process_time()

    def get(role, path, query=None):
        nonlocal sent
        sent += 1
        _read.clear()
        try:
            response = district[role].get(path, query_string=query)
            status = response.status_code
            response.close()  # a sent file (a photo) is closed, as a server closes it
        except Exception as error:  # the app raised instead of answering (TESTING propagates)
            status = f"{type(error).__name__}: {str(error)[:120]}"
        if not isinstance(status, int) or status >= 500:
            shown = {k: v[:20] + "..." if len(v) > 20 else v for k, v in (query or {}).items()}
            failures.append(f"{role} GET {path[:80]!r} {shown} -> {status}")
        return status, set(_read)

    for role in district:
        for rule in rules:
            variants = _path_variants(rule)
            path = _build(rule, next(variants))
            status, read = get(role, path)
            answered += status == 200
            for values in variants:
                get(role, _build(rule, values))
            names = KNOWN_QUERY if "*" in read else sorted(read)
            for name in names:
                for odd in ODD_QUERY:
                    get(role, path, {name: odd})
            if status == 200:  # a parameter read only once another one is there
                for odd in (str(10**20), *ODD_TEXT):
                    get(role, path, dict.fromkeys(KNOWN_QUERY, odd))

    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    print(f"route sweep: {sent} requests ({answered} pages) in {elapsed:.1f} s ({cpu:.1f} s CPU)")
    # The sweep must reach the pages, not only their log-in redirects and 404s.
    assert answered > 150, answered
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures)
