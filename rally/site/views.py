"""The home page and the privacy page."""

from flask import Blueprint, current_app, render_template

from rally.campaigns.lifecycle import open_campaigns
from rally.news.operations import latest_news, upcoming_events
from rally.spots.views import map_tiles_host
from rally.stores.models import Category
from rally.stores.search import TAG_LABELS, featured_stores
from rally.utils import utcnow

bp = Blueprint("site", __name__, template_folder="templates")


@bp.get("/")
def home():
    now = utcnow()
    return render_template(
        "site/home.html",
        campaigns=open_campaigns(now),
        events=upcoming_events(now, limit=3),
        news=latest_news(now, limit=5),
        categories=list(Category),
        featured=featured_stores(),
        tag_labels=TAG_LABELS,
    )


@bp.get("/privacy")
def privacy():
    """What Rally keeps about visitors, why, who sees it, and how to have it erased."""
    return render_template(
        "site/privacy.html",
        map_host=map_tiles_host(),
        contact=current_app.config["RALLY_CONTACT_EMAIL"],
    )
