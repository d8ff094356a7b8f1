"""A store the association suspends mid-campaign: no stamp can be collected there, so the
card neither sends visitors to it nor needs it to be full; stamps from it still count."""

from rally.auth.models import Role
from rally.campaigns.models import Checkpoint
from rally.extensions import db
from rally.stores.models import StoreStatus

EN = {"Accept-Language": "en"}


def suspend(app, checkpoint_id):
    with app.app_context():
        store = db.session.get(Checkpoint, checkpoint_id).store
        store.status = StoreStatus.suspended
        db.session.commit()
        return store.name.get("en", "")


def test_the_card_leaves_a_suspended_store_out(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(stores=3)
    for checkpoint_id in checkpoints[:2]:
        client.get(stamp_path(checkpoint_id))
    assert "2 of 3 stamps collected" in client.get(f"/card/{campaign_id}", headers=EN).text

    name = suspend(app, checkpoints[2])

    html = client.get(f"/card/{campaign_id}", headers=EN).text
    assert "2 of 2 stamps collected" in html
    assert f'{name} <span class="muted">(not taking part at the moment)</span>' in html
    assert "You have visited every shop. Congratulations!" in html  # nothing left to visit
    assert 'data-testid="save-badge"' in html  # the card is full


def test_a_stamp_from_a_store_suspended_later_still_counts(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(stores=3)
    client.get(stamp_path(checkpoints[0]))
    suspend(app, checkpoints[0])
    html = client.get(f"/card/{campaign_id}", headers=EN).text
    assert "1 of 3 stamps collected" in html
    assert 'data-testid="stamp-closed"' not in html
    # The suspended store's code gives nothing, as before.
    refused = client.get(stamp_path(checkpoints[0]), headers=EN)
    assert refused.status_code >= 400


def test_the_merchant_reads_that_the_codes_give_nothing(app, make_user, make_campaign, auth):
    merchant = make_user(role=Role.merchant)
    campaign_id, checkpoints = make_campaign(stores=1)
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoints[0])
        checkpoint.store.owner_id = merchant.id
        db.session.commit()
    client = auth.new_client(merchant)
    page = client.get("/posters/", headers=EN).text
    assert 'data-testid="store-suspended"' not in page and "Today's PIN" in page

    suspend(app, checkpoints[0])

    page = client.get("/posters/", headers=EN).text
    assert 'data-testid="store-suspended"' in page
    assert "Today's PIN" not in page and "Poster in English" not in page


SUSPENDED = "This store is suspended by the association"


def merchant_of_suspended_store(app, make_user, make_campaign, auth, **campaign):
    """A logged-in merchant whose one store, in a campaign with one further code, is
    suspended; returns ``(client, checkpoint_id, code_id)``."""
    from rally.campaigns.models import CheckpointCode

    merchant = make_user(role=Role.merchant)
    _, checkpoints = make_campaign(stores=1, **campaign)
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoints[0])
        checkpoint.store.owner_id = merchant.id
        code = CheckpointCode(checkpoint=checkpoint, label={"ja": "レジ2", "en": "Register 2"})
        db.session.add(code)
        db.session.commit()
        code_id = code.id
    client = auth.new_client(merchant)
    suspend(app, checkpoints[0])
    return client, checkpoints[0], code_id


def test_the_staff_pin_page_says_the_store_is_suspended(app, make_user, make_campaign, auth):
    """It kept showing a PIN the visitors' entries refuse (issue 16, item 14)."""
    client, checkpoint_id, _ = merchant_of_suspended_store(app, make_user, make_campaign, auth)
    response = client.get(f"/checkpoints/{checkpoint_id}/pin", headers=EN)
    assert response.status_code == 200
    assert SUSPENDED in response.text
    assert 'data-testid="store-suspended"' in response.text
    assert 'data-testid="venue-pin"' not in response.text


def test_the_tablet_says_the_store_is_suspended(app, make_user, make_campaign, auth):
    from rally.campaigns.models import QrMode

    client, checkpoint_id, _ = merchant_of_suspended_store(
        app, make_user, make_campaign, auth, qr_mode=QrMode.rotating
    )
    response = client.get(f"/checkpoints/{checkpoint_id}/tablet", headers=EN)
    assert response.status_code == 200
    assert SUSPENDED in response.text
    assert "tablet-qr" not in response.text and "/s/" not in response.text
    assert 'data-testid="tablet-pin"' not in response.text


def test_the_nfc_page_says_the_store_is_suspended(app, make_user, make_campaign, auth):
    client, checkpoint_id, _ = merchant_of_suspended_store(app, make_user, make_campaign, auth)
    response = client.get(f"/checkpoints/{checkpoint_id}/nfc", headers=EN)
    assert response.status_code == 200
    assert SUSPENDED in response.text
    assert "/s/" not in response.text
    assert client.get(f"/checkpoints/{checkpoint_id}/stamp.ndef").status_code == 404


def test_a_suspended_stores_codes_are_not_handed_out(app, make_user, make_campaign, auth):
    client, checkpoint_id, code_id = merchant_of_suspended_store(
        app, make_user, make_campaign, auth
    )
    page = client.get(f"/manage/checkpoints/{checkpoint_id}/codes", headers=EN)
    assert page.status_code == 200
    assert SUSPENDED in page.text and "QR code (PNG)" not in page.text
    for path in (
        f"/checkpoints/{checkpoint_id}/qr.png",
        f"/posters/checkpoints/{checkpoint_id}/poster-en.pdf",
        f"/manage/codes/{code_id}/qr.png",
        f"/manage/codes/{code_id}/poster-en.pdf",
    ):
        assert client.get(path).status_code == 404, path


def test_the_staff_pages_show_the_code_again_once_approved(app, make_user, make_campaign, auth):
    client, checkpoint_id, _ = merchant_of_suspended_store(app, make_user, make_campaign, auth)
    with app.app_context():
        db.session.get(Checkpoint, checkpoint_id).store.status = StoreStatus.approved
        db.session.commit()
    for page in ("pin", "nfc", "tablet"):
        response = client.get(f"/checkpoints/{checkpoint_id}/{page}", headers=EN)
        assert response.status_code == 200 and SUSPENDED not in response.text, page
