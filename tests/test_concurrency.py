"""One-time actions hold under concurrency, against a real SQLite file."""

import threading

from sqlalchemy import func, select

from rally.campaigns.models import Stamp
from rally.extensions import db


def test_concurrent_double_scans_leave_one_stamp(app, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    first = app.test_client()
    first.get(stamp_path(checkpoints[0]))  # the visitor has a card now
    card_cookie = first.get_cookie("rally_card").value
    target = stamp_path(checkpoints[1])

    threads_count = 24
    barrier = threading.Barrier(threads_count)
    statuses, errors = [], []

    def scan():
        client = app.test_client()
        client.set_cookie("rally_card", card_cookie, domain="localhost")
        barrier.wait()
        try:
            statuses.append(client.get(target).status_code)
        except Exception as exc:  # a crash must fail the test, not vanish in a thread
            errors.append(exc)

    threads = [threading.Thread(target=scan) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert statuses == [303] * threads_count
    with app.app_context():
        stamps = db.session.scalar(
            select(func.count()).select_from(Stamp).where(Stamp.checkpoint_id == checkpoints[1])
        )
    assert stamps == 1


def test_concurrent_scans_of_many_visitors_all_succeed(app, make_campaign, stamp_path):
    """Different visitors scanning at once: no 'database is locked', every stamp kept."""
    _, checkpoints = make_campaign()
    target = stamp_path(checkpoints[0])
    statuses = []
    barrier = threading.Barrier(16)

    def scan():
        client = app.test_client()
        barrier.wait()
        statuses.append(client.get(target).status_code)

    threads = [threading.Thread(target=scan) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * 16
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 16
