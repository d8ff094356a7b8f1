"""The merchant area: own stores only, bilingual profile, validation, role boundaries."""

import pytest

from rally.extensions import db
from rally.stores.models import Category, Store, StoreStatus
from rally.stores.operations import StoreError, store_for_editing

PROFILE = {
    "name-ja": "八百辰",
    "name-en": "Yaotatsu",
    "description-ja": "朝どれ野菜",
    "description-en": "Vegetables picked this morning",
    "category": "buy",
    "address-ja": "東京都三鷹市下連雀3-28-1",
    "address-en": "3-28-1 Shimorenjaku, Mitaka",
    "latitude": "35.7015",
    "longitude": "139.5594",
    "hours-ja": "10時〜19時",
    "hours-en": "10:00-19:00",
    "phone": "0422-00-0000",
    "website": "https://yaotatsu.example.jp/",
    "english_spoken": "y",
    "cashless": "y",
}


def test_merchant_sees_only_own_stores(client, auth, merchant, own_store, others_store, app):
    auth.login(merchant)
    page = client.get("/merchant/").text
    with app.app_context():
        assert db.session.get(Store, own_store).name.get("ja", "") in page
    assert "Somebody Else" not in page


def test_merchant_edits_own_store(client, auth, merchant, own_store, get_store):
    auth.login(merchant)
    assert client.get(f"/merchant/stores/{own_store}/edit").status_code == 200
    response = client.post(f"/merchant/stores/{own_store}/edit", data=PROFILE)
    assert response.status_code == 303
    store = get_store(own_store)
    assert (store.name.get("ja", ""), store.name.get("en", "")) == ("八百辰", "Yaotatsu")
    assert store.description.get("en", "") == "Vegetables picked this morning"
    assert (store.latitude, store.longitude) == (35.7015, 139.5594)
    assert store.hours.get("ja", "") == "10時〜19時"
    assert store.website == "https://yaotatsu.example.jp/"
    assert store.english_spoken and store.cashless
    assert not store.tax_free and not store.wifi
    assert store.category is Category.buy


def test_merchant_cannot_open_or_edit_another_store(
    client, auth, merchant, others_store, get_store
):
    before = get_store(others_store)
    auth.login(merchant)
    assert client.get(f"/merchant/stores/{others_store}/edit").status_code == 403
    response = client.post(f"/merchant/stores/{others_store}/edit", data=PROFILE)
    assert response.status_code == 403
    assert client.get(f"/merchant/stores/{others_store}/photo").status_code == 403
    after = get_store(others_store)
    assert (after.name.get("ja", ""), after.name.get("en", "")) == (
        before.name.get("ja", ""),
        before.name.get("en", ""),
    )


def test_not_your_store_code(ctx, merchant, others_store):
    with pytest.raises(StoreError) as caught:
        store_for_editing(others_store, db.session.merge(merchant))
    assert caught.value.code == "not_your_store"


def test_unknown_store_is_404(client, auth, merchant):
    auth.login(merchant)
    assert client.get("/merchant/stores/9999/edit").status_code == 404


def test_admin_may_edit_any_store(client, auth, admin, others_store, get_store):
    auth.login(admin)
    response = client.post(f"/merchant/stores/{others_store}/edit", data=PROFILE)
    assert response.status_code == 303
    assert get_store(others_store).name.get("en", "") == "Yaotatsu"


def test_anonymous_cannot_edit(client, others_store, get_store):
    response = client.post(f"/merchant/stores/{others_store}/edit", data=PROFILE)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert get_store(others_store).name.get("en", "") == "Somebody Else's Shop"


def test_status_and_owner_cannot_be_posted(client, auth, make_store, merchant, get_store):
    store_id = make_store(owner_id=merchant.id, status=StoreStatus.pending)
    auth.login(merchant)
    data = {**PROFILE, "status": "approved", "owner_id": "999"}
    client.post(f"/merchant/stores/{store_id}/edit", data=data)
    store = get_store(store_id)
    assert store.status is StoreStatus.pending
    assert store.owner_id == merchant.id


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("latitude", "91", "The latitude must be between -90 and 90."),
        ("longitude", "-180.5", "The longitude must be between -180 and 180."),
        ("latitude", "north", "Please enter a decimal number"),
        ("website", "javascript:alert(1)", "starting with http:// or https://"),
        ("website", "ftp://files.example.jp", "starting with http:// or https://"),
        ("phone", "call me", "Please enter a phone number"),
        ("category", "sleep", None),
    ],
)
def test_invalid_profile_is_refused_and_nothing_saved(
    client, auth, merchant, own_store, get_store, field, value, message
):
    before = get_store(own_store)
    auth.login(merchant)
    response = client.post(
        f"/merchant/stores/{own_store}/edit",
        data={**PROFILE, field: value},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    if message:
        assert message in response.text
    after = get_store(own_store)
    assert after.name.get("en", "") == before.name.get("en", "")
    assert after.description.get("ja", "") == before.description.get("ja", "")


def test_error_messages_are_translated(client, auth, merchant, own_store):
    auth.login(merchant)
    response = client.post(
        f"/merchant/stores/{own_store}/edit",
        data={**PROFILE, "latitude": "91"},
        headers={"Accept-Language": "ja"},
    )
    assert "緯度は-90から90" in response.text


def test_register_another_store_is_pending(client, auth, merchant, own_store, app):
    auth.login(merchant)
    response = client.post("/merchant/stores/new", data={**PROFILE, "name-ja": "二号店"})
    assert response.status_code == 303
    with app.app_context():
        store = db.session.query(Store).filter(Store.name["ja"].as_string() == "二号店").one()
        assert store.owner_id == merchant.id
        assert store.status is StoreStatus.pending


def test_anonymous_cannot_register_a_store(client, count):
    assert client.post("/merchant/stores/new", data=PROFILE).status_code == 302
    assert count(Store) == 0


def test_a_merchant_without_a_store_is_asked_to_register_one(client, auth, merchant):
    auth.login(merchant)
    html = client.get("/merchant/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Register a store" in html and "Register another store" not in html
