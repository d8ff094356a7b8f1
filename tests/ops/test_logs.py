"""Logs: a line per request with its id, JSON when asked, and never an e-mail address, a
card key, a token, a password or a query string holding them."""

import io
import json
import logging

import pytest

from rally import create_app
from rally.cards.models import new_card_key
from rally.extensions import db
from rally.ops.logs import REQUEST_ID_HEADER, make_handler
from rally.stamping.tokens import checkpoint_token


@pytest.fixture
def json_app(app):
    """The suite's app, logging as JSON (as ``RALLY_LOG_FORMAT=json`` does)."""
    config = {key: app.config[key] for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    made = create_app(
        {
            **config,
            "TESTING": True,
            "RALLY_BASE_URL": "http://rally.test",
            "RALLY_UPLOAD_FOLDER": app.config["RALLY_UPLOAD_FOLDER"],
            "RALLY_LOG_FORMAT": "json",
            "RALLY_MIN_STAMP_INTERVAL": 0,
        }
    )

    @made.get("/test/log")
    def log_something():
        logging.getLogger("rally.test").warning("inside the request")
        return "ok"

    yield made
    with made.app_context():
        db.session.remove()
        db.engine.dispose()


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def logged(log_format: str, message: str, *args) -> str:
    stream = io.StringIO()
    logger = logging.getLogger("rally.test.redaction")
    handler = make_handler(log_format, stream)
    logger.addHandler(handler)
    try:
        logger.warning(message, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


SECRETS = {
    "an e-mail address": ("sign-up by %s", "hanako.yamada+rally@example.jp"),
    "a card key": ("card %s opened", new_card_key()),
    "a password": ("login form password=%s", "correct horse battery"),
    "a bearer token": ("Authorization: Bearer %s", "rally_pat_0123456789abcdefABCDEF"),
    "a query string": ("GET /me/reset?token=%s&email=a@b.jp", "Zm9vYmFy.c2lnbmF0dXJl"),
    "a scan link": ("scan of /s/%s", "WzEsMV0.abcDEF123_-xyz"),
    "a short code": ("transfer code=%s", "ABCD-EFGH"),
}


@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_secrets_are_masked(log_format, kind):
    message, secret = SECRETS[kind]
    output = logged(log_format, message, secret)
    assert secret not in output
    assert "[redacted]" in output or "[email]" in output
    if log_format == "json":
        assert json.loads(output)["level"] == "WARNING"


def test_a_traceback_is_masked_too():
    stream = io.StringIO()
    logger = logging.getLogger("rally.test.redaction")
    handler = make_handler("text", stream)
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("no account for taro@example.jp")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    assert "taro@example.jp" not in stream.getvalue()
    assert "ValueError: no account for [email]" in stream.getvalue()


def test_one_json_line_per_request_with_its_id(json_app, capsys):
    client = json_app.test_client()
    capsys.readouterr()
    response = client.get("/privacy", headers={REQUEST_ID_HEADER: "lb-4f2a9c81"})
    assert response.headers[REQUEST_ID_HEADER] == "lb-4f2a9c81"
    (line,) = [e for e in json_lines(capsys.readouterr().err) if e["logger"] == "rally.requests"]
    assert line["request_id"] == "lb-4f2a9c81"
    assert (line["method"], line["endpoint"], line["status"]) == ("GET", "site.privacy", 200)
    assert isinstance(line["duration_ms"], float)


def test_every_record_carries_the_request_id(json_app, capsys):
    client = json_app.test_client()
    capsys.readouterr()
    response = client.get("/test/log")
    request_id = response.headers[REQUEST_ID_HEADER]
    entries = json_lines(capsys.readouterr().err)
    inside = [e for e in entries if e["logger"] == "rally.test"]
    assert inside and inside[0]["message"] == "inside the request"
    assert {e["request_id"] for e in entries} == {request_id}


@pytest.mark.parametrize(
    "offered", ["short", "two words here", "x" * 200, "<script>alert(1)</script>"]
)
def test_an_unusable_request_id_is_replaced(json_app, offered):
    response = json_app.test_client().get("/healthz", headers={REQUEST_ID_HEADER: offered})
    made = response.headers[REQUEST_ID_HEADER]
    assert made != offered and len(made) == 32


def test_a_scan_and_a_card_are_logged_by_endpoint_not_address(json_app, make_campaign, capsys):
    _, checkpoints = make_campaign(stores=1)
    with json_app.app_context():
        from rally.campaigns.models import Checkpoint

        token = checkpoint_token(db.session.get(Checkpoint, checkpoints[0]))
    client = json_app.test_client()
    capsys.readouterr()
    scan = client.get(f"/s/{token}?utm_source=poster")
    card = client.get(scan.location)
    assert card.status_code == 200
    err = capsys.readouterr().err
    endpoints = [e["endpoint"] for e in json_lines(err) if e["logger"] == "rally.requests"]
    assert endpoints == ["stamping.scan", "cardpage.card"]
    assert token not in err and "utm_source" not in err and scan.location not in err


def test_text_is_the_default_format(app, capsys):
    app.test_client().get("/healthz")
    err = capsys.readouterr().err
    assert "GET ops.healthz 200" in err and not err.lstrip().startswith("{")


def test_an_unknown_format_is_refused(app):
    with pytest.raises(RuntimeError, match="RALLY_LOG_FORMAT"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "RALLY_LOG_FORMAT": "xml"})
