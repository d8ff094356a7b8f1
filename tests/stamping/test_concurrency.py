"""One-time actions hold under concurrency, against a real SQLite file."""

from sqlalchemy import func, select

from rally.cards.models import Stamp
from rally.extensions import db


def test_concurrent_double_scans_leave_one_stamp(app, make_campaign, stamp_path, race):
    _, checkpoints = make_campaign()
    first = app.test_client()
    first.get(stamp_path(checkpoints[0]))  # the visitor has a card now
    card_cookie = first.get_cookie("rally_card").value
    target = stamp_path(checkpoints[1])

    def scan(_):
        client = app.test_client()
        client.set_cookie("rally_card", card_cookie, domain="localhost")
        return lambda: client.get(target).status_code

    assert race(24, scan) == [303] * 24
    with app.app_context():
        stamps = db.session.scalar(
            select(func.count()).select_from(Stamp).where(Stamp.checkpoint_id == checkpoints[1])
        )
    assert stamps == 1


def test_concurrent_scans_of_many_visitors_all_succeed(app, make_campaign, stamp_path, race):
    """Different visitors scanning at once: no 'database is locked', every stamp kept."""
    _, checkpoints = make_campaign()
    target = stamp_path(checkpoints[0])

    def scan(_):
        client = app.test_client()
        return lambda: client.get(target).status_code

    assert race(16, scan) == [303] * 16
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 16
