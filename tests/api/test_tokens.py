"""Tokens: a resident's personal tokens (made on their page, shown once, kept hashed,
revoked), scopes, the association's app tokens with their own rate limits, and the
resident's own data read with a token."""

import re
import threading

import pytest

from rally.api import tokens
from rally.api.models import ApiToken
from rally.api.tokens import token_hash
from rally.extensions import db
from rally.visitors.models import Visitor
from tests.conftest import POSTGRES_URL

from .conftest import bearer, stored_tokens

ME_PATHS = (
    "/api/v1/me",
    "/api/v1/me/cards",
    "/api/v1/me/claims",
    "/api/v1/me/notifications",
    "/api/v1/me/export",
)


def _secret_on(page: str) -> str:
    match = re.search(r'value="(rly_[A-Za-z0-9_\-]+)" data-testid="token-secret"', page)
    assert match, page
    return match.group(1)


def test_resident_creates_a_token_shown_once_and_stored_hashed(app, make_visitor, visitor_client):
    visitor_id = make_visitor()
    client = visitor_client(visitor_id)
    page = client.get("/me/tokens")
    assert page.status_code == 200
    made = client.post("/me/tokens", data={"name": "City app", "scopes": ["me:read"]})
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    secret = _secret_on(html)
    assert "City app" in html

    (row,) = stored_tokens(app)
    assert row.visitor_id == visitor_id and row.scopes == ["me:read"]
    assert row.token_hash == token_hash(secret) and secret not in (row.token_hash, row.prefix)
    assert secret not in client.get("/me/tokens").get_data(as_text=True)  # shown once

    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 200
    assert response.get_json()["id"] == visitor_id


def test_account_page_links_to_the_tokens(make_visitor, visitor_client):
    page = visitor_client(make_visitor()).get("/me/").get_data(as_text=True)
    assert 'href="/me/tokens"' in page


def test_token_page_needs_a_log_in(client):
    response = client.get("/me/tokens")
    assert response.status_code == 302 and "/me/login" in response.headers["Location"]


def test_a_token_without_a_name_is_refused_and_nothing_stored(app, make_visitor, visitor_client):
    client = visitor_client(make_visitor())
    response = client.post("/me/tokens", data={"name": " ", "scopes": ["me:read"]})
    assert response.status_code == 400
    assert stored_tokens(app) == []


def test_revoked_token_answers_401(app, make_visitor, visitor_client, personal_token):
    visitor_id = make_visitor()
    secret = personal_token(visitor_id)
    client = visitor_client(visitor_id)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    (row,) = stored_tokens(app)

    response = client.post(f"/me/tokens/{row.id}/revoke")
    assert response.status_code == 303
    refused = client.get("/api/v1/me", headers=bearer(secret))
    assert refused.status_code == 401
    assert refused.get_json()["code"] == "invalid_token"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert f'data-testid="token-{row.id}"' not in client.get("/me/tokens").get_data(as_text=True)
    assert stored_tokens(app)[0].revoked_at is not None


def test_a_resident_cannot_revoke_anothers_token(app, make_visitor, visitor_client, personal_token):
    owner, other = make_visitor(), make_visitor()
    secret = personal_token(owner)
    (row,) = stored_tokens(app)
    assert visitor_client(other).post(f"/me/tokens/{row.id}/revoke").status_code == 404
    assert stored_tokens(app)[0].revoked_at is None
    assert visitor_client(owner).get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_missing_or_invalid_tokens_answer_401(client):
    for headers in ({}, bearer("rly_not-a-token"), {"Authorization": "Basic dXNlcjpwdw=="}):
        for path in ME_PATHS:
            response = client.get(path, headers=headers)
            assert response.status_code == 401, (path, headers)
            assert response.get_json()["code"] == "invalid_token"


def test_an_app_token_may_not_read_a_residents_data(client, app_token):
    _token_id, secret = app_token()
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 403
    assert response.get_json()["code"] == "insufficient_scope"


def test_a_personal_token_is_not_an_app_token(client, make_visitor, personal_token, make_store):
    make_store()
    secret = personal_token(make_visitor())
    response = client.get("/api/v1/stores", headers=bearer(secret))
    assert response.status_code == 403
    assert response.get_json()["code"] == "insufficient_scope"


def test_no_cors_on_token_endpoints(client, make_visitor, personal_token):
    secret = personal_token(make_visitor())
    for path in ME_PATHS:
        response = client.get(path, headers={**bearer(secret), "Origin": "https://evil.example"})
        assert response.status_code == 200
        assert "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options(
        "/api/v1/me",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_me_reads_profile_cards_claims_and_notifications(
    app, client, make_visitor, personal_token, make_campaign, card_with_stamps
):
    from rally.cards.models import Card
    from rally.notifications.models import Notification
    from rally.rewards.models import Claim

    visitor_id = make_visitor(display_name="花子")
    campaign_id, checkpoint_ids = make_campaign(stores=2)
    card_id = card_with_stamps(checkpoint_ids[:2])
    with app.app_context():
        db.session.get(Card, card_id).visitor_id = visitor_id
        tier_id = db.session.scalar(
            db.select(db.text("id")).select_from(db.text("reward_tier")).limit(1)
        )
        db.session.add(
            Claim(
                card_id=card_id,
                tier_id=tier_id,
                campaign_id=campaign_id,
                code="ABCD1234",
                reward={"ja": "景品", "en": "Prize"},
            )
        )
        db.session.add(Notification(visitor_id=visitor_id, kind="join_answer", detail="approved"))
        db.session.commit()
    headers = bearer(personal_token(visitor_id))

    profile = client.get("/api/v1/me", headers=headers).get_json()
    assert profile["display_name"] == "花子" and profile["email_confirmed"] is True
    cards = client.get("/api/v1/me/cards?lang=en", headers=headers).get_json()["items"]
    assert [card["id"] for card in cards] == [card_id]
    (campaign,) = cards[0]["campaigns"]
    assert campaign["campaign_id"] == campaign_id and campaign["title"] == "Year-End Stamp Rally"
    assert sorted(s["checkpoint_id"] for s in campaign["stamps"]) == sorted(checkpoint_ids[:2])
    claims = client.get("/api/v1/me/claims?lang=en", headers=headers).get_json()
    assert [(c["reward"], c["redeemed_at"]) for c in claims["items"]] == [("Prize", None)]
    assert "code" not in claims["items"][0]  # the counter's code stays on the card page
    notifications = client.get("/api/v1/me/notifications", headers=headers).get_json()
    assert notifications["total"] == 1

    other = bearer(personal_token(make_visitor()))
    assert client.get("/api/v1/me/cards", headers=other).get_json()["items"] == []
    assert client.get("/api/v1/me/claims", headers=other).get_json()["total"] == 0


def test_deleting_the_account_deletes_its_tokens(app, make_visitor, personal_token):
    from rally.visitors.operations import delete_account

    visitor_id = make_visitor()
    personal_token(visitor_id)
    with app.app_context():
        delete_account(db.session.get(Visitor, visitor_id), "long enough pw")
        db.session.commit()
        assert db.session.scalars(db.select(ApiToken)).all() == []


# --- The association's app tokens -----------------------------------------------------------


def test_admin_issues_and_revokes_app_tokens(app, admin_client, client, make_store):
    make_store()
    page = admin_client.post(
        "/admin/api-tokens",
        data={"name": "LINE mini app", "scopes": ["public:read"], "rate_limit": "100 per minute"},
    )
    assert page.status_code == 200
    secret = _secret_on(page.get_data(as_text=True))
    (row,) = stored_tokens(app)
    assert row.visitor_id is None and row.rate_limit == "100 per minute"
    assert row.token_hash == token_hash(secret)

    assert client.get("/api/v1/stores", headers=bearer(secret)).status_code == 200
    admin_client.post(f"/admin/api-tokens/{row.id}/revoke")
    assert client.get("/api/v1/stores", headers=bearer(secret)).status_code == 401
    assert client.get("/api/v1/stores").status_code == 200  # anyone may still read


def test_a_bad_rate_limit_is_refused(app, admin_client):
    response = admin_client.post(
        "/admin/api-tokens", data={"name": "App", "scopes": ["public:read"], "rate_limit": "lots"}
    )
    assert response.status_code == 400
    assert stored_tokens(app) == []


def test_app_tokens_page_is_for_admins_only(auth, merchant, client, make_visitor, visitor_client):
    assert visitor_client(make_visitor()).get("/admin/api-tokens").status_code == 302
    auth.login(merchant)
    assert client.get("/admin/api-tokens").status_code == 403
    assert (
        client.post("/admin/api-tokens", data={"name": "x", "scopes": ["public:read"]}).status_code
        == 403
    )


def test_each_app_token_has_its_own_rate_limit(app, app_token, make_limited_app):
    _first_id, first = app_token(rate_limit="3 per minute")
    _second_id, second = app_token(rate_limit="3 per minute")
    limited = make_limited_app(RALLY_API_ANONYMOUS_RATE_LIMIT="1000 per minute").test_client()
    for _ in range(3):
        assert limited.get("/api/v1/stores", headers=bearer(first)).status_code == 200
    refused = limited.get("/api/v1/stores", headers=bearer(first))
    assert refused.status_code == 429
    assert refused.get_json()["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert limited.get("/api/v1/stores", headers=bearer(second)).status_code == 200
    assert limited.get("/api/v1/stores").status_code == 200  # by address, another count


def test_personal_tokens_are_rate_limited_per_token(
    app, make_visitor, personal_token, make_limited_app
):
    secret = personal_token(make_visitor())
    limited = make_limited_app(RALLY_API_PERSONAL_RATE_LIMIT="2 per minute").test_client()
    assert limited.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    assert limited.get("/api/v1/me/cards", headers=bearer(secret)).status_code == 200
    assert limited.get("/api/v1/me/claims", headers=bearer(secret)).status_code == 429


def test_anonymous_reads_are_rate_limited_by_address(make_limited_app):
    limited = make_limited_app(RALLY_API_ANONYMOUS_RATE_LIMIT="2 per minute").test_client()
    assert limited.get("/api/v1/stores").status_code == 200
    assert limited.get("/api/v1/spots").status_code == 200
    assert limited.get("/api/v1/news").status_code == 429


def test_an_account_holds_at_most_ten_tokens(app, make_visitor, personal_token, visitor_client):
    visitor_id = make_visitor()
    for n in range(10):
        personal_token(visitor_id, name=f"App {n}")
    response = visitor_client(visitor_id).post(
        "/me/tokens", data={"name": "One too many", "scopes": ["me:read"]}
    )
    assert response.status_code == 409
    assert len(stored_tokens(app)) == 10


@pytest.mark.skipif(not POSTGRES_URL, reason="row locks: PostgreSQL")
def test_tokens_made_at_once_never_pass_the_limit(app, make_visitor, personal_token):
    visitor_id = make_visitor()
    for n in range(9):
        personal_token(visitor_id, name=f"App {n}")
    made, barrier = [], threading.Barrier(6)

    def create():
        with app.app_context():
            visitor = db.session.get(Visitor, visitor_id)
            barrier.wait()
            try:
                tokens.create_personal_token(visitor, tokens.TokenInput("Racer", ("me:read",)))
                db.session.commit()
                made.append(1)
            except tokens.TokenError as error:
                db.session.rollback()
                assert error.code == "too_many_tokens"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == [1]
    assert len(stored_tokens(app)) == 10
