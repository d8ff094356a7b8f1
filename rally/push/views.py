"""The service worker, the web app manifest and a resident's push settings (/me/push)."""

import os
from uuid import uuid4

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from rally.extensions import db, limiter
from rally.forms import ConfirmForm
from rally.i18n import _, current_language, district_name
from rally.visitors.session import current_visitor

from . import operations
from .channel import queue_push
from .device import remember_device
from .keys import configured_keys
from .messages import test_message
from .operations import PushError

bp = Blueprint("push", __name__, template_folder="templates")


def _visitor_or_login():
    visitor = current_visitor()
    if visitor is None:
        abort(redirect(url_for("visitors.login")))
    return visitor


@bp.get("/sw.js")
def service_worker():
    """The service worker, at the site's root so its scope is the whole site. Browsers
    check it for updates at most every 24 hours whatever it says; ``no-cache`` makes them
    ask every time they check, so a new version reaches devices at once."""
    response = send_from_directory(
        os.path.join(current_app.root_path, "static"),
        "sw.js",
        mimetype="text/javascript",
        max_age=0,
    )
    response.cache_control.no_cache = True
    response.cache_control.public = False
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """What a phone needs to put the site on its home screen as an app: iPhones and iPads
    (iOS 16.4 and later) allow notifications only to a site opened from there."""
    name = district_name(current_language())
    response = jsonify(
        {
            "name": name,
            "short_name": name[:12],
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#ffffff",
            "icons": [
                {
                    "src": url_for("static", filename="icon-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                },
                {
                    "src": url_for("static", filename="icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                },
            ],
        }
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/me/push")
def settings():
    visitor = _visitor_or_login()
    keys = configured_keys()
    return render_template(
        "push/settings.html",
        devices=operations.devices(visitor),
        public_key=keys.public_key if keys else None,
        form=ConfirmForm(),
    )


@bp.post("/me/push/subscriptions")
@limiter.limit("30 per hour")
def subscribe():
    """The page's script posts the browser's subscription here as JSON (the CSRF token in
    the ``X-CSRFToken`` header); answers JSON."""
    visitor = current_visitor()
    if visitor is None:
        return jsonify(error="login_required"), 401
    try:
        data = operations.parse_subscription(
            request.get_json(silent=True), request.headers.get("User-Agent", "")
        )
        subscription = operations.subscribe(visitor, data)
    except PushError as error:
        db.session.rollback()
        return jsonify(error=error.code, message=str(error.message)), error.status
    db.session.commit()
    response = jsonify(id=subscription.id, device=subscription.user_agent)
    response.status_code = 201
    return remember_device(response, subscription.id)  # logging out forgets this device


@bp.post("/me/push/unsubscribe")
def unsubscribe():
    """The page's "turn off on this device": the browser unsubscribed, the row goes."""
    visitor = current_visitor()
    if visitor is None:
        return jsonify(error="login_required"), 401
    endpoint = (request.get_json(silent=True) or {}).get("endpoint")
    removed = isinstance(endpoint, str) and operations.remove_endpoint(visitor, endpoint)
    db.session.commit()
    return jsonify(removed=bool(removed))


@bp.post("/me/push/devices/<int:subscription_id>/remove")
def remove(subscription_id: int):
    visitor = _visitor_or_login()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.remove(visitor, subscription_id)  # PushError: 404, the app's handler answers
    db.session.commit()
    flash(_("This device will no longer get notifications."), "success")
    return redirect(url_for(".settings"), 303)


@bp.post("/me/push/test")
@limiter.limit("10 per hour")
def send_test():
    """Queue a test message to each of the resident's devices (a worker sends it: the
    request never waits for a push service)."""
    visitor = _visitor_or_login()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    devices = queue_push(visitor.id, test_message(url_for(".settings")), f"push-test:{uuid4().hex}")
    db.session.commit()
    if not devices:
        flash(_("No device has notifications turned on yet."), "error")
    else:
        flash(_("A test message is on its way to your devices."), "success")
    return redirect(url_for(".settings"), 303)
