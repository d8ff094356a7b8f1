"""A one-time purchase code scanned by many phones at once gives its stamps once."""

from sqlalchemy import func, select

from rally.cards.models import Stamp
from rally.extensions import db

from .conftest import purchase_path


def test_concurrent_scans_of_one_code_leave_one_stamp(app, staff, purchase_shop, race):
    page = staff.post(f"/register/{purchase_shop.checkpoint_id}", data={"amount": 2000, "count": 0})
    path = purchase_path(page.get_data(as_text=True))
    holder = app.test_client()
    # Half the phones already hold a card (the savepoint path), half are new.
    holder.get(
        purchase_path(
            staff.post(
                f"/register/{purchase_shop.checkpoint_id}", data={"amount": 1000, "count": 0}
            ).get_data(as_text=True)
        )
    )
    cookie = holder.get_cookie("rally_card").value

    def scan(index):
        client = app.test_client()
        if index % 2:
            client.set_cookie("rally_card", cookie, domain="localhost")
        return lambda: client.get(path).status_code

    assert sorted(race(16, scan)) == [303] + [409] * 15
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 2  # 1,000 + this
