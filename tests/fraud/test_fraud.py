"""Fraud controls: rate limits, minimum interval, impossible travel, voiding a card."""

from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from rally.auth.models import Role
from rally.campaigns.models import Checkpoint, RewardTier
from rally.cards.models import Card, Stamp
from rally.cards.reading import open_card
from rally.extensions import db
from rally.fraud.checks import flag_no_location
from rally.fraud.models import FlagResolution, FraudFlag
from rally.fraud.review import void_card
from rally.rewards.models import Claim
from rally.rewards.operations import claim_reward
from rally.stamping.operations import StampError, grant_stamp
from rally.utils import distance_m, utcnow


def place(app, checkpoint_id, lat, lon):
    with app.app_context():
        store = db.session.get(Checkpoint, checkpoint_id).store
        store.latitude, store.longitude = lat, lon
        db.session.commit()


def test_distance_is_plausible():
    mitaka, kichijoji = (35.7027, 139.5606), (35.7030, 139.5795)
    assert 1650 < distance_m(mitaka, kichijoji) < 1750


def test_second_new_stamp_too_soon_is_refused(app, ctx, make_campaign):
    app.config["RALLY_MIN_STAMP_INTERVAL"] = 20
    _, checkpoints = make_campaign()
    card = open_card(None)
    now = utcnow()
    grant_stamp(card, db.session.get(Checkpoint, checkpoints[0]), now)
    with pytest.raises(StampError) as info:
        grant_stamp(card, db.session.get(Checkpoint, checkpoints[1]), now + timedelta(seconds=19))
    assert info.value.code == "too_soon"
    grant_stamp(card, db.session.get(Checkpoint, checkpoints[1]), now + timedelta(seconds=20))


def test_repeat_scan_stays_kind_even_when_too_soon(app, ctx, make_campaign):
    app.config["RALLY_MIN_STAMP_INTERVAL"] = 20
    _, checkpoints = make_campaign()
    card = open_card(None)
    checkpoint = db.session.get(Checkpoint, checkpoints[0])
    grant_stamp(card, checkpoint, utcnow())
    with pytest.raises(StampError) as info:
        grant_stamp(card, checkpoint, utcnow())
    assert info.value.code == "already_stamped"


def test_impossible_travel_is_flagged_not_refused(app, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    place(app, checkpoints[0], 35.7027, 139.5606)  # Mitaka
    place(app, checkpoints[1], 35.6896, 139.7006)  # Shinjuku, 13 km away
    client = app.test_client()
    client.get(stamp_path(checkpoints[0]))
    assert client.get(stamp_path(checkpoints[1])).status_code == 303
    with app.app_context():
        flag = db.session.scalar(select(FraudFlag))
        assert flag.kind.value == "impossible_travel"
        assert flag.detail["metres"] > 12_000
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 2


def test_walking_pace_is_not_flagged(app, ctx, make_campaign):
    _, checkpoints = make_campaign()
    place(app, checkpoints[0], 35.7027, 139.5606)
    place(app, checkpoints[1], 35.7000, 139.5606)  # 300 m south
    card = open_card(None)
    now = utcnow()
    grant_stamp(card, db.session.get(Checkpoint, checkpoints[0]), now)
    later = now + timedelta(minutes=4)  # 4.5 km/h
    grant_stamp(card, db.session.get(Checkpoint, checkpoints[1]), later)
    assert db.session.scalar(select(func.count()).select_from(FraudFlag)) == 0


def test_void_removes_stamps_and_returns_unredeemed_stock(app, ctx, make_campaign):
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    place(app, checkpoints[0], 35.7027, 139.5606)
    place(app, checkpoints[1], 35.6896, 139.7006)
    card = open_card(None)
    now = utcnow()
    for checkpoint_id in checkpoints[:2]:
        grant_stamp(card, db.session.get(Checkpoint, checkpoint_id), now)
    tier = db.session.scalar(select(RewardTier).where(RewardTier.campaign_id == campaign_id))
    claim_reward(card, tier, now)
    assert tier.stock == 9
    flag = db.session.scalar(select(FraudFlag))
    assert void_card(flag, now) == (2, 1)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Stamp)) == 0
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 0
    db.session.refresh(tier)
    assert tier.stock == 10
    assert flag.resolved_at is not None


def test_flags_page_and_void_with_confirmation(
    app, client, make_user, make_campaign, stamp_path, auth
):
    _, checkpoints = make_campaign()
    place(app, checkpoints[0], 35.7027, 139.5606)
    place(app, checkpoints[1], 35.6896, 139.7006)
    visitor = app.test_client()
    visitor.get(stamp_path(checkpoints[0]))
    visitor.get(stamp_path(checkpoints[1]))
    admin = make_user(role=Role.admin)
    auth.login(admin)
    html = client.get("/manage/flags/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html.count('data-testid="flag"') == 1
    with app.app_context():
        flag_id = db.session.scalar(select(FraudFlag.id))
    confirm = client.get(f"/manage/flags/{flag_id}/void", headers={"Accept-Language": "en"})
    assert "holds 2 stamps" in confirm.get_data(as_text=True)
    with app.app_context():  # the confirmation page changed nothing
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 2
    assert client.post(f"/manage/flags/{flag_id}/void").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 0


def test_flags_page_through_and_past_the_last(app, client, admin, make_campaign, auth):
    from rally.fraud.views import PER_PAGE

    campaign_id, checkpoints = make_campaign(stores=1)
    with app.app_context():
        card = open_card(None)
        checkpoint = db.session.get(Checkpoint, checkpoints[0])
        for _ in range(PER_PAGE + 2):
            flag_no_location(checkpoint, card_id=card.id, now=utcnow())
        db.session.commit()
    auth.login(admin)
    en = {"Accept-Language": "en"}
    first = client.get("/manage/flags/", headers=en).get_data(as_text=True)
    assert first.count('data-testid="flag"') == PER_PAGE
    assert "Page 1 of 2" in first and 'href="/manage/flags/?page=2"' in first
    last = client.get("/manage/flags/?page=99", headers=en).get_data(as_text=True)
    assert last.count('data-testid="flag"') == 2 and "Page 2 of 2" in last


def flagged_card(app, checkpoint_ids, claims=0):
    """A card with a stamp at each checkpoint, ``claims`` rewards claimed, and one flag."""
    with app.app_context():
        card = open_card(None)
        now = utcnow()
        checkpoints = [db.session.get(Checkpoint, id_) for id_ in checkpoint_ids]
        for checkpoint in checkpoints:
            grant_stamp(card, checkpoint, now)
        tiers = db.session.scalars(
            select(RewardTier)
            .where(RewardTier.campaign_id == checkpoints[0].campaign_id)
            .order_by(RewardTier.threshold)
        ).all()
        for tier in tiers[:claims]:
            claim_reward(card, tier, now)
        flag = flag_no_location(checkpoints[-1], card_id=card.id, now=now)
        db.session.commit()
        return flag.id


@pytest.fixture
def resolved_flags(app, client, admin, make_campaign, auth):
    """As the association: void 2 stamps and 2 rewards, void 1 and 1, dismiss a third flag."""
    _, checkpoints = make_campaign(tiers=(1, 2))
    two = flagged_card(app, checkpoints[:2], claims=2)
    one = flagged_card(app, checkpoints[:1], claims=1)
    fine = flagged_card(app, checkpoints[:1])
    auth.login(admin)
    assert client.post(f"/manage/flags/{two}/void").status_code == 303
    assert client.post(f"/manage/flags/{one}/void").status_code == 303
    assert client.post(f"/manage/flags/{fine}/dismiss").status_code == 303
    with app.app_context():
        flags = {flag.id: flag for flag in db.session.scalars(select(FraudFlag))}
        assert (flags[two].resolution, flags[two].stamps_voided) == (FlagResolution.voided, 2)
        assert (flags[one].claims_cancelled, flags[fine].resolution) == (1, "dismissed")
    return client


def resolved_list(client, language, flags=3):
    response = client.get("/manage/flags/?resolved=1", headers={"Accept-Language": language})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('data-testid="flag"') == flags
    return html


def test_resolved_flags_read_in_english(resolved_flags):
    html = resolved_list(resolved_flags, "en")
    assert "2 stamps voided." in html
    assert "2 rewards cancelled (not yet handed over)." in html
    assert "1 stamp voided." in html
    assert "1 reward cancelled (not yet handed over)." in html
    assert "Dismissed" in html
    assert "claims" not in html  # the old stored text is gone


def test_void_says_what_it_cancelled(app, client, admin, make_campaign, auth):
    _, checkpoints = make_campaign(tiers=(1, 2))
    flag_id = flagged_card(app, checkpoints[:2], claims=2)
    auth.login(admin)
    en = {"Accept-Language": "en"}
    response = client.post(f"/manage/flags/{flag_id}/void", headers=en)
    html = client.get(response.headers["Location"], headers=en).get_data(as_text=True)
    assert "2 stamps voided." in html
    assert "2 rewards cancelled (not yet handed over)." in html


def test_resolved_flags_read_in_japanese(resolved_flags):
    html = resolved_list(resolved_flags, "ja")
    assert "スタンプ2個を無効にしました。" in html
    assert "まだ受け渡していない景品2件を取り消しました。" in html
    assert "スタンプ1個を無効にしました。" in html
    assert "まだ受け渡していない景品1件を取り消しました。" in html
    assert "問題なしとして解除" in html
    for english in ("voided", "cancelled", "Dismissed"):
        assert english not in html


def test_void_without_claims_says_nothing_of_rewards(app, client, admin, make_campaign, auth):
    _, checkpoints = make_campaign()
    flag_id = flagged_card(app, checkpoints[:1])
    auth.login(admin)
    client.post(f"/manage/flags/{flag_id}/void")
    html = resolved_list(client, "en", flags=1)
    assert "1 stamp voided." in html
    assert "cancelled" not in html


BEFORE_CODES = "bb8e5d363ea6"  # the last revision that stored English text as the resolution


def test_migration_turns_old_english_resolutions_into_codes(
    app, client, make_user, make_campaign, auth
):
    old = {
        "voided 3 stamps, cancelled 1 claims": ("voided", 3, 1),
        "voided 1 stamps, cancelled 0 claims": ("voided", 1, 0),
        "dismissed": ("dismissed", None, None),
    }
    # The campaign is made with today's models, then the schema goes back to before the
    # migration under test.
    with app.app_context():
        db.drop_all()
        upgrade()
    campaign_id, _ = make_campaign()
    with app.app_context():
        downgrade(revision=BEFORE_CODES)
        card = open_card(None)
        db.session.flush()
        now = utcnow()
        for resolution in [*old, None]:
            db.session.execute(
                text(
                    "INSERT INTO fraud_flag (card_id, campaign_id, kind, detail, created_at,"
                    " resolved_at, resolution) VALUES (:card, :campaign, 'no_location', '{}',"
                    " :now, :resolved_at, :resolution)"
                ),
                {
                    "card": card.id,
                    "campaign": campaign_id,
                    "now": now,
                    "resolved_at": None if resolution is None else now,
                    "resolution": resolution,
                },
            )
        inserted = db.session.scalars(text("SELECT id FROM fraud_flag ORDER BY id"))
        ids = dict(zip([*old, None], inserted, strict=True))
        db.session.commit()  # an open read would hide the new columns (SQLite) or block them

        upgrade()
        for before, after in old.items():
            flag = db.session.get(FraudFlag, ids[before])
            assert (flag.resolution, flag.stamps_voided, flag.claims_cancelled) == after
        assert db.session.get(FraudFlag, ids[None]).resolution is None
        db.session.commit()

    auth.login(make_user(role=Role.admin))
    html = resolved_list(client, "en", flags=4)
    assert "3 stamps voided." in html and "1 reward cancelled (not yet handed over)." in html
    assert "1 stamp voided." in html and "Dismissed" in html and "claims" not in html

    with app.app_context():
        downgrade(revision=BEFORE_CODES)
        rows = db.session.execute(text("SELECT id, resolution FROM fraud_flag")).all()
        assert {ids[before]: before for before in [*old, None]} == dict(rows)
        db.session.commit()


def test_flags_are_for_the_association_only(app, client, make_user, auth):
    auth.login(make_user())
    assert client.get("/manage/flags/").status_code == 403


@pytest.fixture
def limited_app(make_limited_app):
    return make_limited_app(RALLY_SCAN_LIMIT_PER_CARD="3 per minute")


def test_scan_rate_limit_per_card(limited_app, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    app = limited_app
    client = app.test_client()
    path = stamp_path(checkpoints[0])
    # The first scan has no card yet (counted by address); then 3 per minute for the card.
    statuses = [client.get(path).status_code for _ in range(5)]
    assert statuses == [303, 303, 303, 303, 429]
    response = client.get(path, headers={"Accept-Language": "en"})
    assert 'data-code="rate_limited"' in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    other_visitor = app.test_client()  # another card at the same address is not blocked
    assert other_visitor.get(path).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Card)) == 2


def test_the_flag_list_names_the_card_by_its_number(app, client, make_user, make_campaign, auth):
    """The number the card page and the register show, not the row id."""

    campaign_id, _ = make_campaign()
    with app.app_context():
        card = open_card(None)
        db.session.flush()
        db.session.add(
            FraudFlag(card_id=card.id, campaign_id=campaign_id, kind="no_location", detail={})
        )
        db.session.commit()
        number = card.display_number
    auth.login(make_user(role=Role.admin))
    html = client.get("/manage/flags/").get_data(as_text=True)
    assert f"<td>{number}</td>" in html
