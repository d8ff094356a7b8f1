"""The OpenAPI document, generated from the code, and Schemathesis against the app (WSGI,
no server): no server error, every answer conforms to its schema, every status answered
is documented. On SQLite only (scripts/test's first pass): it checks the API's contract,
which does not depend on the database."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rally.auth.models import Role
from rally.extensions import db
from rally.spots.models import SpotKind
from tests.conftest import POSTGRES_URL


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    paths = spec["paths"]
    for name in ("stores", "spots", "events", "news", "campaigns", "lotteries", "survey-results"):
        assert f"/api/v1/{name}" in paths and f"/api/v1/{name}/{{item_id}}" in paths
        listing = paths[f"/api/v1/{name}"]["get"]
        assert {"200", "304", "400", "401", "403", "429"} <= set(listing["responses"])
        names = {p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in listing["parameters"]}
        assert names >= {"lang", "page", "per_page", "IF_NONE_MATCH"}
    me = paths["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerAuth": ["me:read"]}]
    assert {"401", "403"} <= set(me["responses"])
    export = paths["/api/v1/me/export"]["get"]
    assert export["security"] == [{"bearerAuth": ["me:read"]}]
    assert {"200", "401", "403"} <= set(export["responses"])
    # Only reads: the API offers no writes.
    assert {method for path in paths.values() for method in path} - {"parameters"} == {"get"}


# --- Schemathesis ---------------------------------------------------------------------------


@pytest.fixture
def api_schema(app, make_campaign, make_store, make_user):
    """The app with a little of everything, and its schema as Schemathesis reads it."""
    from datetime import timedelta

    from rally.api import tokens
    from rally.news.models import Event, NewsPost
    from rally.spots.models import Spot
    from rally.utils import utcnow
    from rally.visitors.models import Visitor

    make_campaign(stores=2)
    make_store(name_ja="八百辰", name_en="Yaotatsu", wifi=True)
    admin = make_user(role=Role.admin)
    now = utcnow()
    with app.app_context():
        db.session.add(Spot(kind=SpotKind.park, name={"ja": "井の頭公園"}, published=True))
        db.session.add(
            Event(
                title={"ja": "歳末市"},
                starts_at=now + timedelta(days=2),
                ends_at=now + timedelta(days=2, hours=3),
                publish_at=now - timedelta(hours=1),
            )
        )
        db.session.add(NewsPost(title={"ja": "お知らせ"}, publish_at=now - timedelta(hours=1)))
        visitor = Visitor(email="schema@example.jp", locale="ja", verified_at=now)
        visitor.set_password("long enough pw")
        db.session.add(visitor)
        db.session.flush()
        _token, secret = tokens.create_personal_token(
            visitor, tokens.TokenInput(name="Schemathesis", scopes=("me:read",))
        )
        _ = admin
        db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return schema, {"Authorization": f"Bearer {secret}"}


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the API's contract: checked once, on SQLite")
def test_api_conforms_to_its_schema(api_schema):
    """Every operation of the document, with generated arguments (a modest number each)."""
    schema, token = api_schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=50,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            mine = case.path.startswith("/api/v1/me")
            case.call_and_validate(headers=token if mine else None, checks=CHECKS)

        conforms()
