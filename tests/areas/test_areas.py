"""Areas in the back office: who may manage them, creating, editing, deleting, assigning."""

import pytest
from sqlalchemy import select

from rally.areas import operations
from rally.areas.models import Area
from rally.campaigns.editing import update_campaign
from rally.extensions import db
from rally.spots.models import Spot, SpotKind
from rally.stores.models import Store


def area_count(app):
    with app.app_context():
        return db.session.query(Area).count()


# --- Who may open the pages ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/manage/areas/", "/manage/areas/new"])
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/manage/areas/", "/manage/areas/new"])
def test_merchants_are_refused(merchant_client, path):
    assert merchant_client.get(path).status_code == 403


def test_merchants_cannot_create_an_area(app, merchant_client):
    response = merchant_client.post("/manage/areas/new", data={"name-ja": "駅前"})
    assert response.status_code == 403
    assert area_count(app) == 0


def test_merchants_cannot_delete_an_area(app, merchant_client, make_area):
    area_id = make_area()
    assert merchant_client.post(f"/manage/areas/{area_id}/delete").status_code == 403
    assert area_count(app) == 1


# --- The list and the form ----------------------------------------------------------------


def test_empty_list_invites_to_add_an_area(admin_client, english):
    page = admin_client.get("/manage/areas/", headers=english).get_data(as_text=True)
    assert "No area yet." in page
    assert 'href="/manage/areas/new"' in page


def test_the_admin_menu_links_to_areas(admin_client, english):
    page = admin_client.get("/admin/", headers=english).get_data(as_text=True)
    assert 'href="/manage/areas/"' in page


def test_create_an_area(app, admin_client):
    response = admin_client.post(
        "/manage/areas/new",
        data={"name-ja": " 駅前通り ", "name-en": "Station Street", "position": "2"},
    )
    assert response.status_code == 303
    with app.app_context():
        area = db.session.scalar(db.select(Area))
        assert (area.name, area.position) == ({"ja": "駅前通り", "en": "Station Street"}, 2)


def test_an_area_needs_a_name(app, admin_client, english):
    response = admin_client.post(
        "/manage/areas/new", data={"name-ja": " ", "name-en": ""}, headers=english
    )
    assert response.status_code == 400
    assert "Please enter a name in at least one language." in response.get_data(as_text=True)
    assert area_count(app) == 0


def test_name_required_by_the_operation(ctx):
    with pytest.raises(operations.AreaError) as refused:
        operations.save_area(operations.AreaInput(name={"ja": "", "en": "  "}))
    assert refused.value.code == "name_required"


def test_edit_an_area(app, admin_client, make_area):
    area_id = make_area()
    assert "駅前通り" in admin_client.get(f"/manage/areas/{area_id}/edit").get_data(as_text=True)
    response = admin_client.post(
        f"/manage/areas/{area_id}/edit",
        data={"name-ja": "北口", "name-en": "North Exit", "position": "1"},
    )
    assert response.status_code == 303
    with app.app_context():
        area = db.session.get(Area, area_id)
        assert (area.name, area.position) == ({"ja": "北口", "en": "North Exit"}, 1)


def test_areas_are_listed_by_position(admin_client, make_area, english):
    make_area(name_en="Second", position=2)
    make_area(name_en="First", position=1)
    page = admin_client.get("/manage/areas/", headers=english).get_data(as_text=True)
    assert page.index("First") < page.index("Second")


# --- Deleting -----------------------------------------------------------------------------


def test_delete_asks_for_confirmation_first(app, admin_client, make_area, english):
    area_id = make_area()
    page = admin_client.get(f"/manage/areas/{area_id}/delete", headers=english)
    assert page.status_code == 200
    assert 'method="post"' in page.get_data(as_text=True)
    assert area_count(app) == 1


def test_delete_an_unused_area(app, admin_client, make_area):
    area_id = make_area()
    assert admin_client.post(f"/manage/areas/{area_id}/delete").status_code == 303
    assert area_count(app) == 0


def test_an_area_with_a_store_is_not_deleted(app, admin_client, make_area, make_store, english):
    area_id = make_area()
    make_store(area_id=area_id)
    response = admin_client.post(
        f"/manage/areas/{area_id}/delete", headers=english, follow_redirects=True
    )
    assert "Move them to another area first." in response.get_data(as_text=True)
    assert area_count(app) == 1


def test_area_in_use_by_a_store(ctx, make_area, make_store):
    area_id = make_area()
    make_store(area_id=area_id)
    area = db.session.get(Area, area_id)
    with pytest.raises(operations.AreaError) as refused:
        operations.delete_area(area)
    assert refused.value.code == "area_in_use"


def test_area_in_use_by_a_spot(ctx, make_area):
    area = db.session.get(Area, make_area())
    db.session.add(Spot(kind=SpotKind.shrine, name={"ja": "神社"}, area_id=area.id))
    db.session.flush()
    with pytest.raises(operations.AreaError) as refused:
        operations.delete_area(area)
    assert refused.value.code == "area_in_use"


# --- Assigning areas to stores and spots --------------------------------------------------


def test_the_association_puts_a_spot_in_an_area(app, admin_client, make_area):
    area_id = make_area()
    response = admin_client.post(
        "/manage/spots/new",
        data={"kind": SpotKind.shrine.value, "name-ja": "八幡神社", "area_id": str(area_id)},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Spot)).area_id == area_id


def test_a_spot_can_leave_its_area(app, admin_client, make_area):
    area_id = make_area()
    with app.app_context():
        spot = Spot(kind=SpotKind.shrine, name={"ja": "神社"}, area_id=area_id)
        db.session.add(spot)
        db.session.commit()
        spot_id = spot.id
    response = admin_client.post(
        f"/manage/spots/{spot_id}/edit",
        data={"kind": SpotKind.shrine.value, "name-ja": "神社", "area_id": ""},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Spot, spot_id).area_id is None


def test_an_unknown_area_is_refused_on_the_spot_form(app, admin_client, make_area):
    make_area()
    response = admin_client.post(
        "/manage/spots/new",
        data={"kind": SpotKind.shrine.value, "name-ja": "神社", "area_id": "999"},
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(Spot)) is None


def store_form(**changes):
    data = {"category": "eat", "name-ja": "そば処", "name-en": "Soba House"}
    data.update(changes)
    return data


def test_a_merchant_puts_its_store_in_an_area(
    app, merchant, merchant_client, make_area, make_store
):
    area_id = make_area()
    store_id = make_store(owner_id=merchant.id)
    page = merchant_client.get(f"/merchant/stores/{store_id}/edit").get_data(as_text=True)
    assert 'name="area_id"' in page
    response = merchant_client.post(
        f"/merchant/stores/{store_id}/edit", data=store_form(area_id=str(area_id))
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Store, store_id).area_id == area_id


def test_the_association_changes_a_stores_area(app, admin_client, make_area, make_store):
    first, second = make_area(), make_area(name_en="North Exit")
    store_id = make_store(area_id=first)
    response = admin_client.post(
        f"/merchant/stores/{store_id}/edit", data=store_form(area_id=str(second))
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Store, store_id).area_id == second


def test_no_area_select_while_the_district_has_no_areas(merchant, merchant_client, make_store):
    store_id = make_store(owner_id=merchant.id)
    page = merchant_client.get(f"/merchant/stores/{store_id}/edit").get_data(as_text=True)
    assert 'name="area_id"' not in page


def test_a_new_store_can_be_registered_in_an_area(app, merchant_client, make_area):
    area_id = make_area()
    response = merchant_client.post("/merchant/stores/new", data=store_form(area_id=str(area_id)))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Store)).area_id == area_id


def area_campaign(app, make_campaign, area_id, basis):
    """A published campaign over one store in ``area_id`` whose reward counts ``basis``."""
    from rally.campaigns.models import Campaign, RewardTier

    campaign_id, checkpoints = make_campaign(stores=1, tiers=())
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        campaign.checkpoints[0].store.area_id = area_id
        campaign.tiers.append(
            RewardTier(basis=basis, threshold=1, name={"ja": "賞", "en": "Prize"})
        )
        db.session.commit()
        return campaign.checkpoints[0].store_id


def test_a_store_keeps_its_area_while_a_campaign_counts_areas(
    app, admin_client, make_area, make_campaign
):
    from rally.campaigns.models import TierBasis

    first, second = make_area(), make_area(name_en="North Exit")
    store_id = area_campaign(app, make_campaign, first, TierBasis.all_areas)
    response = admin_client.post(
        f"/merchant/stores/{store_id}/edit",
        data=store_form(area_id=str(second)),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert "counts areas for its rewards" in response.text
    with app.app_context():
        assert db.session.get(Store, store_id).area_id == first
    # The rest of the profile saves as long as the area stays.
    kept = admin_client.post(
        f"/merchant/stores/{store_id}/edit",
        data=store_form(area_id=str(first), **{"name-en": "New"}),
    )
    assert kept.status_code == 303


def test_a_campaign_counting_stamps_lets_the_area_change(
    app, admin_client, make_area, make_campaign
):
    from rally.campaigns.models import TierBasis

    first, second = make_area(), make_area(name_en="North Exit")
    store_id = area_campaign(app, make_campaign, first, TierBasis.stamps)
    response = admin_client.post(
        f"/merchant/stores/{store_id}/edit", data=store_form(area_id=str(second))
    )
    assert response.status_code == 303


def test_a_spot_keeps_its_area_while_a_campaign_counts_areas(app, make_area, make_campaign):
    from rally.campaigns.models import Campaign, Checkpoint, RewardTier, TierBasis
    from rally.spots.operations import SpotError, SpotInput, save_spot

    first, second = make_area(), make_area(name_en="North Exit")
    campaign_id, _ = make_campaign(stores=1, tiers=())
    with app.app_context():
        spot = Spot(kind=SpotKind.shrine, name={"ja": "神社"}, area_id=first, published=True)
        db.session.add(spot)
        campaign = db.session.get(Campaign, campaign_id)
        campaign.checkpoints.append(Checkpoint(spot=spot))
        campaign.tiers.append(
            RewardTier(basis=TierBasis.areas, threshold=2, name={"ja": "賞", "en": "Prize"})
        )
        db.session.commit()
        with pytest.raises(SpotError) as refused:
            save_spot(
                SpotInput(
                    kind=SpotKind.shrine, name={"ja": "神社"}, area_id=second, published=True
                ),
                spot,
            )
        assert refused.value.code == "area_locked"


def test_an_ended_campaign_still_locks_the_area(app, admin_client, make_area, make_campaign):
    """Rewards are still claimed after the end: moving the store would take them back."""
    from rally.campaigns.models import Campaign, CampaignState, Checkpoint, TierBasis

    first, second = make_area(), make_area(name_en="North Exit")
    store_id = area_campaign(app, make_campaign, first, TierBasis.areas)
    with app.app_context():
        checkpoint = db.session.scalar(select(Checkpoint).where(Checkpoint.store_id == store_id))
        db.session.get(Campaign, checkpoint.campaign_id).state = CampaignState.ended
        db.session.commit()
    response = admin_client.post(
        f"/merchant/stores/{store_id}/edit", data=store_form(area_id=str(second))
    )
    assert response.status_code == 409


def test_a_move_racing_an_every_area_campaign_taking_the_store_is_refused(
    app, make_area, make_store, make_campaign, held_open_while
):
    """On PostgreSQL: the admin adds a store to a published "every area" campaign while its
    merchant moves it to an area the campaign does not cover; one of them must lose."""
    from campaigns.test_campaigns import the_input

    from rally.campaigns.editing import TierInput
    from rally.campaigns.models import Campaign, RewardTier, TierBasis
    from rally.database import take_write_lock
    from rally.stores.operations import (
        PROFILE_FIELDS,
        StoreError,
        StoreProfileInput,
        update_profile,
    )

    station, north = make_area(), make_area(name_en="North Exit")
    campaign_id, _ = make_campaign(stores=1, tiers=())
    joining = make_store(area_id=station)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        campaign.checkpoints[0].store.area_id = station
        campaign.tiers.append(
            RewardTier(basis=TierBasis.all_areas, threshold=1, name={"ja": "制覇", "en": "All"})
        )
        db.session.commit()

    def admin_adds():
        campaign = db.session.get(Campaign, campaign_id)
        tiers = [
            TierInput(
                t.id,
                t.threshold,
                t.name,
                t.stock,
                basis=t.basis,
            )
            for t in campaign.tiers
        ]
        stores = [cp.store_id for cp in campaign.checkpoints] + [joining]
        update_campaign(campaign, the_input(campaign, store_ids=stores, tiers=tiers))
        return "added"

    def merchant_moves():
        with app.app_context():
            take_write_lock()
            try:
                store = db.session.get(Store, joining)
                profile = {name: getattr(store, name) for name in PROFILE_FIELDS}
                update_profile(store, StoreProfileInput(**{**profile, "area_id": north}))
            except StoreError as error:
                db.session.rollback()
                return error.code
            db.session.commit()
            return "moved"

    assert held_open_while(admin_adds, merchant_moves) == (["added"], ["area_locked"])


def test_an_area_named_in_traditional_chinese_only(app, admin_client):
    response = admin_client.post("/manage/areas/new", data={"name-zh_Hant": "車站前"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Area)).name == {"zh_Hant": "車站前"}
