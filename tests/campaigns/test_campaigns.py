"""Creating, editing, publishing and ending campaigns; every refusal has its code."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from rally.campaigns.editing import CampaignError, CampaignInput, TierInput, update_campaign
from rally.campaigns.forms import district_to_utc, utc_to_district
from rally.campaigns.lifecycle import end_campaign, publish_campaign
from rally.campaigns.models import Campaign, CampaignState, Checkpoint
from rally.cards.models import Card, Stamp
from rally.errors import StateError
from rally.extensions import db
from rally.stores.models import StoreStatus
from rally.utils import utcnow


def form_data(store_ids, **overrides):
    data = {
        "title-ja": "春のスタンプラリー",
        "title-en": "Spring Stamp Rally",
        "rules-ja": "3店舗で景品",
        "rules-en": "Three shops for a prize",
        "starts_at": "2030-04-01T00:00",
        "ends_at": "2030-05-01T00:00",
        "stores": [str(store_id) for store_id in store_ids],
        "tiers-0-threshold": "2",
        "tiers-0-name-ja": "お茶",
        "tiers-0-name-en": "Tea",
        "tiers-0-stock": "50",
    }
    data.update(overrides)
    return data


def the_input(campaign, **changes):
    """The campaign as the edit form would send it back, with ``changes``."""
    values = {
        "title": dict(campaign.title),
        "rules": dict(campaign.rules),
        "starts_at": campaign.starts_at,
        "ends_at": campaign.ends_at,
        "store_ids": [cp.store_id for cp in campaign.checkpoints],
        "tiers": [TierInput(t.id, t.threshold, t.name, t.stock) for t in campaign.tiers],
    }
    values.update(changes)
    return CampaignInput(**values)


def stamp(checkpoint, when=None):
    card = Card()
    db.session.add(card)
    db.session.flush()
    db.session.add(
        Stamp(
            card_id=card.id,
            checkpoint_id=checkpoint.id,
            campaign_id=checkpoint.campaign_id,
            created_at=when or utcnow(),
        )
    )
    db.session.flush()


def refusal(call, *args):
    with pytest.raises(CampaignError) as refused:
        call(*args)
    return refused.value.code


# --- Time zone --------------------------------------------------------------------------


def test_district_times_are_stored_as_naive_utc():
    assert district_to_utc(datetime(2030, 4, 1, 0, 0), "Asia/Tokyo") == datetime(2030, 3, 31, 15)
    assert utc_to_district(datetime(2030, 3, 31, 15), "Asia/Tokyo") == datetime(2030, 4, 1)


def test_create_through_the_form_converts_tokyo_dates(app, admin_client, make_store):
    stores = [make_store() for _ in range(3)]
    response = admin_client.post("/admin/campaigns/new", data=form_data(stores))
    assert response.status_code == 303
    with app.app_context():
        campaign = db.session.scalars(db.select(Campaign)).one()
        assert campaign.state is CampaignState.draft
        assert campaign.starts_at == datetime(2030, 3, 31, 15, 0)
        assert campaign.ends_at == datetime(2030, 4, 30, 15, 0)
        assert sorted(cp.store_id for cp in campaign.checkpoints) == sorted(stores)
        assert [(t.threshold, t.name.get("en", ""), t.stock) for t in campaign.tiers] == [
            (2, "Tea", 50)
        ]


def test_edit_form_shows_tokyo_times(app, admin_client, make_store):
    stores = [make_store()]
    admin_client.post("/admin/campaigns/new", data=form_data(stores))
    html = admin_client.get("/admin/campaigns/1/edit").get_data(True)
    assert 'value="2030-04-01T00:00"' in html


def test_end_before_start_is_a_form_error_and_nothing_is_saved(app, admin_client, make_store):
    data = form_data([make_store()], ends_at="2030-03-01T00:00")
    response = admin_client.post("/admin/campaigns/new", data=data)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Campaign)) == 0


def test_end_before_start_code(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    data = the_input(campaign, ends_at=campaign.starts_at)
    assert refusal(update_campaign, campaign, data) == "end_before_start"


def test_tier_row_needs_a_name(app, admin_client, make_store):
    data = form_data([make_store()], **{"tiers-0-name-ja": "", "tiers-0-name-en": ""})
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 400


# --- Refusals -----------------------------------------------------------------------------


def test_removing_a_checkpoint_with_stamps(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    stamp(campaign.checkpoints[0])
    data = the_input(campaign, store_ids=[cp.store_id for cp in campaign.checkpoints[1:]])
    assert refusal(update_campaign, campaign, data) == "checkpoint_has_stamps"


def test_removing_a_checkpoint_without_stamps_is_fine(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    stamp(campaign.checkpoints[0])
    keep = [cp.store_id for cp in campaign.checkpoints[:2]]
    update_campaign(campaign, the_input(campaign, store_ids=keep))
    assert sorted(cp.store_id for cp in campaign.checkpoints) == sorted(keep)


def test_adding_a_store_that_is_not_approved(ctx, make_campaign, make_store):
    campaign = db.session.get(Campaign, make_campaign(state=CampaignState.draft)[0])
    pending = make_store(status=StoreStatus.pending)
    stores = [cp.store_id for cp in campaign.checkpoints] + [pending]
    data = the_input(campaign, store_ids=stores)
    assert refusal(update_campaign, campaign, data) == "store_not_approved"


def test_raising_a_tier_of_a_published_campaign(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(tiers=(2, 3))[0])
    tier = campaign.tiers[0]
    tiers = [TierInput(tier.id, 3, tier.name, tier.stock)] + [
        TierInput(t.id, t.threshold, t.name, t.stock) for t in campaign.tiers[1:]
    ]
    data = the_input(campaign, tiers=tiers)
    assert refusal(update_campaign, campaign, data) == "tier_requirement_raised"


def test_lowering_a_tier_of_a_published_campaign_is_fine(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(tiers=(2, 3))[0])
    top = campaign.tiers[1]
    tiers = [
        TierInput(campaign.tiers[0].id, 2, {"ja": "景品2", "en": "Prize 2"}, 10),
        TierInput(top.id, 1, {"ja": "景品3", "en": "Prize 3"}, 5),
    ]
    update_campaign(campaign, the_input(campaign, tiers=tiers))
    assert [(t.threshold, t.stock) for t in campaign.tiers] == [(1, 5), (2, 10)]


def test_removing_a_tier_of_a_published_campaign(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(tiers=(2, 3))[0])
    data = the_input(campaign, tiers=the_input(campaign).tiers[:1])
    assert refusal(update_campaign, campaign, data) == "tier_removed"


def test_removing_a_tier_of_a_draft_is_fine(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(state=CampaignState.draft)[0])
    update_campaign(campaign, the_input(campaign, tiers=the_input(campaign).tiers[:1]))
    assert len(campaign.tiers) == 1


def test_a_tier_of_another_campaign(ctx, make_campaign):
    campaign_id, other_id = make_campaign(state=CampaignState.draft)[0], make_campaign()[0]
    campaign, other = db.session.get(Campaign, campaign_id), db.session.get(Campaign, other_id)
    foreign = other.tiers[0]
    tiers = [TierInput(foreign.id, 1, {"ja": "x", "en": "x"}, None)]
    data = the_input(campaign, tiers=tiers)
    assert refusal(update_campaign, campaign, data) == "unknown_tier"


def test_moving_the_start_after_existing_stamps(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(starts=-5)[0])
    stamp(campaign.checkpoints[0], utcnow() - timedelta(days=3))
    data = the_input(campaign, starts_at=utcnow() - timedelta(days=1))
    assert refusal(update_campaign, campaign, data) == "start_after_stamps"


def test_moving_the_end_before_existing_stamps(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(starts=-5)[0])
    stamp(campaign.checkpoints[0], utcnow() - timedelta(days=1))
    data = the_input(campaign, ends_at=utcnow() - timedelta(days=2))
    assert refusal(update_campaign, campaign, data) == "end_before_stamps"


def test_editing_an_ended_campaign(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(state=CampaignState.ended)[0])
    assert refusal(update_campaign, campaign, the_input(campaign)) == "campaign_ended"


def test_publishing_without_checkpoints(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(stores=0, state=CampaignState.draft)[0])
    assert refusal(publish_campaign, campaign, utcnow()) == "no_checkpoints"


def test_publishing_a_campaign_whose_end_has_passed(ctx, make_campaign):
    campaign_id = make_campaign(state=CampaignState.draft, starts=-10, ends=-1)[0]
    campaign = db.session.get(Campaign, campaign_id)
    assert refusal(publish_campaign, campaign, utcnow()) == "already_over"


@pytest.mark.parametrize("state", [CampaignState.published, CampaignState.ended])
def test_publishing_twice_is_an_illegal_transition(ctx, make_campaign, state):
    campaign = db.session.get(Campaign, make_campaign(state=state)[0])
    with pytest.raises(StateError) as refused:
        publish_campaign(campaign, utcnow())
    assert refused.value.code == "illegal_transition"


def test_ending_a_draft_is_an_illegal_transition(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign(state=CampaignState.draft)[0])
    with pytest.raises(StateError) as refused:
        end_campaign(campaign)
    assert refused.value.code == "illegal_transition"


# --- Through the views ----------------------------------------------------------------------


def test_refused_edit_shows_the_code_and_saves_nothing(app, admin_client, make_campaign):
    campaign_id, checkpoints = make_campaign()
    with app.app_context():
        stamp(db.session.get(Checkpoint, checkpoints[0]))
        db.session.commit()
        campaign = db.session.get(Campaign, campaign_id)
        keep = [str(cp.store_id) for cp in campaign.checkpoints[1:]]
    data = form_data([], stores=keep, starts_at="2020-01-01T00:00", ends_at="2040-01-01T00:00")
    data.update({"tiers-0-tier_id": "", "title-en": "Changed"})
    response = admin_client.post(f"/admin/campaigns/{campaign_id}/edit", data=data)
    assert response.status_code == 409
    assert 'data-code="checkpoint_has_stamps"' in response.get_data(True)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert (
            campaign.title.get("en", "") == "Year-End Stamp Rally"
            and len(campaign.checkpoints) == 3
        )


def test_publish_and_end(app, admin_client, make_campaign):
    campaign_id, _ = make_campaign(state=CampaignState.draft)
    assert admin_client.post(f"/admin/campaigns/{campaign_id}/publish").status_code == 303
    confirm = admin_client.get(f"/admin/campaigns/{campaign_id}/end")
    assert confirm.status_code == 200
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).state is CampaignState.published
    assert admin_client.post(f"/admin/campaigns/{campaign_id}/end").status_code == 303
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).state is CampaignState.ended


def test_publish_without_stores_is_a_flash(app, admin_client, make_campaign, english):
    campaign_id, _ = make_campaign(stores=0, state=CampaignState.draft)
    response = admin_client.post(f"/admin/campaigns/{campaign_id}/publish", headers=english)
    html = admin_client.get(response.headers["Location"], headers=english).get_data(True)
    assert "Add at least one participating store" in html
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).state is CampaignState.draft


def test_ended_campaign_edit_page_redirects(app, admin_client, make_campaign):
    campaign_id, _ = make_campaign(state=CampaignState.ended)
    response = admin_client.post(f"/admin/campaigns/{campaign_id}/edit", data={})
    assert response.status_code == 303


def test_rotate_asks_first_then_revokes(app, admin_client, make_campaign, stamp_path, client):
    campaign_id, checkpoints = make_campaign()
    old_path = stamp_path(checkpoints[0])
    url = f"/admin/campaigns/{campaign_id}/checkpoints/{checkpoints[0]}/rotate"
    assert admin_client.get(url).status_code == 200
    with app.app_context():
        assert db.session.get(Checkpoint, checkpoints[0]).key_version == 1
    assert admin_client.post(url).status_code == 303
    with app.app_context():
        assert db.session.get(Checkpoint, checkpoints[0]).key_version == 2
    assert client.get(old_path).status_code == 410  # token_revoked


def test_rotate_checks_the_campaign(app, admin_client, make_campaign):
    campaign_id, _ = make_campaign()
    _, others = make_campaign()
    url = f"/admin/campaigns/{campaign_id}/checkpoints/{others[0]}/rotate"
    assert admin_client.post(url).status_code == 404


# --- Roles ----------------------------------------------------------------------------------


def test_campaign_list_pages_latest_first(admin_client, make_campaign, english):
    for n in range(21):  # Rally 00 starts last, so it comes first
        make_campaign(stores=0, starts=-1 - n, title_en=f"Rally {n:02d}")
    first = admin_client.get("/admin/campaigns", headers=english).get_data(True)
    second = admin_client.get("/admin/campaigns?page=2", headers=english).get_data(True)
    assert first.count('class="badge state-') == 20 and "Rally 20" not in first
    assert "Rally 00" in first and 'rel="next" href="/admin/campaigns?page=2"' in first
    assert second.count('class="badge state-') == 1 and "Rally 20" in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/campaigns"),
        ("get", "/admin/campaigns/new"),
        ("post", "/admin/campaigns/new"),
        ("get", "/admin/campaigns/{id}"),
        ("post", "/admin/campaigns/{id}/edit"),
        ("post", "/admin/campaigns/{id}/publish"),
        ("post", "/admin/campaigns/{id}/end"),
        ("post", "/admin/campaigns/{id}/checkpoints/{cp}/rotate"),
    ],
)
def test_merchant_cannot_run_campaigns(app, merchant_client, client, make_campaign, method, path):
    campaign_id, checkpoints = make_campaign(state=CampaignState.draft)
    url = path.format(id=campaign_id, cp=checkpoints[0])
    data = form_data([]) if method == "post" else None
    kwargs = {"data": data} if data else {}
    assert getattr(merchant_client, method)(url, **kwargs).status_code == 403
    anonymous = getattr(client, method)(url, **kwargs)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign.state is CampaignState.draft
        assert campaign.title.get("en", "") == "Year-End Stamp Rally"
        assert db.session.get(Checkpoint, checkpoints[0]).key_version == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Campaign)) == 1


def test_the_form_sets_how_shops_show_their_code(app, admin_client, make_store):
    from rally.campaigns.models import QrMode

    data = form_data([make_store()], qr_mode="rotating")
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalars(db.select(Campaign)).one().qr_mode is QrMode.rotating


def test_saving_a_published_campaign_as_shown_keeps_its_tiers(app, admin_client, make_campaign):
    import re

    campaign_id, _ = make_campaign(tiers=(2, 3))
    html = admin_client.get(f"/admin/campaigns/{campaign_id}/edit").get_data(True)
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data[name] = value
    data["stores"] = [
        re.search(r'value="(\d+)"', tag).group(1)
        for tag in re.findall(r'<input[^>]*name="stores"[^>]*>', html)
        if "checked" in tag
    ]
    data["qr_mode"] = "static"
    data["title-en"] = "Renamed Rally"
    response = admin_client.post(f"/admin/campaigns/{campaign_id}/edit", data=data)
    assert response.status_code == 303, response.get_data(True)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign.title.get("en", "") == "Renamed Rally"
        assert [t.threshold for t in campaign.tiers] == [2, 3]
        assert len(campaign.checkpoints) == 3


def test_a_published_campaign_keeps_at_least_one_store(ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    data = the_input(campaign, store_ids=[])
    assert refusal(update_campaign, campaign, data) == "no_checkpoints"


# --- Input the form refuses or cleans ------------------------------------------------------

EN = {"Accept-Language": "en"}


def campaigns_saved(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Campaign))


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("tiers-0-threshold", "10001", "Please enter a number from 1 to 10,000."),
        ("tiers-0-threshold", "99999999999", "Please enter a number from 1 to 10,000."),
        ("tiers-0-stock", "1000001", "Please enter a stock from 0 to 1,000,000."),
        ("tiers-0-stock", "99999999999", "Please enter a stock from 0 to 1,000,000."),
    ],
)
def test_tier_numbers_have_a_maximum(app, admin_client, make_store, field, value, message):
    """A number over the database's integer made PostgreSQL refuse the insert (a 500)."""
    data = form_data([make_store()], **{field: value})
    response = admin_client.post("/admin/campaigns/new", data=data, headers=EN)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert campaigns_saved(app) == 0


@pytest.mark.parametrize(
    "field, value", [("starts_at", "0001-01-01T00:00"), ("ends_at", "9999-12-31T23:59")]
)
def test_dates_outside_2000_to_2100_are_refused(app, admin_client, make_store, field, value):
    """Year 1 in Tokyo is before the first UTC moment Python has (an OverflowError)."""
    data = form_data([make_store()], **{field: value})
    response = admin_client.post("/admin/campaigns/new", data=data, headers=EN)
    assert response.status_code == 400
    assert "Please enter a date between the years 2000 and 2100." in response.get_data(True)
    assert campaigns_saved(app) == 0


def test_control_characters_are_dropped_from_typed_text(app, admin_client, make_store):
    """PostgreSQL refuses a NUL in text: every form drops control characters."""
    data = form_data(
        [make_store()],
        **{
            "title-ja": "春の\x00ラリー",
            "rules-en": "Line one\r\nLine\x0b two",
            "tiers-0-name-en": "T\x00ea",
        },
    )
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 303
    with app.app_context():
        campaign = db.session.scalars(db.select(Campaign)).one()
        assert campaign.title.get("ja", "") == "春のラリー"
        assert campaign.rules.get("en", "") == "Line one\r\nLine two"
        assert campaign.tiers[0].name.get("en", "") == "Tea"


def test_tier_row_errors_are_translated(app, admin_client, make_store):
    """The tier rows are a subform: WTForms' own messages follow the page's language too."""
    data = form_data([make_store()], **{"tiers-0-threshold": "abc", "tiers-0-basis": "zz"})
    response = admin_client.post(
        "/admin/campaigns/new", data=data, headers={"Accept-Language": "ja"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "には整数を入力してください。" in html and "無効な整数です。" not in html
    assert "は選択肢から1つ選んでください。" in html and "選択肢が正しくありません。" not in html


def test_an_unknown_store_is_a_readable_error(app, admin_client, make_store):
    data = form_data([make_store()], stores=["999"])
    response = admin_client.post("/admin/campaigns/new", data=data, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please choose among the stores listed." in html
    assert "valid choice for this field" not in html


def test_removing_a_shop_whose_stamps_were_voided(ctx, make_campaign):
    from rally.cards.reading import open_card
    from rally.fraud.models import FlagKind, FraudFlag
    from rally.fraud.review import void_card
    from rally.stamping.models import StampTally
    from rally.stamping.operations import grant_stamp

    campaign = db.session.get(Campaign, make_campaign()[0])
    checkpoint = campaign.checkpoints[0]
    card = open_card(None)
    grant_stamp(card, checkpoint, utcnow())
    flag = FraudFlag(card_id=card.id, campaign_id=campaign.id, kind=FlagKind.no_location, detail={})
    db.session.add(flag)
    db.session.flush()
    void_card(flag, utcnow())  # the stamp goes; its hour stays in the tallies at zero
    db.session.commit()

    keep = [cp.store_id for cp in campaign.checkpoints[1:]]
    update_campaign(campaign, the_input(campaign, store_ids=keep))
    db.session.commit()

    assert checkpoint.id not in [cp.id for cp in campaign.checkpoints]
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(StampTally)
            .where(StampTally.checkpoint_id == checkpoint.id)
        )
        == 0
    )


def test_removing_a_draft_tier_takes_its_lottery_along(ctx, make_campaign):
    from rally.lottery.models import Lottery
    from rally.lottery.operations import create_lottery

    campaign = db.session.get(Campaign, make_campaign(state=CampaignState.draft)[0])
    create_lottery(campaign.tiers[1], winners_count=1)
    db.session.commit()
    update_campaign(campaign, the_input(campaign, tiers=the_input(campaign).tiers[:1]))
    db.session.commit()
    assert len(campaign.tiers) == 1
    assert db.session.scalar(select(func.count()).select_from(Lottery)) == 0


def test_a_draft_tier_whose_lottery_was_drawn_stays(ctx, make_campaign):
    from rally.lottery.operations import create_lottery, draw_lottery

    campaign = db.session.get(Campaign, make_campaign(state=CampaignState.draft)[0])
    lottery = create_lottery(campaign.tiers[1], winners_count=1)
    draw_lottery(lottery, utcnow())
    db.session.commit()
    tiers = the_input(campaign).tiers[:1]
    assert refusal(update_campaign, campaign, the_input(campaign, tiers=tiers)) == ("tier_in_use")


def test_a_place_in_a_new_area_would_take_back_every_area_rewards(ctx, make_campaign, make_store):
    from rally.areas.models import Area
    from rally.campaigns.models import RewardTier, TierBasis

    station, river = (
        Area(name={"ja": "駅前", "en": "Station"}),
        Area(name={"ja": "川", "en": "River"}),
    )
    db.session.add_all([station, river])
    db.session.flush()
    station_id, river_id = station.id, river.id
    db.session.commit()  # read nothing more before the stores are made in their own sessions
    in_river, at_station = make_store(area_id=river_id), make_store(area_id=station_id)
    campaign = db.session.get(Campaign, make_campaign(stores=2)[0])
    for checkpoint in campaign.checkpoints:
        checkpoint.store.area_id = station_id
    campaign.tiers.append(RewardTier(basis=TierBasis.all_areas, threshold=1, name={"ja": "制覇"}))
    db.session.commit()
    stores = [cp.store_id for cp in campaign.checkpoints]
    tiers = [TierInput(t.id, t.threshold, t.name, t.stock, basis=t.basis) for t in campaign.tiers]

    refused = the_input(campaign, store_ids=[*stores, in_river], tiers=tiers)
    assert refusal(update_campaign, campaign, refused) == "area_added"
    db.session.rollback()
    kept = the_input(campaign, store_ids=[*stores, at_station], tiers=tiers)
    update_campaign(campaign, kept)
    assert len(campaign.checkpoints) == 3


def test_reward_deadline_is_saved_in_utc_and_shown_again(app, admin_client, make_store):
    data = form_data([make_store()], claims_until="2030-05-15T18:00")
    assert admin_client.post("/admin/campaigns/new", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalars(db.select(Campaign)).one().claims_until == datetime(
            2030, 5, 15, 9, 0
        )
    html = admin_client.get("/admin/campaigns/1/edit").get_data(True)
    assert 'value="2030-05-15T18:00"' in html
    page = admin_client.get("/admin/campaigns/1", headers={"Accept-Language": "en"}).text
    assert "Exchange your reward by May 15, 2030, 6:00\u202fPM." in page


def test_reward_deadline_before_the_end_is_a_form_error(app, admin_client, make_store):
    data = form_data([make_store()], claims_until="2030-04-30T23:59")
    response = admin_client.post(
        "/admin/campaigns/new", data=data, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert "Rewards can be exchanged only until the campaign's end or later." in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Campaign)) == 0


def test_reward_deadline_before_the_end_is_refused_by_the_operation(ctx, make_campaign):
    campaign_id, _ = make_campaign()
    campaign = db.session.get(Campaign, campaign_id)
    early = campaign.ends_at - timedelta(seconds=1)
    assert refusal(update_campaign, campaign, the_input(campaign, claims_until=early)) == (
        "claims_before_end"
    )
    update_campaign(campaign, the_input(campaign, claims_until=campaign.ends_at))
    assert campaign.claims_until == campaign.ends_at
