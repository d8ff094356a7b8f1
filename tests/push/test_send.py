"""send_push at the protocol level: a local push service verifies the VAPID signature and
decrypts the message, and its answers decide what happens to the subscription."""

import json
import socket

import pytest
from sqlalchemy import func, select

from rally.extensions import db
from rally.push import operations
from rally.push.models import PushSubscription
from rally.push.operations import push_to, send_push

from .conftest import subscription

PAYLOAD = {
    "title": "商店街からのお知らせ",
    "body": "明日は歩行者天国です。",
    "url": "/news/3",
    "tag": "announcement-3",
}


def send(app, subscription_id, payload=PAYLOAD, **kw):
    with app.app_context():
        outcome = send_push(subscription_id, payload, **kw)
        db.session.commit()
        return outcome


def test_a_message_reaches_the_push_service_signed_and_decryptable(
    app, push_service, subscribe_device, make_resident
):
    subscription_id, device = subscribe_device(make_resident())

    assert send(app, subscription_id) == "sent"

    [received] = push_service.received
    assert received.problems == []
    assert json.loads(received.plaintext) == PAYLOAD
    assert received.headers["content-encoding"] == "aes128gcm"
    assert received.claims["aud"] == push_service.origin
    assert received.claims["sub"] == "mailto:office@example.jp"
    assert received.headers["urgency"] == "normal"
    assert int(received.headers["ttl"]) == 24 * 3600
    # The body is ciphertext: the text is nowhere in it.
    assert "歩行者天国".encode() not in received.body
    row = subscription(app, subscription_id)
    assert row.last_success_at is not None and row.failures == 0


def test_a_message_encrypted_for_another_device_does_not_decrypt(
    app, push_service, subscribe_device, make_resident
):
    """The service's decryption is real: keys that are not the device's fail it."""
    subscription_id, device = subscribe_device(make_resident())
    other = push_service.new_device()
    with app.app_context():
        row = db.session.get(PushSubscription, subscription_id)
        row.p256dh = other.p256dh
        db.session.commit()

    assert send(app, subscription_id) == "failed"
    [received] = push_service.received
    assert received.plaintext is None
    assert any("cannot decrypt" in problem for problem in received.problems)


def test_a_message_signed_with_another_vapid_key_is_refused(
    app, push_service, subscribe_device, make_resident
):
    from rally.push.keys import generate_key_pair

    subscription_id, _ = subscribe_device(make_resident())
    app.config["RALLY_VAPID_PRIVATE_KEY"] = generate_key_pair().private_key

    assert send(app, subscription_id) == "failed"
    assert push_service.received[0].problems == ["not the site's public key"]
    assert subscription(app, subscription_id).failures == 1


def test_an_urgent_message_asks_for_high_urgency(
    app, push_service, subscribe_device, make_resident
):
    subscription_id, _ = subscribe_device(make_resident())
    assert send(app, subscription_id, urgent=True) == "sent"
    assert push_service.received[0].headers["urgency"] == "high"


@pytest.mark.parametrize("status", [410, 404])
def test_a_subscription_the_push_service_no_longer_knows_is_deleted(
    app, push_service, subscribe_device, make_resident, status
):
    visitor = make_resident()
    subscription_id, _ = subscribe_device(visitor, answer=status)
    kept_id, _ = subscribe_device(visitor)

    assert send(app, subscription_id) == "gone"

    assert subscription(app, subscription_id) is None
    assert subscription(app, kept_id) is not None


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_temporary_failure_keeps_the_subscription_for_a_retry(
    app, push_service, subscribe_device, make_resident, status
):
    subscription_id, _ = subscribe_device(make_resident(), answer=status)

    assert send(app, subscription_id) == "retry"
    assert send(app, subscription_id) == "retry"

    row = subscription(app, subscription_id)
    assert row is not None and row.failures == 2 and row.last_success_at is None


def test_a_success_resets_the_failures(app, push_service, subscribe_device, make_resident):
    subscription_id, device = subscribe_device(make_resident(), answer=503)
    assert send(app, subscription_id) == "retry"
    device.answer = 201
    assert send(app, subscription_id) == "sent"
    assert subscription(app, subscription_id).failures == 0


@pytest.mark.parametrize("status", [400, 403, 413])
def test_a_refusal_for_good_is_failed_and_keeps_the_subscription(
    app, push_service, subscribe_device, make_resident, status
):
    subscription_id, _ = subscribe_device(make_resident(), answer=status)
    assert send(app, subscription_id) == "failed"
    assert subscription(app, subscription_id).failures == 1


def test_no_push_service_listening_is_a_retry(app, vapid, make_resident):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from .pushservice import PushService

    device = PushService.__new__(PushService)  # only for a device's keys
    device.devices = {}
    made = PushService.new_device(device)
    with app.app_context():
        row = PushSubscription(
            visitor_id=make_resident(),
            endpoint=f"http://127.0.0.1:{port}/push/x",
            p256dh=made.p256dh,
            auth=made.auth,
        )
        db.session.add(row)
        db.session.commit()
        subscription_id = row.id
    assert send(app, subscription_id) == "retry"
    assert subscription(app, subscription_id).failures == 1


def test_a_redirect_is_not_followed(app, push_service, subscribe_device, make_resident):
    subscription_id, device = subscribe_device(make_resident(), answer=307)
    target = push_service.new_device()
    device.location = push_service.endpoint(target)

    assert send(app, subscription_id) == "failed"
    assert [r.path for r in push_service.received] == [f"/push/{device.token}"]


def test_an_endpoint_resolving_to_a_private_address_is_not_sent_to(
    app, push_service, subscribe_device, make_resident, monkeypatch
):
    subscription_id, _ = subscribe_device(make_resident())
    app.config["RALLY_PUSH_ALLOW_LOCAL_ENDPOINTS"] = False
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443))],
    )

    assert send(app, subscription_id) == "failed"
    assert push_service.received == []


def test_a_subscription_removed_meanwhile_is_gone(app, push_service, make_resident):
    assert send(app, 987654) == "gone"
    assert push_service.received == []


def test_without_a_vapid_key_nothing_is_sent(
    app, push_service, subscribe_device, make_resident, tmp_path
):
    subscription_id, _ = subscribe_device(make_resident())
    app.config["RALLY_VAPID_PRIVATE_KEY"] = ""

    assert send(app, subscription_id) == "failed"
    assert push_service.received == []


def test_a_long_body_is_cut_to_what_push_services_take(
    app, push_service, subscribe_device, make_resident
):
    subscription_id, _ = subscribe_device(make_resident())
    long = dict(PAYLOAD, body="お知らせ" * 2000)

    assert send(app, subscription_id, long) == "sent"
    message = json.loads(push_service.received[0].plaintext)
    assert message["body"].startswith("お知らせお知らせ") and message["body"].endswith("…")
    assert len(push_service.received[0].plaintext) <= operations.MAX_PAYLOAD_BYTES


@pytest.mark.parametrize(
    "url, sent",
    [
        ("/circles/4", "/circles/4"),
        ("http://rally.test/news/5?lang=en", "/news/5?lang=en"),
        ("https://evil.example/x", "/"),
        ("//evil.example/x", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_a_message_opens_only_a_page_of_this_site(
    app, push_service, subscribe_device, make_resident, url, sent
):
    subscription_id, _ = subscribe_device(make_resident())
    assert send(app, subscription_id, dict(PAYLOAD, url=url)) == "sent"
    assert json.loads(push_service.received[0].plaintext)["url"] == sent


def test_push_to_hands_every_device_of_the_resident_and_no_other(
    app, push_service, subscribe_device, make_resident
):
    resident, other = make_resident(), make_resident()
    first, _ = subscribe_device(resident)
    second, _ = subscribe_device(resident)
    subscribe_device(other)

    with app.app_context():
        assert push_to(resident, PAYLOAD) == [first, second]
        db.session.commit()
        handed = []
        assert push_to(resident, PAYLOAD, send=lambda *args: handed.append(args)) == [
            first,
            second,
        ]
        assert handed == [(first, PAYLOAD), (second, PAYLOAD)]
        assert push_to(make_resident(), PAYLOAD) == []
        count = db.session.scalar(select(func.count()).select_from(PushSubscription))
    assert len(push_service.received) == 2
    assert all(json.loads(r.plaintext) == PAYLOAD for r in push_service.received)
    assert count == 3
