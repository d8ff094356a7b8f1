"""A one-time purchase code scanned by many phones at once gives its stamps once."""

import threading

from sqlalchemy import func, select

from rally.campaigns.models import Stamp
from rally.extensions import db

from .conftest import purchase_path


def test_concurrent_scans_of_one_code_leave_one_stamp(app, staff, purchase_shop):
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

    threads_count = 16
    barrier = threading.Barrier(threads_count)
    statuses, errors = [], []

    def scan(index):
        client = app.test_client()
        if index % 2:
            client.set_cookie("rally_card", cookie, domain="localhost")
        barrier.wait()
        try:
            statuses.append(client.get(path).status_code)
        except Exception as exc:  # a crash must fail the test, not vanish in a thread
            errors.append(exc)

    threads = [threading.Thread(target=scan, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(statuses) == [303] + [409] * (threads_count - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 2  # 1,000 + this
