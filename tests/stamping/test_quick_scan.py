"""The quick scan (rally/stamping/quickscan.py) answers exactly as the full path would.

Every scenario runs twice through ``GET /s/<token>``: once as served (plain checkpoints
take the quick path) and once with the quick path switched off, so the full ORM path of
``resolve_scan`` and ``grant_stamp`` decides. Both must leave the same rows behind.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from rally.campaigns.models import Campaign, CampaignKind, Checkpoint, Recheck
from rally.cards.models import Card, Stamp
from rally.extensions import db
from rally.fraud.models import FraudFlag
from rally.stamping import scan as scan_flow
from rally.stamping.models import CardTally, StampTally
from rally.stamping.operations import grant_stamp, resolve_scan
from rally.stores.models import Store, StoreStatus


@pytest.fixture(params=["quick", "full"])
def path(request, monkeypatch):
    """Which path serves the scans: the quick one where it applies, or the full one only."""
    if request.param == "full":
        monkeypatch.setattr(scan_flow, "quick_scan", lambda *args: None)
    return request.param


@pytest.fixture
def grants(monkeypatch):
    """Count the full path's grants: the quick path must not call it."""
    calls = []
    original = grant_stamp

    def spy(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(scan_flow, "grant_stamp", spy)
    return calls


def rows(app, model, *order):
    with app.app_context():
        return db.session.scalars(select(model).order_by(*order)).all()


def stamps(app):
    return [
        (s.card_id, s.checkpoint_id, s.campaign_id, s.slot, s.count, s.points, s.locale, s.code_id)
        for s in rows(app, Stamp, Stamp.id)
    ]


def set_points(app, checkpoint_id, points):
    with app.app_context():
        db.session.get(Checkpoint, checkpoint_id).points = points
        db.session.commit()


def test_new_visitor_gets_card_stamp_and_tallies(app, path, make_campaign, stamp_path, grants):
    campaign_id, checkpoints = make_campaign()
    set_points(app, checkpoints[0], 3)
    client = app.test_client()
    response = client.get(stamp_path(checkpoints[0]), headers={"Accept-Language": "en"})
    assert response.status_code == 303
    assert response.location == f"/card/{campaign_id}?new={checkpoints[0]}"
    (card,) = rows(app, Card)
    assert card.locale == "en" and card.paper is False and card.visitor_id is None
    assert client.get_cookie("rally_card") is not None
    assert stamps(app) == [(card.id, checkpoints[0], campaign_id, 0, 1, 3, "en", None)]
    (tally,) = rows(app, StampTally)
    assert (tally.checkpoint_id, tally.stamps) == (checkpoints[0], 1)
    (card_tally,) = rows(app, CardTally)
    assert (card_tally.card_id, card_tally.stamps, card_tally.english) == (card.id, 1, True)
    assert len(grants) == (0 if path == "quick" else 1)
    # The card page reads what was written, whichever path wrote it.
    page = client.get(response.location, headers={"Accept-Language": "en"}).text
    assert "1 of 3 stamps collected" in page


def test_logged_in_account_without_a_card_gets_its_first_stamp(
    app, path, client, auth, make_user, make_campaign, stamp_path
):
    """Loading the account (for its language) opens the session's transaction, which on
    SQLite holds the write lock: the new card and its stamp are written in that same
    transaction, at once, in the account's language."""
    campaign_id, checkpoints = make_campaign()
    auth.login(make_user(locale="en"))
    assert client.get_cookie("rally_card") is None
    response = client.get(stamp_path(checkpoints[0]), headers={"Accept-Language": "ja"})
    assert response.status_code == 303
    assert response.location == f"/card/{campaign_id}?new={checkpoints[0]}"
    (card,) = rows(app, Card)
    assert card.locale == "en"
    assert stamps(app) == [(card.id, checkpoints[0], campaign_id, 0, 1, 1, "en", None)]
    (card_tally,) = rows(app, CardTally)
    assert (card_tally.card_id, card_tally.stamps, card_tally.english) == (card.id, 1, True)


def test_returning_visitor_and_a_repeat(app, path, make_campaign, stamp_path, grants):
    campaign_id, checkpoints = make_campaign()
    client = app.test_client()
    client.get(stamp_path(checkpoints[0]), headers={"Accept-Language": "ja"})
    second = client.get(stamp_path(checkpoints[1]), headers={"Accept-Language": "en"})
    again = client.get(stamp_path(checkpoints[1]))
    assert second.location == f"/card/{campaign_id}?new={checkpoints[1]}"
    assert again.status_code == 303
    assert again.location == f"/card/{campaign_id}?again={checkpoints[1]}"
    (card,) = rows(app, Card)
    assert card.locale == "ja"  # the last scan's language, kept for messages
    assert [s[1:] for s in stamps(app)] == [
        (checkpoints[0], campaign_id, 0, 1, 1, "ja", None),
        (checkpoints[1], campaign_id, 0, 1, 1, "en", None),
    ]
    (card_tally,) = rows(app, CardTally)
    assert (card_tally.stamps, card_tally.english) == (2, True)
    assert len(grants) == (0 if path == "quick" else 3)  # the repeat asks it too


def test_unknown_card_in_cookie_starts_a_new_card(app, path, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    client = app.test_client()
    client.get(stamp_path(checkpoints[0]))
    with app.app_context():
        db.session.execute(db.delete(CardTally))
        db.session.execute(db.delete(Stamp))
        db.session.execute(db.delete(Card))
        db.session.commit()
    assert client.get(stamp_path(checkpoints[1])).status_code == 303
    assert len(rows(app, Card)) == 1
    assert [s[1] for s in stamps(app)] == [checkpoints[1]]


def test_too_soon_is_refused_and_nothing_written(app, path, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    app.config["RALLY_MIN_STAMP_INTERVAL"] = 60
    client = app.test_client()
    client.get(stamp_path(checkpoints[0]))
    response = client.get(stamp_path(checkpoints[1]), headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert "one shop at a time" in response.text
    assert [s[1] for s in stamps(app)] == [checkpoints[0]]
    # A repeat of the first shop is still answered kindly, never "too soon".
    assert client.get(stamp_path(checkpoints[0])).status_code == 303


def test_impossible_travel_is_flagged(app, path, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    with app.app_context():
        for checkpoint_id, (lat, lon) in zip(
            checkpoints, [(35.7027, 139.5606), (35.6896, 139.7006)], strict=False
        ):
            store = db.session.get(Checkpoint, checkpoint_id).store
            store.latitude, store.longitude = lat, lon
        db.session.commit()
    client = app.test_client()
    client.get(stamp_path(checkpoints[0]))
    assert client.get(stamp_path(checkpoints[1])).status_code == 303
    (flag,) = rows(app, FraudFlag)
    assert flag.kind.value == "impossible_travel" and flag.campaign_id == campaign_id
    assert flag.detail["from_checkpoint_id"] == checkpoints[0]
    assert flag.detail["to_checkpoint_id"] == checkpoints[1]
    assert flag.detail["metres"] > 12_000
    assert len(stamps(app)) == 2


def test_daily_check_in_takes_the_next_slot(app, path, make_campaign, stamp_path):
    _, (checkpoint_id,) = make_campaign(stores=1, recheck=Recheck.daily)
    client = app.test_client()
    client.get(stamp_path(checkpoint_id))
    assert "again=" in client.get(stamp_path(checkpoint_id)).location
    with app.app_context():
        stamp = db.session.scalar(select(Stamp))
        stamp.created_at -= timedelta(days=1)
        db.session.commit()
    assert "new=" in client.get(stamp_path(checkpoint_id)).location
    assert [s[3] for s in stamps(app)] == [0, 1]


@pytest.mark.parametrize(
    "change",
    ["quiz", "geofence", "purchase", "closed store", "revoked", "ended"],
)
def test_other_checkpoints_take_the_full_path(app, make_campaign, stamp_path, monkeypatch, change):
    """The quick path declines anything but a plain open checkpoint; the full path then
    stamps or refuses with its own reason."""
    campaign_id, (checkpoint_id,) = make_campaign(stores=1)
    path = stamp_path(checkpoint_id)
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoint_id)
        campaign = db.session.get(Campaign, campaign_id)
        if change == "quiz":
            checkpoint.quiz_question["ja"] = checkpoint.quiz_question["en"] = "?"
            checkpoint.quiz_choices["ja"] = checkpoint.quiz_choices["en"] = "a\nb"
            checkpoint.quiz_answer = 1
        elif change == "geofence":
            campaign.geofence_m = 100
        elif change == "purchase":
            campaign.kind = CampaignKind.purchase
            campaign.yen_per_stamp, campaign.max_stamps_per_purchase = 1000, 1
        elif change == "closed store":
            db.session.get(Store, checkpoint.store_id).status = StoreStatus.suspended
        elif change == "revoked":
            checkpoint.key_version += 1
        elif change == "ended":
            campaign.ends_at = campaign.starts_at + timedelta(minutes=1)
        db.session.commit()
    resolved = []
    original = resolve_scan
    monkeypatch.setattr(
        scan_flow, "resolve_scan", lambda *a, **kw: resolved.append(a) or original(*a, **kw)
    )
    response = app.test_client().get(path)
    expected = {
        "quiz": 200,  # the question is asked first
        "geofence": 200,  # the location page
        "purchase": 403,  # purchase_at_register
        "closed store": 404,
        "revoked": 410,
        "ended": 410,
    }[change]
    assert response.status_code == expected
    assert rows(app, Stamp) == []
    assert len(resolved) == 1  # the full path decided
