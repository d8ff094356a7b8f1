"""Optional geofence: the phone's location, asked once, with a fallback when refused."""

import pytest
from sqlalchemy import func, select

from rally.campaigns.models import Campaign, Checkpoint
from rally.cards.models import Stamp
from rally.extensions import db
from rally.fraud.models import FraudFlag


@pytest.fixture
def fenced(app, make_campaign):
    campaign_id, checkpoints = make_campaign()
    with app.app_context():
        db.session.get(Campaign, campaign_id).geofence_m = 50
        store = db.session.get(Checkpoint, checkpoints[0]).store
        store.latitude, store.longitude = 35.7027, 139.5606
        db.session.commit()
    return campaign_id, checkpoints


def stamps(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Stamp))


def test_scan_asks_for_location_first(app, client, fenced, stamp_path):
    _, checkpoints = fenced
    response = client.get(stamp_path(checkpoints[0]), headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "asks your phone's location once" in html
    assert 'data-refused="No location: you can still collect the stamp' in html
    assert stamps(app) == 0


def test_at_the_shop_gets_the_stamp(app, client, fenced, stamp_path):
    _, checkpoints = fenced
    position = {"latitude": "35.70275", "longitude": "139.56065", "accuracy": "20"}
    response = client.post(stamp_path(checkpoints[0]), data=position)
    assert response.status_code == 303
    assert stamps(app) == 1


def test_far_away_is_refused(app, client, fenced, stamp_path):
    _, checkpoints = fenced
    shinjuku = {"latitude": "35.6896", "longitude": "139.7006", "accuracy": "10"}
    response = client.post(stamp_path(checkpoints[0]), data=shinjuku)
    assert response.status_code == 403
    assert 'data-code="outside_area"' in response.get_data(as_text=True)
    assert stamps(app) == 0


def test_poor_accuracy_is_not_unlimited_doubt(app, client, fenced, stamp_path):
    _, checkpoints = fenced
    one_km_away = {"latitude": "35.7117", "longitude": "139.5606", "accuracy": "5000"}
    assert client.post(stamp_path(checkpoints[0]), data=one_km_away).status_code == 403


def test_declining_still_stamps_but_flags(app, client, fenced, stamp_path):
    _, checkpoints = fenced
    response = client.post(stamp_path(checkpoints[0]), data={})
    assert response.status_code == 303
    assert stamps(app) == 1
    with app.app_context():
        assert db.session.scalar(select(FraudFlag.kind)).value == "no_location"


def test_post_is_not_a_way_around_unfenced_campaigns(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    assert client.post(stamp_path(checkpoints[0])).status_code == 405
