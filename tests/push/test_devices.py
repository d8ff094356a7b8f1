"""A resident's devices: subscribing from the page's script, the list, removing, the test
message; what endpoints are accepted; the service worker and the manifest."""

import json
import os
import re

import pytest
from sqlalchemy import select

from rally.extensions import db
from rally.push import operations
from rally.push.models import PushSubscription

from .pushservice import b64url

EN = {"Accept-Language": "en"}
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def rows(app):
    with app.app_context():
        found = db.session.scalars(select(PushSubscription).order_by(PushSubscription.id)).all()
        return [(r.visitor_id, r.endpoint, r.p256dh, r.auth, r.user_agent) for r in found]


def browser_json(push_service, device=None, endpoint=None):
    """What ``PushSubscription.toJSON()`` gives in a browser."""
    device = device or push_service.new_device()
    return {
        "endpoint": endpoint or push_service.endpoint(device),
        "expirationTime": None,
        "keys": {"p256dh": device.p256dh, "auth": device.auth},
    }


def post_subscription(client, data, user_agent=ANDROID, **headers):
    return client.post(
        "/me/push/subscriptions",
        data=json.dumps(data),
        content_type="application/json",
        headers={"User-Agent": user_agent, **headers},
    )


# Subscribing


def test_the_pages_script_subscribes_this_device(app, push_service, make_resident, visitor_client):
    resident = make_resident()
    data = browser_json(push_service)

    response = post_subscription(visitor_client(resident), data)

    assert response.status_code == 201
    assert response.json["device"] == "Chrome · Android"
    assert rows(app) == [
        (
            resident,
            data["endpoint"],
            data["keys"]["p256dh"],
            data["keys"]["auth"],
            "Chrome · Android",
        )
    ]


def test_subscribing_again_updates_the_one_row_of_the_endpoint(
    app, push_service, make_resident, visitor_client
):
    resident = make_resident()
    client = visitor_client(resident)
    first = browser_json(push_service)
    post_subscription(client, first)
    renewed = browser_json(push_service, endpoint=first["endpoint"])  # new keys

    response = post_subscription(client, renewed, user_agent=IPHONE)

    assert response.status_code == 201
    assert rows(app) == [
        (
            resident,
            first["endpoint"],
            renewed["keys"]["p256dh"],
            renewed["keys"]["auth"],
            "Safari · iPhone",
        )
    ]


def test_a_device_subscribed_by_another_account_moves_to_it(
    app, push_service, make_resident, visitor_client
):
    """A browser has one subscription per site: it follows whoever turned it on last."""
    before, after = make_resident(), make_resident()
    data = browser_json(push_service)
    post_subscription(visitor_client(before), data)

    assert post_subscription(visitor_client(after), data).status_code == 201

    assert [(who, endpoint) for who, endpoint, *_ in rows(app)] == [(after, data["endpoint"])]


def test_subscribing_needs_a_logged_in_resident(app, push_service, client):
    response = post_subscription(client, browser_json(push_service))
    assert response.status_code == 401
    assert rows(app) == []


def test_turning_off_needs_a_logged_in_resident(
    app, push_service, subscribe_device, make_resident, client
):
    _, device = subscribe_device(make_resident())
    response = client.post("/me/push/unsubscribe", json={"endpoint": push_service.endpoint(device)})
    assert response.status_code == 401
    assert len(rows(app)) == 1


def test_subscribing_needs_the_csrf_token_in_a_header(
    app, push_service, make_resident, visitor_client
):
    app.config["WTF_CSRF_ENABLED"] = True
    client = visitor_client(make_resident())
    data = browser_json(push_service)

    assert post_subscription(client, data).status_code == 400
    assert rows(app) == []

    page = client.get("/me/push", headers=EN).get_data(as_text=True)
    token = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
    assert post_subscription(client, data, **{"X-CSRFToken": token}).status_code == 201
    assert len(rows(app)) == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("keys"),
        lambda d: d["keys"].update(p256dh="not base64 !"),
        lambda d: d["keys"].update(p256dh=b64url(b"\x04" + bytes(64))),  # not on the curve
        lambda d: d["keys"].update(auth=b64url(os.urandom(8))),
        lambda d: d.update(endpoint=["x"]),
    ],
)
def test_a_malformed_subscription_is_refused(
    app, push_service, make_resident, visitor_client, change
):
    data = browser_json(push_service)
    change(data)
    response = post_subscription(visitor_client(make_resident()), data)
    assert response.status_code == 400
    assert response.json["error"] in ("invalid_subscription", "bad_endpoint")
    assert rows(app) == []


def test_not_json_is_refused(app, push_service, make_resident, visitor_client):
    response = visitor_client(make_resident()).post(
        "/me/push/subscriptions", data="endpoint=x", content_type="text/plain"
    )
    assert response.status_code == 400
    assert response.json["error"] == "invalid_subscription"


def test_a_resident_may_register_at_most_twenty_devices(
    app, push_service, make_resident, visitor_client
):
    client = visitor_client(make_resident())
    for _ in range(operations.MAX_DEVICES):
        assert post_subscription(client, browser_json(push_service)).status_code == 201
    response = post_subscription(client, browser_json(push_service))
    assert response.status_code == 409
    assert response.json["error"] == "too_many_devices"
    assert len(rows(app)) == operations.MAX_DEVICES


# Endpoints: https to a named public host only (SSRF), unless the tests' push service.


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.com/send/abc",
        "https://127.0.0.1/send/abc",
        "https://10.1.2.3/send/abc",
        "https://[::1]/send/abc",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/send/abc",
        "https://printer.local/send/abc",
        "https://intranet/send/abc",
        "https://push.example.com:8443/send/abc",
        "https://user:pw@push.example.com/send/abc",
        "ftp://push.example.com/send/abc",
        "https://push.example.com/" + "a" * 1100,
    ],
)
def test_an_endpoint_the_server_should_not_post_to_is_refused(
    app, push_service, make_resident, visitor_client, endpoint
):
    app.config["RALLY_PUSH_ALLOW_LOCAL_ENDPOINTS"] = False
    response = post_subscription(
        visitor_client(make_resident()), browser_json(push_service, endpoint=endpoint)
    )
    assert response.status_code == 400
    assert response.json["error"] == "bad_endpoint"
    assert rows(app) == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA",
        "https://web.push.apple.com/QGuQyavXutnMH",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
    ],
)
def test_the_browsers_push_services_are_accepted(
    app, push_service, make_resident, visitor_client, endpoint
):
    """No list of push services' hosts: any https endpoint on a public name will do."""
    app.config["RALLY_PUSH_ALLOW_LOCAL_ENDPOINTS"] = False
    response = post_subscription(
        visitor_client(make_resident()), browser_json(push_service, endpoint=endpoint)
    )
    assert response.status_code == 201


# The page, removing, the test message


def test_the_page_needs_a_log_in(client):
    response = client.get("/me/push")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_page_lists_my_devices_and_not_others(
    app, push_service, subscribe_device, make_resident, visitor_client, vapid
):
    resident, other = make_resident(), make_resident()
    mine, _ = subscribe_device(resident)
    theirs, _ = subscribe_device(other)

    page = visitor_client(resident).get("/me/push", headers=EN).get_data(as_text=True)

    assert f'data-testid="push-device-{mine}"' in page
    assert f'data-testid="push-device-{theirs}"' not in page
    assert f'data-public-key="{vapid.public_key}"' in page
    assert "Send me a test" in page
    assert "Turn on notifications on this device" in page
    # Without JavaScript, what to do is said; and what an iPhone needs.
    assert "needs JavaScript and a browser that supports them" in page
    assert "Add to Home Screen" in page and "16.4" in page


def test_without_keys_the_page_says_notifications_are_not_set_up(
    app, make_resident, visitor_client, tmp_path
):
    app.config["RALLY_VAPID_PRIVATE_KEY"] = ""
    page = visitor_client(make_resident()).get("/me/push", headers=EN).get_data(as_text=True)
    assert "not set up on this site yet" in page
    assert "data-public-key" not in page
    assert "No device has notifications turned on yet." in page


def test_removing_my_device(app, push_service, subscribe_device, make_resident, visitor_client):
    resident = make_resident()
    mine, _ = subscribe_device(resident)
    kept, _ = subscribe_device(resident)

    response = visitor_client(resident).post(
        f"/me/push/devices/{mine}/remove", headers=EN, follow_redirects=True
    )

    assert "This device will no longer get notifications." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PushSubscription, mine) is None
        assert db.session.get(PushSubscription, kept) is not None


def test_removing_another_residents_device_is_refused(
    app, push_service, subscribe_device, make_resident, visitor_client
):
    theirs, _ = subscribe_device(make_resident())
    before = rows(app)

    response = visitor_client(make_resident()).post(f"/me/push/devices/{theirs}/remove")

    assert response.status_code == 404
    assert rows(app) == before


def test_removing_needs_a_post_with_the_token(
    app, push_service, subscribe_device, make_resident, visitor_client
):
    resident = make_resident()
    mine, _ = subscribe_device(resident)
    client = visitor_client(resident)
    assert client.get(f"/me/push/devices/{mine}/remove").status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/me/push/devices/{mine}/remove").status_code == 400
    assert len(rows(app)) == 1


def test_turning_off_in_the_browser_removes_only_my_row(
    app, push_service, subscribe_device, make_resident, visitor_client
):
    resident, other = make_resident(), make_resident()
    mine, device = subscribe_device(resident)
    theirs, their_device = subscribe_device(other)
    client = visitor_client(resident)

    for endpoint in (push_service.endpoint(their_device), push_service.endpoint(device)):
        client.post("/me/push/unsubscribe", json={"endpoint": endpoint})

    assert [r[0] for r in rows(app)] == [other]


def test_send_me_a_test_reaches_my_devices_in_my_language(
    app, push_service, subscribe_device, make_resident, visitor_client
):
    resident = make_resident()
    subscribe_device(resident)
    subscribe_device(make_resident())  # someone else's: not sent to

    response = visitor_client(resident).post("/me/push/test", headers=EN, follow_redirects=True)

    assert "A test message is on its way to your devices." in response.get_data(as_text=True)
    [received] = push_service.received
    message = json.loads(received.plaintext)
    assert message == {
        "title": "Test notification",
        "body": "Notifications work on this device.",
        "url": "/me/push",
        "tag": "rally-test",
    }


def test_send_me_a_test_is_queued_per_device_and_a_gone_device_dropped(
    app, push_service, subscribe_device, make_resident, visitor_client
):
    """The request only queues (one delivery per device, sent by the job queue after the
    commit); the device whose push service answers 410 is forgotten by its job alone."""
    from rally.jobs.models import Delivery, DeliveryState
    from rally.push.channel import PUSH

    resident = make_resident()
    kept, _ = subscribe_device(resident)
    gone, _ = subscribe_device(resident, answer=410)

    response = visitor_client(resident).post("/me/push/test", headers=EN, follow_redirects=True)

    assert "A test message is on its way to your devices." in response.get_data(as_text=True)
    assert len(push_service.received) == 2  # each device's job posted once
    with app.app_context():
        assert db.session.get(PushSubscription, gone) is None
        assert db.session.get(PushSubscription, kept) is not None
        states = sorted(
            delivery.state
            for delivery in db.session.scalars(select(Delivery).where(Delivery.channel == PUSH))
        )
        assert sorted(states) == sorted([DeliveryState.sent, DeliveryState.failed])


# The service worker and the manifest


def test_the_service_worker_is_served_at_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "no-cache" in response.headers["Cache-Control"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    script = response.get_data(as_text=True)
    response.close()
    assert 'addEventListener("push"' in script
    assert 'addEventListener("notificationclick"' in script
    assert "showNotification" in script


def test_pages_allow_the_service_worker_and_the_manifest_from_the_site(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy
    assert '<link rel="manifest" href="/manifest.webmanifest">' in response.get_data(as_text=True)


def test_the_manifest_makes_the_site_an_app_on_the_home_screen(client):
    response = client.get("/manifest.webmanifest", headers=EN)
    assert response.mimetype == "application/manifest+json"
    manifest = response.json
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    assert manifest["name"] == "Mitaka Station Shopping District"
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200 and image.mimetype == "image/png"
