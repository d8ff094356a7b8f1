"""A test push service, the site's VAPID keys and residents for the push tests."""

import itertools

import pytest

from rally.extensions import db
from rally.push.keys import generate_key_pair
from rally.push.models import PushSubscription
from tests import factories

from .pushservice import PushService

_n = itertools.count(1)


@pytest.fixture
def vapid(app):
    """The site's key pair, in the configuration; subscriptions may point at 127.0.0.1."""
    pair = generate_key_pair()
    app.config["RALLY_VAPID_PRIVATE_KEY"] = pair.private_key
    app.config["RALLY_VAPID_SUBJECT"] = "mailto:office@example.jp"
    app.config["RALLY_PUSH_ALLOW_LOCAL_ENDPOINTS"] = True
    return pair


@pytest.fixture
def push_service(vapid):
    service = PushService(vapid.public_key)
    yield service
    service.close()


@pytest.fixture
def make_resident(app):
    def make(locale="ja"):
        number = next(_n)
        return factories.create_visitor(
            app,
            email=f"push{number}@example.jp",
            handle=f"push{number}",
            display_name=f"住民{number}",
            locale=locale,
        )

    return make


@pytest.fixture
def subscribe_device(app, push_service):
    """A subscription row for a new device of ``visitor_id`` at the test push service;
    returns ``(subscription id, device)``."""

    def make(visitor_id, answer=201):
        device = push_service.new_device(answer)
        with app.app_context():
            row = PushSubscription(
                visitor_id=visitor_id,
                endpoint=push_service.endpoint(device),
                p256dh=device.p256dh,
                auth=device.auth,
                user_agent="Chrome · Android",
            )
            db.session.add(row)
            db.session.commit()
            return row.id, device

    return make


def subscription(app, subscription_id):
    with app.app_context():
        row = db.session.get(PushSubscription, subscription_id)
        if row is not None:
            db.session.expunge(row)
        return row
