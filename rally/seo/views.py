"""``/robots.txt``, ``/sitemap.xml``, the Open Graph images, and the head markup's global."""

from datetime import UTC

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_date
from jinja2 import pass_context

from rally.campaigns.models import Campaign
from rally.extensions import db
from rally.i18n import _
from rally.news.operations import visible_event
from rally.spots.operations import public_spot
from rally.stores.search import public_store
from rally.utils import utcnow

from . import images
from .head import district_name, page_head
from .sitemap import sitemap_entries
from .urls import absolute_url, language_urls

bp = Blueprint("seo", __name__, template_folder="templates")

# Paths no search engine should crawl: the back office, the merchant area, cards, accounts,
# log-in, and the one-time links of scans, registers and the language switch.
PRIVATE_PATHS = (
    "/admin/",
    "/manage/",
    "/merchant/",
    "/staff/",
    "/card",
    "/me/",
    "/auth/",
    "/checkpoints/",
    "/posters/",
    "/register/",
    "/s/",
    "/p/",
    "/lang/",
)
CRAWL_MAX_AGE = 3600
IMAGE_MAX_AGE = 86400


@bp.app_template_global("seo_head")
@pass_context
def seo_head(context):
    return page_head(context)


def _text(body: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = CRAWL_MAX_AGE
    return response


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in PRIVATE_PATHS), ""]
    lines.append(f"Sitemap: {absolute_url('seo.sitemap')}")
    return _text("\n".join(lines) + "\n", "text/plain")


def _w3c(moment) -> str | None:
    return moment.replace(tzinfo=UTC).isoformat(timespec="seconds") if moment else None


@bp.get("/sitemap.xml")
def sitemap():
    """Each public page once per language, with its language alternates (Google's hreflang
    in sitemaps: every ``<url>`` lists all versions, itself included, and x-default)."""
    urls = []
    for entry in sitemap_entries(utcnow()):
        addresses = language_urls(entry.endpoint, **entry.values)
        lastmod = _w3c(entry.lastmod)
        for hreflang, loc in addresses.alternates:
            if hreflang != "x-default":
                urls.append((loc, lastmod, addresses.alternates))
    body = render_template("seo/sitemap.xml", urls=urls)
    return _text(body, "application/xml")


def _card_spec(kind: str, item_id: int) -> images.CardSpec | None:
    """What the preview image of a public item shows, or None (missing, private, draft)."""
    district = district_name()
    if kind == "store":
        store = public_store(item_id)
        if store is None:
            return None
        area = store.area.tr("name") if store.area is not None else ""
        return images.CardSpec(store.tr("name"), area, district, store.photo_filename)
    if kind == "campaign":
        campaign = db.session.get(Campaign, item_id)
        if campaign is None or campaign.is_draft:
            return None
        dates = _(
            "%(start)s to %(end)s",
            start=format_date(campaign.starts_at, "long"),
            end=format_date(campaign.last_moment, "long"),
        )
        return images.CardSpec(campaign.tr("title"), dates, district)
    if kind == "spot":
        spot = public_spot(item_id)
        if spot is None:
            return None
        area = spot.area.tr("name") if spot.area is not None else spot.kind.label
        return images.CardSpec(spot.tr("name"), str(area), district)
    event = visible_event(item_id, utcnow())
    if event is None:
        return None
    return images.CardSpec(event.tr("title"), event.tr("place"), district)


def _image_response(spec: images.CardSpec) -> Response:
    """The PNG with its ETag; a 304 without drawing when the browser has it already."""
    etag = spec.etag
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(images.png(spec), mimetype="image/png")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = IMAGE_MAX_AGE
    # The language: ?lang=, else the visitor's choice or their browser's.
    response.vary.update(("Cookie", "Accept-Language"))
    return response


@bp.get("/og/<any(store, campaign, spot, event):kind>/<int:item_id>.png")
def og_image(kind: str, item_id: int):
    """A 1200x630 preview of a public store, campaign, spot or event, in ``?lang=``."""
    spec = _card_spec(kind, item_id) or abort(404)
    return _image_response(spec)


@bp.get("/og/home.png")
def og_home():
    """The district's own preview card, for the home page."""
    return _image_response(images.CardSpec(district_name(), "", ""))
