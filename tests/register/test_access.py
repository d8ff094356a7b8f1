"""Who may open a register page: the association and the store's own merchant."""

from rally.auth.models import Role
from rally.campaigns.models import Checkpoint
from rally.extensions import db
from rally.stores.models import StoreStatus


def test_anonymous_is_sent_to_log_in(client, purchase_shop):
    response = client.get(f"/register/{purchase_shop.checkpoint_id}")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_merchant_of_another_store_is_forbidden(app, make_user, purchase_shop, auth):
    other = auth.new_client(make_user(role=Role.merchant))
    assert other.get(f"/register/{purchase_shop.checkpoint_id}").status_code == 403
    response = other.post(f"/register/{purchase_shop.checkpoint_id}", data={"count": 1})
    assert response.status_code == 403
    response = other.post(
        f"/register/{purchase_shop.checkpoint_id}/card", data={"number": "0000018", "count": 1}
    )
    assert response.status_code == 403


def test_own_merchant_and_association_may(app, make_user, staff, purchase_shop, auth):
    assert staff.get(f"/register/{purchase_shop.checkpoint_id}").status_code == 200
    admin = auth.new_client(make_user(role=Role.admin))
    assert admin.get(f"/register/{purchase_shop.checkpoint_id}").status_code == 200


def test_merchant_of_a_suspended_store_is_forbidden(app, staff, purchase_shop):
    with app.app_context():
        db.session.get(Checkpoint, purchase_shop.checkpoint_id).store.status = StoreStatus.suspended
        db.session.commit()
    assert staff.get(f"/register/{purchase_shop.checkpoint_id}").status_code == 403


def test_posters_page_links_to_the_register(staff, purchase_shop):
    html = staff.get("/posters/").get_data(as_text=True)
    assert f"/register/{purchase_shop.checkpoint_id}" in html
