"""The public store directory and store pages."""

from datetime import UTC
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale

from rally.i18n import _l
from rally.news import operations as news
from rally.utils import utcnow

from . import search
from .hours import is_open
from .models import Category

bp = Blueprint("directory", __name__, template_folder="templates")

TAG_LABELS = {
    "english_spoken": _l("English spoken"),
    "tax_free": _l("Tax-free shopping"),
    "cashless": _l("Cashless payment"),
    "wifi": _l("Free Wi-Fi"),
}


def _category(value: str | None) -> Category | None:
    try:
        return Category(value) if value else None
    except ValueError:
        return None


@bp.get("/stores")
def index():
    """Approved stores, filtered by category, tourist tags and words in either language."""
    category = _category(request.args.get("category"))
    tags = tuple(tag for tag in request.args.getlist("tag") if tag in search.TOURIST_TAGS)
    text = request.args.get("q", "").strip()[:100]
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = search.search_stores(page=page, category=category, tags=tags, text=text)
    return render_template(
        "stores/directory/index.html",
        pagination=pagination,
        category=category,
        categories=list(Category),
        tags=tags,
        tag_labels=TAG_LABELS,
        text=text,
    )


@bp.get("/stores/<int:store_id>")
def store(store_id: int):
    """A store's page: photo, hours and whether it is open now, news, coupons, campaigns."""
    store = search.public_store(store_id) or abort(404)
    now = utcnow()
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    hours = search.store_hours(store)
    return render_template(
        "stores/directory/store.html",
        store=store,
        hours=hours,
        open_now=is_open(hours, now.replace(tzinfo=UTC).astimezone(zone)),
        day_names=get_day_names("wide", locale=get_locale()),
        tag_labels=TAG_LABELS,
        news=news.latest_news(now, limit=5, store=store),
        coupons=news.store_coupons(store, now),
        campaigns=search.campaigns_of_store(store, now),
        now=now,
    )
