"""Give stamps by a one-time QR code: the register page, then the visitor's phone."""

from datetime import timedelta

from sqlalchemy import func, select

from rally.campaigns.models import Campaign
from rally.campaigns.progress import card_progress
from rally.cards.models import Card, Stamp
from rally.extensions import db
from rally.register import operations
from rally.utils import utcnow

from .conftest import purchase_path


def show_qr(staff, shop, **data):
    response = staff.post(f"/register/{shop.checkpoint_id}", data=data)
    return response


def stamp_rows(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Stamp))


def test_amount_at_the_limit_gives_two_stamps(app, client, staff, purchase_shop):
    page = show_qr(staff, purchase_shop, amount=2000, count=0)
    assert page.status_code == 200
    path = purchase_path(page.get_data(as_text=True))

    response = client.get(path)
    assert response.status_code == 303
    assert f"new={purchase_shop.checkpoint_id}" in response.headers["Location"]
    with app.app_context():
        card = db.session.scalar(select(Card))
        stamp = db.session.scalar(select(Stamp))
        assert (stamp.count, stamp.granted_by_id) == (2, purchase_shop.merchant.id)
        progress = card_progress(card, db.session.get(Campaign, purchase_shop.campaign_id))
        assert progress.counts[purchase_shop.checkpoint_id] == 2
    card_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "×2" in card_page


def test_amount_above_the_limit_earns_the_maximum(app, staff, purchase_shop):
    page = show_qr(staff, purchase_shop, amount=5000, count=0)
    assert page.status_code == 200
    assert 'data-testid="purchase-qr"' in page.get_data(as_text=True)
    with app.app_context():
        campaign = db.session.get(Campaign, purchase_shop.campaign_id)
        assert operations.stamps_for_purchase(campaign, 5000, 0) == 2


def test_more_stamps_than_the_rule_allows_is_refused(app, staff, purchase_shop):
    page = show_qr(staff, purchase_shop, amount="", count=3)
    # 3 is not among the choices: the form refuses it, no QR code.
    assert page.status_code == 422
    assert 'data-testid="purchase-qr"' not in page.get_data(as_text=True)
    with app.app_context():
        campaign = db.session.get(Campaign, purchase_shop.campaign_id)
        try:
            operations.stamps_for_purchase(campaign, None, 3)
        except operations.RegisterError as error:
            assert error.code == "too_many_stamps"
        else:
            raise AssertionError("3 stamps accepted")


def test_amount_below_the_step_earns_nothing(app, staff, purchase_shop):
    page = show_qr(staff, purchase_shop, amount=999, count=0)
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'data-code="below_minimum"' in html
    assert 'data-testid="purchase-qr"' not in html


def test_chosen_count_without_amount(app, client, staff, purchase_shop):
    path = purchase_path(show_qr(staff, purchase_shop, count=1).get_data(as_text=True))
    assert client.get(path).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Stamp.count)) == 1


def test_one_time_code_used_twice(app, client, staff, purchase_shop):
    path = purchase_path(show_qr(staff, purchase_shop, amount=1000, count=0).get_data(as_text=True))
    assert client.get(path).status_code == 303
    again = client.get(path)
    assert again.status_code == 409
    assert 'data-code="code_used"' in again.get_data(as_text=True)
    # Another phone (no card yet) cannot use it either.
    other = app.test_client().get(path)
    assert other.status_code == 409
    assert stamp_rows(app) == 1


def test_several_purchases_at_one_shop_each_count(app, client, staff, purchase_shop):
    for amount in (1000, 2000):
        path = purchase_path(
            show_qr(staff, purchase_shop, amount=amount, count=0).get_data(as_text=True)
        )
        assert client.get(path).status_code == 303
    with app.app_context():
        card = db.session.scalar(select(Card))
        progress = card_progress(card, db.session.get(Campaign, purchase_shop.campaign_id))
        assert progress.counts[purchase_shop.checkpoint_id] == 3


def test_code_expires_after_five_minutes(app, client, staff, purchase_shop, monkeypatch):
    path = purchase_path(show_qr(staff, purchase_shop, amount=1000, count=0).get_data(as_text=True))
    later = utcnow() + timedelta(minutes=5, seconds=2)
    monkeypatch.setattr("rally.register.views.utcnow", lambda: later)
    response = client.get(path)
    assert response.status_code == 410
    assert 'data-code="token_expired"' in response.get_data(as_text=True)
    assert stamp_rows(app) == 0


def test_code_within_five_minutes_still_works(app, purchase_shop):
    with app.test_request_context():
        from rally.auth.models import User
        from rally.campaigns.models import Checkpoint

        checkpoint = db.session.get(Checkpoint, purchase_shop.checkpoint_id)
        staff = db.session.get(User, purchase_shop.merchant.id)
        token = operations.purchase_token(checkpoint, 1, staff)
        code = operations.read_purchase_token(token, utcnow() + timedelta(minutes=4, seconds=50))
        assert (code.checkpoint_id, code.count) == (checkpoint.id, 1)


def test_forged_code_is_not_found(client, purchase_shop):
    response = client.get("/p/WzEsMiwiYWJjIiwzXQ.forged.signature")
    assert response.status_code == 404
    assert 'data-code="invalid_token"' in response.get_data(as_text=True)


def test_visitor_scanning_the_printed_code_is_sent_to_the_register(
    app, client, purchase_shop, stamp_path
):
    response = client.get(stamp_path(purchase_shop.checkpoint_id))
    assert response.status_code == 403
    assert 'data-code="purchase_at_register"' in response.get_data(as_text=True)
    assert stamp_rows(app) == 0


def test_page_shows_the_rule(staff, purchase_shop):
    html = staff.get(f"/register/{purchase_shop.checkpoint_id}").get_data(as_text=True)
    assert 'data-testid="purchase-rule"' in html


def test_head_of_the_link_leaves_the_code_unused(app, client, staff, purchase_shop):
    """A link checker's HEAD must not spend the one-time code the phone will scan."""
    path = purchase_path(show_qr(staff, purchase_shop, amount=1000, count=0).get_data(as_text=True))
    peek = client.head(path)
    assert peek.status_code == 303
    assert "Set-Cookie" not in peek.headers
    assert stamp_rows(app) == 0
    assert client.get(path).status_code == 303
    assert stamp_rows(app) == 1
    assert client.head(path.replace("/p/", "/p/x")).status_code == 404
