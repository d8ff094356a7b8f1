"""The visitor's PIN page and the staff's PIN display."""

import pytest
from sqlalchemy import func, select

from rally.campaigns.models import Campaign, Checkpoint, QrMode
from rally.cards.models import Stamp
from rally.extensions import db
from rally.stores.models import StoreStatus

from .conftest import pin_of

EN = {"Accept-Language": "en"}


def full_width(text: str) -> str:
    """``text`` as a Japanese phone's keyboard types it: ASCII becomes full-width."""
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


def wrong(pin):
    return f"{(int(pin) + 1) % 10000:04d}"


def test_right_pin_gives_the_stamp_shown_on_the_card(app, client, make_campaign):
    campaign_id, checkpoints = make_campaign()
    response = client.post(
        f"/card/{campaign_id}/pin",
        data={"checkpoint": checkpoints[1], "pin": pin_of(app, checkpoints[1])},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/card/{campaign_id}?new={checkpoints[1]}")
    card = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert 'data-testid="scan-result"' in card
    assert "Stamp collected at" in card
    assert card.count('data-testid="stamp-collected"') == 1


def test_second_pin_entry_is_a_harmless_repeat(app, client, make_campaign):
    campaign_id, checkpoints = make_campaign()
    data = {"checkpoint": checkpoints[0], "pin": pin_of(app, checkpoints[0])}
    client.post(f"/card/{campaign_id}/pin", data=data)
    response = client.post(f"/card/{campaign_id}/pin", data=data)
    assert response.headers["Location"].endswith(f"?again={checkpoints[0]}")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 1


def test_pin_and_scan_share_one_stamp(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    response = client.post(
        f"/card/{campaign_id}/pin",
        data={"checkpoint": checkpoints[0], "pin": pin_of(app, checkpoints[0])},
    )
    assert response.headers["Location"].endswith(f"?again={checkpoints[0]}")


def test_pin_stamp_in_a_geofenced_campaign_is_flagged(app, client, make_campaign):
    from rally.fraud.models import FraudFlag

    campaign_id, checkpoints = make_campaign()
    with app.app_context():
        db.session.get(Campaign, campaign_id).geofence_m = 50
        db.session.commit()
    data = {"checkpoint": checkpoints[0], "pin": pin_of(app, checkpoints[0])}
    assert client.post(f"/card/{campaign_id}/pin", data=data).status_code == 303
    assert client.post(f"/card/{campaign_id}/pin", data=data).status_code == 303  # a repeat
    with app.app_context():
        flags = db.session.scalars(select(FraudFlag)).all()
        assert [(flag.kind.value, flag.detail) for flag in flags] == [
            ("no_location", {"to_checkpoint_id": checkpoints[0]})
        ]
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 1


def test_wrong_pin_is_a_form_error_and_gives_nothing(app, client, make_campaign):
    campaign_id, checkpoints = make_campaign()
    response = client.post(
        f"/card/{campaign_id}/pin",
        data={"checkpoint": checkpoints[0], "pin": wrong(pin_of(app, checkpoints[0]))},
        headers=EN,
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'data-code="wrong_pin"' in page
    assert "This PIN is not right" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 0
    assert "rally_card" not in response.headers.get("Set-Cookie", "")


def test_wrong_pin_error_is_translated(app, client, make_campaign):
    campaign_id, checkpoints = make_campaign()
    response = client.post(
        f"/card/{campaign_id}/pin",
        data={"checkpoint": checkpoints[0], "pin": wrong(pin_of(app, checkpoints[0]))},
        headers={"Accept-Language": "ja"},
    )
    page = response.get_data(as_text=True)
    assert 'data-code="wrong_pin"' in page
    assert "This PIN is not right" not in page


def test_pin_of_another_place_is_wrong(app, client, make_campaign):
    campaign_id, checkpoints = make_campaign()
    pin = pin_of(app, checkpoints[1])
    if pin == pin_of(app, checkpoints[0]):
        pytest.skip("two places share today's PIN by chance")
    response = client.post(
        f"/card/{campaign_id}/pin", data={"checkpoint": checkpoints[0], "pin": pin}
    )
    assert 'data-code="wrong_pin"' in response.get_data(as_text=True)


def test_checkpoint_of_another_campaign_is_not_a_choice(app, client, make_campaign):
    campaign_id, _ = make_campaign()
    _, others = make_campaign()
    response = client.post(
        f"/card/{campaign_id}/pin", data={"checkpoint": others[0], "pin": pin_of(app, others[0])}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 0


def test_ended_campaign_refuses_the_pin(app, client, make_campaign):
    campaign_id, checkpoints = make_campaign(starts=-10, ends=-1)
    response = client.post(
        f"/card/{campaign_id}/pin",
        data={"checkpoint": checkpoints[0], "pin": pin_of(app, checkpoints[0])},
    )
    assert response.status_code == 410
    assert 'data-code="campaign_ended"' in response.get_data(as_text=True)


def test_suspended_store_is_not_offered(app, client, make_campaign):
    campaign_id, checkpoints = make_campaign()
    with app.app_context():
        db.session.get(Checkpoint, checkpoints[0]).store.status = StoreStatus.suspended
        db.session.commit()
    page = client.get(f"/card/{campaign_id}/pin").get_data(as_text=True)
    assert f'value="{checkpoints[0]}"' not in page
    assert f'value="{checkpoints[1]}"' in page


def test_rotating_campaign_accepts_the_pin(app, client, make_campaign):
    campaign_id, checkpoints = make_campaign(qr_mode=QrMode.rotating)
    response = client.post(
        f"/card/{campaign_id}/pin",
        data={"checkpoint": checkpoints[0], "pin": pin_of(app, checkpoints[0])},
    )
    assert response.status_code == 303


def test_card_page_links_to_the_pin_page(client, make_campaign):
    campaign_id, _ = make_campaign()
    page = client.get(f"/card/{campaign_id}", headers=EN).get_data(as_text=True)
    assert f'href="/card/{campaign_id}/pin"' in page
    assert "Camera not working? Enter the shop" in page


def test_draft_campaign_has_no_pin_page(client, make_campaign):
    from rally.campaigns.models import CampaignState

    campaign_id, _ = make_campaign(state=CampaignState.draft)
    assert client.get(f"/card/{campaign_id}/pin").status_code == 404


# --- Staff -------------------------------------------------------------------------------


def test_owner_sees_todays_pin(app, client, owned_checkpoint, merchant, auth):
    _, checkpoints = owned_checkpoint()
    auth.login(merchant)
    response = client.get(f"/checkpoints/{checkpoints[0]}/pin")
    assert response.status_code == 200
    assert f">{pin_of(app, checkpoints[0])}<" in response.get_data(as_text=True)
    assert "no-store" in response.headers["Cache-Control"]


def test_admin_sees_any_pin(app, client, owned_checkpoint, admin, auth):
    _, checkpoints = owned_checkpoint()
    auth.login(admin)
    response = client.get(f"/checkpoints/{checkpoints[1]}/pin")
    assert f">{pin_of(app, checkpoints[1])}<" in response.get_data(as_text=True)


def test_other_merchant_cannot_see_the_pin(client, owned_checkpoint, merchant, auth):
    _, checkpoints = owned_checkpoint()
    auth.login(merchant)
    assert client.get(f"/checkpoints/{checkpoints[1]}/pin").status_code == 403


def test_visitor_is_sent_to_log_in_for_the_pin(client, owned_checkpoint):
    _, checkpoints = owned_checkpoint()
    response = client.get(f"/checkpoints/{checkpoints[0]}/pin")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_tablet_shows_todays_pin(app, client, owned_checkpoint, merchant, auth):
    _, checkpoints = owned_checkpoint(qr_mode=QrMode.rotating)
    auth.login(merchant)
    page = client.get(f"/checkpoints/{checkpoints[0]}/tablet").get_data(as_text=True)
    assert pin_of(app, checkpoints[0]) in page.split('data-testid="tablet-pin"')[1]


def test_merchant_posters_page_links_pin_and_nfc(client, owned_checkpoint, merchant, auth):
    _, checkpoints = owned_checkpoint()
    auth.login(merchant)
    page = client.get("/posters/").get_data(as_text=True)
    assert f'href="/checkpoints/{checkpoints[0]}/pin"' in page
    assert f'href="/checkpoints/{checkpoints[0]}/nfc"' in page


# --- Brute force -------------------------------------------------------------------------


@pytest.fixture
def limited_app(make_limited_app):
    return make_limited_app(
        RALLY_PIN_LIMIT_PER_CARD="3 per 10 minutes", RALLY_PIN_LIMIT_PER_ADDRESS="5 per 10 minutes"
    )


def test_wrong_pins_are_rate_limited_per_card(app, limited_app, make_campaign):
    campaign_id, checkpoints = make_campaign()
    client = limited_app.test_client()
    good = pin_of(app, checkpoints[0])
    # A stamp first, so the visitor has a card (successes do not count against the limit).
    client.post(f"/card/{campaign_id}/pin", data={"checkpoint": checkpoints[0], "pin": good})
    bad = {"checkpoint": checkpoints[1], "pin": wrong(pin_of(app, checkpoints[1]))}
    statuses = [client.post(f"/card/{campaign_id}/pin", data=bad).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    right = {"checkpoint": checkpoints[1], "pin": pin_of(app, checkpoints[1])}
    response = client.post(f"/card/{campaign_id}/pin", data=right)
    assert response.status_code == 429
    assert 'data-code="rate_limited"' in response.get_data(as_text=True)


def test_wrong_pins_are_rate_limited_per_address(app, limited_app, make_campaign):
    campaign_id, checkpoints = make_campaign()
    bad = {"checkpoint": checkpoints[0], "pin": wrong(pin_of(app, checkpoints[0]))}
    # A new cookie-less client each time: the address limit still counts.
    statuses = [
        limited_app.test_client().post(f"/card/{campaign_id}/pin", data=bad).status_code
        for _ in range(6)
    ]
    assert statuses[-1] == 429
    assert statuses[:3] == [400, 400, 400]


def test_made_up_card_cookies_do_not_open_fresh_buckets(app, limited_app, make_campaign):
    campaign_id, checkpoints = make_campaign()
    bad = {"checkpoint": checkpoints[0], "pin": wrong(pin_of(app, checkpoints[0]))}
    statuses = []
    for attempt in range(4):
        client = limited_app.test_client()
        client.set_cookie(limited_app.config["RALLY_CARD_COOKIE"], f"made-up-{attempt}")
        statuses.append(client.post(f"/card/{campaign_id}/pin", data=bad).status_code)
    # The per-card limit (3) of the address holds, before the address limit (5).
    assert statuses == [400, 400, 400, 429]


def test_successful_pins_do_not_use_up_the_limit(app, limited_app, make_campaign):
    campaign_id, checkpoints = make_campaign(stores=3)
    client = limited_app.test_client()
    for _ in range(3):
        for checkpoint_id in checkpoints:
            data = {"checkpoint": checkpoint_id, "pin": pin_of(app, checkpoint_id)}
            assert client.post(f"/card/{campaign_id}/pin", data=data).status_code == 303


def test_a_pin_typed_in_full_width_gives_the_stamp(app, client, make_campaign):
    campaign_id, checkpoints = make_campaign()
    response = client.post(
        f"/card/{campaign_id}/pin",
        data={"checkpoint": checkpoints[0], "pin": full_width(pin_of(app, checkpoints[0]))},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 1
