"""Home page and error pages."""

import math
import time

from flask import Blueprint, current_app, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError

from rally.campaigns.lifecycle import open_campaigns
from rally.extensions import limiter
from rally.i18n import _l
from rally.news.operations import latest_news, upcoming_events
from rally.spots.views import map_tiles_host
from rally.stores.models import Category
from rally.utils import utcnow

bp = Blueprint("site", __name__, template_folder="templates")

ERROR_MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to open this page."),
    404: _l("This page does not exist."),
    405: _l("This action is not allowed here."),
    # Werkzeug cuts off a body over MAX_CONTENT_LENGTH before any form reads it.
    413: _l("What you sent is too large."),
    429: _l("Too many requests. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
}


@bp.get("/")
def home():
    now = utcnow()
    return render_template(
        "site/home.html",
        campaigns=open_campaigns(now),
        events=upcoming_events(now, limit=3),
        news=latest_news(now, limit=5),
        categories=list(Category),
    )


@bp.get("/privacy")
def privacy():
    """What Rally keeps about visitors, why, who sees it, and how to have it erased."""
    return render_template(
        "site/privacy.html",
        map_host=map_tiles_host(),
        contact=current_app.config["RALLY_CONTACT_EMAIL"],
    )


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    message = _l("Your form expired or was sent from another site. Please try again.")
    return render_template("site/error.html", status=400, message=message), 400


# What a rate-limited person was doing, by blueprint or endpoint: (heading, message).
_STAMP_ATTEMPTS = (
    _l("No stamp this time"),
    _l("Too many stamp attempts in a short time. Please wait and try again."),
)
_LOG_IN_ATTEMPTS = (
    _l("Too many log-in attempts"),
    _l("Too many log-in attempts in a short time. Please wait and try again."),
)
_TOO_MANY_REQUESTS = (_l("Too many requests"), ERROR_MESSAGES[429])
RATE_LIMITED_PAGES = {
    "stamping": _STAMP_ATTEMPTS,  # a scan
    "pins": _STAMP_ATTEMPTS,  # a PIN typed for a stamp
    "auth.login": _LOG_IN_ATTEMPTS,
    "visitors.login": _LOG_IN_ATTEMPTS,
}


@bp.app_errorhandler(RateLimitExceeded)
def rate_limited(error):
    """Too many requests from one card or address: a translated 429 page that fits the
    action (only a stamp attempt speaks of stamps), saying how long to wait."""
    endpoint = request.endpoint or ""
    heading, message = RATE_LIMITED_PAGES.get(
        endpoint, RATE_LIMITED_PAGES.get(request.blueprint or "", _TOO_MANY_REQUESTS)
    )
    current = limiter.current_limit
    # As Flask-Limiter counts it: whole seconds until the window resets.
    seconds = max(1, int(current.reset_at - time.time())) if current else 60
    response = current_app.make_response(
        (
            render_template(
                "site/rate_limited.html",
                heading=heading,
                message=message,
                minutes=math.ceil(seconds / 60),
            ),
            429,
        )
    )
    # Flask-Limiter sets it too when its headers are on; the page must not depend on that.
    response.headers["Retry-After"] = str(seconds)
    return response


def _error_page(error):
    status = getattr(error, "code", 500) or 500
    message = ERROR_MESSAGES.get(status, ERROR_MESSAGES[500])
    return render_template("site/error.html", status=status, message=message), status


for _status in ERROR_MESSAGES:
    bp.app_errorhandler(_status)(_error_page)
