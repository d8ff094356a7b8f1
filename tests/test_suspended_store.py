"""A store the association suspends mid-campaign: no stamp can be collected there, so the
card neither sends visitors to it nor needs it to be full; stamps from it still count."""

from rewards.conftest import login

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
        return store.name_en


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


def test_the_merchant_reads_that_the_codes_give_nothing(app, make_user, make_campaign):
    merchant = make_user(role=Role.merchant)
    campaign_id, checkpoints = make_campaign(stores=1)
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoints[0])
        checkpoint.store.owner_id = merchant.id
        db.session.commit()
    client = app.test_client()
    login(client, merchant)
    page = client.get("/posters/", headers=EN).text
    assert 'data-testid="store-suspended"' not in page and "Today's PIN" in page

    suspend(app, checkpoints[0])

    page = client.get("/posters/", headers=EN).text
    assert 'data-testid="store-suspended"' in page
    assert "Today's PIN" not in page and "Poster in English" not in page
