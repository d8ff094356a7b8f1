"""Scanning a shop's QR code: stamps, refusals and the card cookie."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rally.campaigns.lifecycle import rotate_checkpoint_key
from rally.campaigns.models import Campaign, CampaignState, Checkpoint
from rally.cards.models import Card, Stamp
from rally.cards.reading import open_card
from rally.extensions import db
from rally.stamping.operations import StampError, check_campaign_open, grant_stamp
from rally.stores.models import Store, StoreStatus
from rally.utils import utcnow


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_first_scan_creates_card_and_stamp(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    response = client.get(stamp_path(checkpoints[0]))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/card/{campaign_id}?new={checkpoints[0]}"
    assert count(app, Card) == 1
    assert count(app, Stamp) == 1

    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert "1 of 3 stamps collected" in html
    assert "Stamp collected at Test Shop" in html
    assert html.count('data-testid="stamp-collected"') == 1


def test_card_cookie_is_signed_httponly_samesite_and_long_lived(client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    response = client.get(stamp_path(checkpoints[0]))
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("rally_card=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Max-Age=34560000" in cookie  # 400 days, the most browsers keep
    assert "Secure" not in cookie  # http base URL in tests; https turns it on


def test_cookie_secure_when_base_url_is_https(tmp_path):
    from rally import create_app

    app = create_app(
        {
            "SECRET_KEY": "x",
            "RALLY_BASE_URL": "https://rally.example.jp",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}",
        }
    )
    assert app.config["RALLY_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_tampered_card_cookie_starts_a_new_card(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    client.set_cookie("rally_card", "forged.value", domain="localhost")
    client.get(stamp_path(checkpoints[1]))
    assert count(app, Card) == 2


def test_second_scan_of_same_shop_is_a_kind_no_op(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    response = client.get(stamp_path(checkpoints[0]))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/card/{campaign_id}?again={checkpoints[0]}"
    assert count(app, Stamp) == 1
    assert count(app, Card) == 1
    html = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "You already have the stamp of Test Shop" in html


def test_grant_stamp_twice_raises_already_stamped(app, ctx, make_campaign):
    _, checkpoints = make_campaign()
    checkpoint = db.session.get(Checkpoint, checkpoints[0])
    card = open_card(None)
    grant_stamp(card, checkpoint, utcnow())
    with pytest.raises(StampError) as info:
        grant_stamp(card, checkpoint, utcnow())
    assert info.value.code == "already_stamped"
    assert info.value.stamp is not None


def test_two_shops_two_stamps(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    client.get(stamp_path(checkpoints[1]))
    html = client.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "2 of 3 stamps collected" in html
    assert "Reached!" in html  # the 2-stamp tier
    assert "1 more stamp to go" in html  # the 3-stamp tier


def refusal(client, path):
    response = client.get(path, headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    code = html.split('data-code="', 1)[1].split('"', 1)[0] if 'data-code="' in html else None
    return response.status_code, code, html


def test_forged_token_refused_without_database_write(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    path = stamp_path(checkpoints[0])
    payload, signature = path.removeprefix("/s/").split(".")
    forged = "/s/" + payload + "." + signature[::-1]
    status, code, html = refusal(client, forged)
    assert (status, code) == (404, "invalid_token")
    assert "not a valid Rally stamp code" in html
    assert "/card" in html and 'href="/"' in html  # a way back
    assert count(app, Card) == 0


@pytest.mark.parametrize("token", ["garbage", "WzEsMV0", "a" * 500, "WzEsMV0.x"])
def test_malformed_tokens_are_invalid(client, token):
    assert refusal(client, f"/s/{token}")[:2] == (404, "invalid_token")


def test_token_with_edited_checkpoint_id_is_invalid(app, client, make_campaign, stamp_path):
    import base64

    _, checkpoints = make_campaign()
    payload, signature = stamp_path(checkpoints[0]).removeprefix("/s/").split(".")
    edited = base64.urlsafe_b64encode(b"[2,1]").decode().rstrip("=")
    assert refusal(client, f"/s/{edited}.{signature}")[:2] == (404, "invalid_token")


def test_token_signed_with_another_secret_is_invalid(app, client, make_campaign):
    from itsdangerous import URLSafeSerializer

    from rally.stamping.tokens import TOKEN_SALT

    _, checkpoints = make_campaign()
    token = URLSafeSerializer("another-secret", salt=TOKEN_SALT).dumps([checkpoints[0], 1])
    assert refusal(client, f"/s/{token}")[:2] == (404, "invalid_token")


def test_rotated_key_revokes_old_poster(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    old = stamp_path(checkpoints[0])
    with app.app_context():
        rotate_checkpoint_key(db.session.get(Checkpoint, checkpoints[0]))
        db.session.commit()
    status, code, html = refusal(client, old)
    assert (status, code) == (410, "token_revoked")
    assert count(app, Card) == 0
    assert client.get(stamp_path(checkpoints[0])).status_code == 303


def test_campaign_not_started(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign(starts=2, ends=10)
    assert refusal(client, stamp_path(checkpoints[0]))[:2] == (403, "campaign_not_started")
    assert count(app, Card) == 0


def test_draft_campaign_counts_as_not_started(client, make_campaign, stamp_path):
    _, checkpoints = make_campaign(state=CampaignState.draft)
    assert refusal(client, stamp_path(checkpoints[0]))[:2] == (403, "campaign_not_started")


def test_campaign_past_its_end(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign(starts=-10, ends=-1)
    status, code, html = refusal(client, stamp_path(checkpoints[0]))
    assert (status, code) == (410, "campaign_ended")
    assert "This campaign has ended." in html


def test_ended_campaign_state(client, make_campaign, stamp_path):
    _, checkpoints = make_campaign(state=CampaignState.ended)
    assert refusal(client, stamp_path(checkpoints[0]))[:2] == (410, "campaign_ended")


def test_end_boundary_is_exclusive(app, ctx, make_campaign):
    campaign_id, _ = make_campaign()
    campaign = db.session.get(Campaign, campaign_id)
    with pytest.raises(StampError) as info:
        check_campaign_open(campaign, campaign.ends_at)
    assert info.value.code == "campaign_ended"
    check_campaign_open(campaign, campaign.ends_at - timedelta(microseconds=1))
    check_campaign_open(campaign, campaign.starts_at)


def test_suspended_store_is_not_in_campaign(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    with app.app_context():
        store = db.session.get(Checkpoint, checkpoints[0]).store
        store.status = StoreStatus.suspended
        db.session.commit()
    assert refusal(client, stamp_path(checkpoints[0]))[:2] == (404, "store_not_in_campaign")


def test_removed_checkpoint_is_not_in_campaign(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    path = stamp_path(checkpoints[0])
    with app.app_context():
        db.session.delete(db.session.get(Checkpoint, checkpoints[0]))
        db.session.commit()
    assert refusal(client, path)[:2] == (404, "store_not_in_campaign")


def test_refusal_page_is_translated(client, make_campaign, stamp_path):
    _, checkpoints = make_campaign(starts=-10, ends=-1)
    html = client.get(stamp_path(checkpoints[0]), headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    assert "このキャンペーンは終了しました。" in html
    assert "トップページに戻る" in html


def test_card_page_without_cookie_shows_empty_card(client, make_campaign):
    campaign_id, _ = make_campaign()
    html = client.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "0 of 3 stamps collected" in html
    assert html.count("Test Shop") >= 3  # every shop is still to visit


def test_card_lists_shops_to_visit_with_category_and_address(client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    html = client.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    to_visit = html.split('data-testid="to-visit"', 1)[1].split("</ul>", 1)[0]
    assert to_visit.count("<li>") == 2
    assert "Buy" in to_visit and "Shimorenjaku, Mitaka" in to_visit


def test_draft_campaign_card_is_hidden(client, make_campaign):
    campaign_id, _ = make_campaign(state=CampaignState.draft)
    assert client.get(f"/card/{campaign_id}").status_code == 404


def test_my_card_redirects_to_only_campaign(client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    html = client.get("/card", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "You have no stamps yet" in html
    client.get(stamp_path(checkpoints[0]))
    response = client.get("/card")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/card/{campaign_id}"


def test_store_names_are_escaped(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    with app.app_context():
        store = db.session.get(Checkpoint, checkpoints[0]).store
        store.name["en"] = "<script>alert(1)</script>"
        db.session.commit()
    html = client.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_store_model_keeps_its_row_after_scan(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    assert count(app, Store) == 3


def test_head_of_a_stamp_link_gives_nothing(app, client, make_campaign, stamp_path):
    """Link checkers and chat previews ask with HEAD: no card, no stamp, no cookie."""
    campaign_id, checkpoints = make_campaign()
    peek = client.head(stamp_path(checkpoints[0]))
    assert peek.status_code == 303
    assert peek.headers["Location"] == f"/card/{campaign_id}"
    assert "Set-Cookie" not in peek.headers
    assert (count(app, Card), count(app, Stamp)) == (0, 0)
    status, _, _ = refusal(client, stamp_path(checkpoints[0]) + "x")
    assert client.head(stamp_path(checkpoints[0]) + "x").status_code == status == 404
    # The phone's GET still collects the stamp.
    assert (
        client.get(stamp_path(checkpoints[0]))
        .headers["Location"]
        .endswith("?new=" + str(checkpoints[0]))
    )
    assert count(app, Stamp) == 1


def test_card_cookie_is_verified_once_per_request(
    app, make_limited_app, make_campaign, stamp_path, monkeypatch
):
    """The per-card rate limit and the scan both read the card key: one signature check."""
    from rally.cards import cookie as cards

    _, checkpoints = make_campaign()
    limited = make_limited_app()
    client = limited.test_client()
    client.get(stamp_path(checkpoints[0]))  # the card cookie
    checks = []
    verify = cards._verified_card_key
    monkeypatch.setattr(cards, "_verified_card_key", lambda: checks.append(1) or verify())
    response = client.get(stamp_path(checkpoints[1]))
    assert response.status_code == 303
    assert "X-RateLimit-Limit" in response.headers  # the limits ran
    assert len(checks) == 1
    assert count(app, Stamp) == 2


def test_the_card_of_an_ended_campaign_says_so(app, client, make_campaign, stamp_path):
    from rally.campaigns.models import Campaign, CampaignState

    campaign_id, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    english = {"Accept-Language": "en"}
    running = client.get(f"/card/{campaign_id}", headers=english).text
    assert 'data-testid="campaign-over"' not in running
    assert 'data-testid="pin-link"' in running
    with app.app_context():
        db.session.get(Campaign, campaign_id).state = CampaignState.ended
        db.session.commit()
    ended = client.get(f"/card/{campaign_id}", headers=english).text
    assert "This campaign has ended: no more stamps can be collected." in ended
    assert 'data-testid="pin-link"' not in ended
    assert "1 of 3 stamps collected" in ended  # the card itself stays


def test_the_card_says_so_once_the_end_date_passed(app, client, make_campaign):
    campaign_id, _ = make_campaign(starts=-10, ends=-1)
    html = client.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).text
    assert 'data-testid="campaign-over"' in html
