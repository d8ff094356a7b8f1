"""Logging out on a device ends that device's notifications for the account: a shared
tablet does not keep receiving the previous resident's messages."""

from flask import make_response
from sqlalchemy import select

from rally.extensions import db
from rally.push import operations
from rally.push.device import DEVICE_COOKIE, remember_device
from rally.push.models import PushSubscription

from .test_devices import browser_json, post_subscription

EN = {"Accept-Language": "en"}


def endpoints(app, visitor_id):
    with app.app_context():
        return set(
            db.session.scalars(
                select(PushSubscription.endpoint).where(PushSubscription.visitor_id == visitor_id)
            )
        )


def logged_in(client):
    return client.get("/me/", headers=EN).status_code == 200


def test_logout_forgets_this_devices_subscription_by_its_cookie(
    app, push_service, make_resident, visitor_client, subscribe_device
):
    resident = make_resident()
    _, phone = subscribe_device(resident)  # another of the resident's devices
    tablet = visitor_client(resident)
    data = browser_json(push_service)
    assert post_subscription(tablet, data).status_code == 201
    assert tablet.get_cookie(DEVICE_COOKIE) is not None

    response = tablet.post("/me/logout", headers=EN)

    assert response.status_code == 303
    assert endpoints(app, resident) == {push_service.endpoint(phone)}
    assert tablet.get_cookie(DEVICE_COOKIE) is None
    assert not logged_in(tablet)
    with app.app_context():  # what the resident is sent now reaches the phone only
        assert len(operations.push_to(resident, {}, send=lambda *a: None)) == 1


def test_logout_forgets_the_endpoint_the_pages_script_read(
    app, push_service, make_resident, visitor_client, subscribe_device
):
    resident = make_resident()
    _, device = subscribe_device(resident)  # no cookie: subscribed before cookies existed
    client = visitor_client(resident)

    client.post("/me/logout", data={"push_endpoint": push_service.endpoint(device)})

    assert endpoints(app, resident) == set()


def test_logout_without_cookie_or_endpoint_keeps_the_devices(
    app, make_resident, visitor_client, subscribe_device
):
    resident = make_resident()
    subscribe_device(resident)
    client = visitor_client(resident)
    client.post("/me/logout")
    assert len(endpoints(app, resident)) == 1
    assert not logged_in(client)


def test_logout_never_forgets_another_accounts_device(
    app, push_service, make_resident, visitor_client, subscribe_device
):
    mine, theirs = make_resident(), make_resident()
    other_id, other_device = subscribe_device(theirs)
    client = visitor_client(mine)
    # Their subscription's id in a cookie signed by the site (the cookie of their browser),
    # and their endpoint in the form: neither is this account's.
    with app.test_request_context():
        cookie = remember_device(make_response(""), other_id).headers["Set-Cookie"]
    client.set_cookie(DEVICE_COOKIE, cookie.split(";")[0].split("=", 1)[1])

    client.post("/me/logout", data={"push_endpoint": push_service.endpoint(other_device)})

    assert endpoints(app, theirs) == {push_service.endpoint(other_device)}
    assert not logged_in(client)


def test_a_cookie_not_signed_by_the_site_is_ignored(
    app, make_resident, visitor_client, subscribe_device
):
    resident = make_resident()
    subscription_id, _ = subscribe_device(resident)
    client = visitor_client(resident)
    client.set_cookie(DEVICE_COOKIE, str(subscription_id))
    client.post("/me/logout")
    assert len(endpoints(app, resident)) == 1


def test_the_logout_form_runs_the_unsubscribing_script(make_resident, visitor_client):
    html = visitor_client(make_resident()).get("/me/", headers=EN).get_data(as_text=True)
    assert "data-push-logout" in html and 'name="push_endpoint"' in html
    assert 'src="/static/logout.js' in html


def test_a_password_reset_ends_every_devices_notifications(
    app, push_service, make_resident, subscribe_device
):
    """The reset is how a lost phone is locked out: it stops showing the account's messages
    (another resident's devices keep theirs)."""
    from rally import passwords
    from rally.visitors import operations as visitors
    from rally.visitors.models import Visitor

    resident, neighbour = make_resident(), make_resident()
    subscribe_device(resident)
    subscribe_device(resident)
    _, kept = subscribe_device(neighbour)
    with app.app_context():
        token = passwords.reset_token(visitors.RESET_SALT, db.session.get(Visitor, resident))
        visitors.reset_password(token, "a brand new passphrase")
        db.session.commit()
    assert endpoints(app, resident) == set()
    assert endpoints(app, neighbour) == {push_service.endpoint(kept)}
