"""Home page and error pages."""

from flask import Blueprint, current_app, render_template
from flask_wtf.csrf import CSRFError

from rally.campaigns.lifecycle import open_campaigns
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


def _error_page(error):
    status = getattr(error, "code", 500) or 500
    message = ERROR_MESSAGES.get(status, ERROR_MESSAGES[500])
    return render_template("site/error.html", status=status, message=message), status


for _status in ERROR_MESSAGES:
    bp.app_errorhandler(_status)(_error_page)
