"""Tourist spots as checkpoints: sightseeing and shopping on one card."""

import pytest
from sqlalchemy import select

from rally.auth.models import Role
from rally.campaigns.editing import CampaignError
from rally.campaigns.models import Campaign, CampaignState, Checkpoint
from rally.extensions import db
from rally.spots.models import Spot, SpotKind


@pytest.fixture
def shrine(app):
    with app.app_context():
        spot = Spot(
            kind=SpotKind.shrine,
            name={"ja": "下連雀八幡大神社", "en": "Shimorenjaku Hachiman Shrine"},
            address={"en": "4-18 Shimorenjaku, Mitaka"},
            latitude=35.6985,
            longitude=139.5619,
        )
        db.session.add(spot)
        db.session.commit()
        return spot.id


@pytest.fixture
def campaign_with_shrine(app, make_campaign, shrine):
    campaign_id, checkpoints = make_campaign(stores=2)
    with app.app_context():
        checkpoint = Checkpoint(campaign_id=campaign_id, spot_id=shrine)
        db.session.add(checkpoint)
        db.session.commit()
        return campaign_id, checkpoints, checkpoint.id


def test_a_spot_gives_a_stamp_on_the_same_card(app, client, campaign_with_shrine, stamp_path):
    campaign_id, shops, spot_checkpoint = campaign_with_shrine
    client.get(stamp_path(shops[0]))
    response = client.get(stamp_path(spot_checkpoint))
    assert response.status_code == 303
    html = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "2 of 3 stamps collected" in html
    assert "Stamp collected at Shimorenjaku Hachiman Shrine!" in html


def test_spot_still_to_visit_shows_its_kind(app, client, campaign_with_shrine):
    campaign_id, _, _ = campaign_with_shrine
    html = client.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    to_visit = html.split('data-testid="to-visit"', 1)[1].split("</ul>", 1)[0]
    assert "Shimorenjaku Hachiman Shrine" in to_visit and "Shrine" in to_visit
    assert to_visit.index("Test Shop") < to_visit.index("Hachiman")  # shops first


def test_hidden_spot_is_not_in_the_campaign(app, client, campaign_with_shrine, shrine, stamp_path):
    _, _, spot_checkpoint = campaign_with_shrine
    with app.app_context():
        db.session.get(Spot, shrine).published = False
        db.session.commit()
    response = client.get(stamp_path(spot_checkpoint))
    assert response.status_code == 404
    assert 'data-code="store_not_in_campaign"' in response.get_data(as_text=True)


def test_a_checkpoint_is_a_store_or_a_spot_not_both(app, ctx, make_store, shrine, make_campaign):
    from sqlalchemy.exc import IntegrityError

    campaign_id, _ = make_campaign(stores=0)
    db.session.add(Checkpoint(campaign_id=campaign_id, store_id=make_store(), spot_id=shrine))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_admin_adds_a_spot_to_a_campaign(app, client, make_user, make_campaign, shrine, auth):
    from rally.campaigns.editing import CampaignInput, update_campaign

    campaign_id, _ = make_campaign(stores=1)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        data = CampaignInput(
            title={"ja": campaign.title.get("ja", ""), "en": campaign.title.get("en", "")},
            rules={"ja": "", "en": ""},
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
            store_ids=[cp.store_id for cp in campaign.checkpoints],
            tiers=[],
            spot_ids=[shrine],
        )
        with pytest.raises(CampaignError) as info:  # tiers of a published campaign
            update_campaign(campaign, data)
        assert info.value.code == "tier_removed"
        db.session.rollback()
        campaign = db.session.get(Campaign, campaign_id)
        campaign.state = CampaignState.draft
        update_campaign(campaign, data)
        db.session.commit()
        spots = [cp.spot_id for cp in db.session.scalars(select(Checkpoint)) if cp.spot_id]
        assert spots == [shrine]
    auth.login(make_user(role=Role.admin))
    html = client.get(f"/admin/campaigns/{campaign_id}", headers={"Accept-Language": "en"})
    assert "Shimorenjaku Hachiman Shrine" in html.get_data(as_text=True)


def test_hidden_spot_cannot_be_added(app, ctx, make_campaign, shrine):
    from rally.campaigns.editing import CampaignInput, update_campaign

    campaign_id, _ = make_campaign(stores=1, state=CampaignState.draft)
    db.session.get(Spot, shrine).published = False
    campaign = db.session.get(Campaign, campaign_id)
    data = CampaignInput(
        title={"ja": "x", "en": "x"},
        rules={"ja": "", "en": ""},
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        store_ids=[cp.store_id for cp in campaign.checkpoints],
        tiers=[],
        spot_ids=[shrine],
    )
    with pytest.raises(CampaignError) as info:
        update_campaign(campaign, data)
    assert info.value.code == "spot_not_published"


def test_spot_stamps_appear_in_the_export(app, client, campaign_with_shrine, stamp_path):
    from rally.exports.tables import stamps_table

    _, _, spot_checkpoint = campaign_with_shrine
    client.get(stamp_path(spot_checkpoint))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        table = stamps_table()
        rows = list(table.rows)
    assert len(rows) == 1
    assert rows[0][5] != "" and rows[0][4] == ""
    assert rows[0][6] == "Shimorenjaku Hachiman Shrine"


def test_a_spot_in_a_campaign_cannot_be_deleted(ctx, campaign_with_shrine, shrine):
    from rally.spots.operations import SpotError, delete_spot

    with pytest.raises(SpotError) as refused:
        delete_spot(db.session.get(Spot, shrine))
    assert (refused.value.code, refused.value.status) == ("spot_in_use", 409)


def test_deleting_a_spot_in_a_campaign_is_refused_on_the_page(
    app, client, make_user, campaign_with_shrine, shrine, auth
):
    """Its checkpoint's foreign key made the delete fail in the database (a 500)."""
    auth.login(make_user(role=Role.admin))
    response = client.post(
        f"/manage/spots/{shrine}/delete", data={"confirmed": "1"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "A campaign stamps at this spot, so it cannot be deleted." in html
    assert "Shimorenjaku Hachiman Shrine" in html  # the list, still with the spot
    with app.app_context():
        assert db.session.get(Spot, shrine) is not None
