"""Which subscription is this browser's: a signed cookie naming it, set when the browser
subscribes, so logging out on a shared tablet can forget this device (and only it) even
when the page's script does not run. A browser has one subscription per site, so one id."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

DEVICE_COOKIE = "rally_push_device"
DEVICE_SALT = "push-device"
# About as long as browsers keep a cookie (400 days); subscribing again renews it.
DEVICE_MAX_AGE = 400 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=DEVICE_SALT)


def remember_device(response, subscription_id: int):
    """Mark this browser as the device of ``subscription_id``."""
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(subscription_id),
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        secure=current_app.config["RALLY_COOKIE_SECURE"],
        samesite="Lax",
    )
    return response


def device_of(cookies) -> int | None:
    """The subscription id the browser's cookie names, or None (no cookie, not ours)."""
    value = cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        subscription_id = _serializer().loads(value)
    except BadSignature:
        return None
    return subscription_id if isinstance(subscription_id, int) else None


def forget_device(response):
    """Drop the cookie (the device's subscription is gone)."""
    response.delete_cookie(
        DEVICE_COOKIE,
        httponly=True,
        secure=current_app.config["RALLY_COOKIE_SECURE"],
        samesite="Lax",
    )
    return response
