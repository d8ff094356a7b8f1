"""A merchant signs up with a first store, which waits for the association's approval."""

from rally.auth.models import Role, User
from rally.extensions import db
from rally.stores.models import Category, Store, StoreStatus

SIGNUP = {
    "name": "Hanako Suzuki",
    "email": "hanako@example.jp",
    "password": "a long password 1",
    "confirm": "a long password 1",
    "store_name-ja": "鈴木商店",
    "store_name-en": "Suzuki Store",
    "category": "eat",
    "address-ja": "東京都三鷹市下連雀3-1-1",
    "address-en": "",
}


def test_signup_creates_merchant_and_pending_store(client, app):
    response = client.post("/auth/signup", data=SIGNUP)
    assert response.status_code == 303
    assert response.headers["Location"] == "/merchant/"
    with app.app_context():
        user = db.session.query(User).filter_by(email="hanako@example.jp").one()
        assert user.role is Role.merchant
        store = db.session.query(Store).one()
        assert store.owner_id == user.id
        assert store.status is StoreStatus.pending
        assert store.category is Category.eat
        assert store.name.get("ja", "") == "鈴木商店"
    page = client.get("/merchant/", headers={"Accept-Language": "en"}).text
    assert "Waiting for approval" in page


def test_signup_with_a_taken_address_saves_nothing(client, merchant, count):
    response = client.post("/auth/signup", data={**SIGNUP, "email": merchant.email})
    assert response.status_code == 400
    assert count(User) == 1
    assert count(Store) == 0


def test_signup_needs_a_store_name(client, count):
    data = {**SIGNUP, "store_name-ja": "", "store_name-en": " "}
    response = client.post("/auth/signup", data=data, headers={"Accept-Language": "ja"})
    assert response.status_code == 400
    assert "店名" in response.text
    assert count(User) == 0


def test_signup_passwords_must_match(client, count):
    response = client.post("/auth/signup", data={**SIGNUP, "confirm": "something else 1"})
    assert response.status_code == 400
    assert count(User) == 0


def test_signup_cannot_choose_the_status(client, app):
    client.post("/auth/signup", data={**SIGNUP, "status": "approved"})
    with app.app_context():
        assert db.session.query(Store).one().status is StoreStatus.pending


def test_control_characters_are_dropped(client, app):
    """PostgreSQL refuses a NUL in text (a 500): the forms drop control characters."""
    data = {
        **SIGNUP,
        "name": "Hanako\x00 Suzuki",
        "store_name-ja": "鈴木\x00商店",
        "address-ja": "三鷹\x1b市",
    }
    assert client.post("/auth/signup", data=data).status_code == 303
    with app.app_context():
        assert db.session.query(User).one().name == "Hanako Suzuki"
        store = db.session.query(Store).one()
        assert (store.name.get("ja", ""), store.address.get("ja", "")) == ("鈴木商店", "三鷹市")
