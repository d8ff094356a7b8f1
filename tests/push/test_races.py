"""Subscriptions sent at the same moment (on PostgreSQL too): the unique endpoint decides."""

from sqlalchemy import select

from rally.extensions import db
from rally.push.models import PushSubscription

from .test_devices import browser_json, post_subscription


def test_one_device_subscribing_eight_times_at_once_is_one_row(
    app, push_service, make_resident, visitor_client, race
):
    """The page's script, a reload and a second tab: the same endpoint many times at once,
    from two accounts logged in on the device in turn; one row, the last keys."""
    residents = [make_resident(), make_resident()]
    device = push_service.new_device()
    data = browser_json(push_service, device)

    def prepare(index):
        client = visitor_client(residents[index % 2])
        return lambda: post_subscription(client, data).status_code

    assert race(8, prepare) == [201] * 8
    with app.app_context():
        rows = db.session.scalars(select(PushSubscription)).all()
    assert len(rows) == 1
    assert rows[0].endpoint == data["endpoint"] and rows[0].visitor_id in residents
