"""/metrics: request latency per endpoint, scans, stamps, claims and the database pool,
only for the token's holder or an allowed address."""

from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from rally.campaigns.models import Checkpoint, RewardTier
from rally.cards.reading import open_card
from rally.extensions import db
from rally.rewards.operations import claim_reward
from rally.stamping.operations import grant_stamp
from rally.utils import utcnow

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def value(name, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def families(response) -> dict:
    return {family.name: family for family in text_string_to_metric_families(response.text)}


def test_loopback_may_scrape(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    assert "rally_request_duration_seconds" in families(response)


def test_another_address_may_not_without_the_token(app, client):
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 403
    app.config["RALLY_METRICS_TOKEN"] = "scrape-me-please"
    wrong = {"Authorization": "Bearer guess"}
    assert client.get("/metrics", environ_base=OUTSIDE, headers=wrong).status_code == 403
    right = {"Authorization": "Bearer scrape-me-please"}
    response = client.get("/metrics", environ_base=OUTSIDE, headers=right)
    assert response.status_code == 200 and "rally_scans_total" in response.text


def test_allowed_networks_are_a_setting(app, client):
    app.config["RALLY_METRICS_ALLOW"] = ["203.0.113.0/24"]
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback no longer listed
    app.config["RALLY_METRICS_ALLOW"] = "10.0.0.0/8, 203.0.113.9"  # from the environment
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 200


def test_latency_is_per_endpoint_never_per_path(app, client, make_store):
    first, second = make_store(), make_store()
    before = value(
        "rally_request_duration_seconds_count", endpoint="stores.photo", method="GET", status="404"
    )
    client.get(f"/stores/{first}/photo")
    client.get(f"/stores/{second}/photo")
    after = value(
        "rally_request_duration_seconds_count", endpoint="stores.photo", method="GET", status="404"
    )
    assert after - before == 2
    text = client.get("/metrics").text
    assert f"/stores/{first}" not in text and 'endpoint="stores.photo"' in text


def test_scans_and_stamps_are_counted(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign(stores=2)
    scans = value("rally_scans_total", status="303")
    stamps = value("rally_stamps_total", channel="visitor")
    assert client.get(stamp_path(checkpoints[0])).status_code == 303  # to the card
    client.get(stamp_path(checkpoints[0]))  # a repeat: a scan, no new stamp
    assert value("rally_scans_total", status="303") - scans == 2
    assert value("rally_stamps_total", channel="visitor") - stamps == 1


def test_claims_are_counted(app, make_campaign):
    _, checkpoints = make_campaign(stores=2, tiers=(2,))
    claims = value("rally_claims_total")
    with app.app_context():
        card = open_card(None)
        for checkpoint_id in checkpoints:
            grant_stamp(card, db.session.get(Checkpoint, checkpoint_id), utcnow())
        tier = db.session.scalar(db.select(RewardTier))
        claim_reward(card, tier, utcnow())
        claim_reward(card, tier, utcnow())  # the same occurrence again: the first claim
        db.session.commit()
    assert value("rally_claims_total") - claims == 1


def test_the_database_pool_is_shown(client):
    found = families(client.get("/metrics"))
    for name in ("size", "checked_out", "checked_in", "overflow"):
        assert f"rally_db_pool_{name}" in found
    assert value("rally_db_pool_checked_out") >= 0


def test_queued_and_failed_messages_per_channel(app, client):
    from rally.jobs.models import Delivery, DeliveryState

    with app.app_context():
        for key, state in (("a", "queued"), ("b", "queued"), ("c", "failed"), ("d", "sent")):
            db.session.add(
                Delivery(
                    key=f"metrics:{key}",
                    channel="mail",
                    state=DeliveryState(state),
                    payload={},
                )
            )
        db.session.commit()
    metrics = families(client.get("/metrics"))["rally_deliveries"]
    figures = {(s.labels["channel"], s.labels["state"]): s.value for s in metrics.samples}
    assert figures[("mail", "queued")] == 2
    assert figures[("mail", "failed")] == 1
    assert ("mail", "sent") not in figures
