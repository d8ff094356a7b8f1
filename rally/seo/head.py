"""What a page's ``<head>`` tells search engines and link previews (``seo/_head.html``).

Public pages (:data:`rally.seo.urls.PUBLIC_PAGES`) get their canonical and language
addresses; the store, campaign, spot, event and home pages also an Open Graph preview, and
stores, events and spots schema.org JSON-LD, built from the objects the page already has in
its template context. Every other page, and every error page, says ``noindex``.
"""

from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.core import get_global
from flask import request
from markupsafe import Markup

from rally.i18n import _, current_language
from rally.i18n.languages import bcp47, site_languages
from rally.i18n.languages import district_name as i18n_district_name

from . import structured
from .images import HEIGHT, WIDTH
from .urls import PageAddresses, absolute_url, public_page_addresses

DESCRIPTION_LENGTH = 180


@dataclass(frozen=True)
class Preview:
    """Open Graph and Twitter card of a page."""

    title: str
    description: str
    url: str
    image: str
    type: str = "website"
    image_width: int = WIDTH
    image_height: int = HEIGHT


@dataclass(frozen=True)
class Head:
    noindex: bool = True
    addresses: PageAddresses | None = None
    preview: Preview | None = None
    structured: Markup | None = None
    locale: str = ""
    locale_alternates: tuple[str, ...] = ()


def district_name(lang: str | None = None) -> str:
    """The district's name in ``lang`` (default: the page's), falling back as any text."""
    return i18n_district_name(lang or current_language())


@cache
def og_locale(code: str) -> str:
    """``zh_Hant`` -> ``zh_TW``: Open Graph's language_TERRITORY, the territory from CLDR's
    likely subtags (``zh_Hans`` has none of its own: it takes ``zh``'s, CN)."""
    likely = get_global("likely_subtags")
    locale = Locale.parse(code)
    full = likely.get(code) or likely.get(locale.language) or code
    territory = locale.territory or Locale.parse(full).territory
    return f"{locale.language}_{territory}" if territory else locale.language


def summary(text: str) -> str:
    """A text as one line of at most :data:`DESCRIPTION_LENGTH` characters."""
    text = " ".join(text.split())
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[: DESCRIPTION_LENGTH - 1].rstrip() + "…"


def og_image_url(kind: str, item_id: int | None = None) -> str:
    lang = bcp47(current_language())
    if kind == "home":
        return absolute_url("seo.og_home", lang=lang)
    return absolute_url("seo.og_image", kind=kind, item_id=item_id, lang=lang)


def _home(context, url: str):
    description = _(
        "Collect stamps at the shops of the district with your phone's camera and win rewards."
    )
    return Preview(district_name(), description, url, og_image_url("home")), None


def _store(context, url: str):
    store = context["store"]
    image = og_image_url("store", store.id)
    data = structured.store_data(store, context.get("hours") or [], url, image)
    description = summary(store.tr("description")) or store.tr("address")
    return Preview(store.tr("name"), description, url, image), data


def _campaign(context, url: str):
    campaign = context["campaign"]
    description = summary(campaign.tr("rules")) or _(
        "A digital stamp rally in %(district)s.", district=district_name()
    )
    image = og_image_url("campaign", campaign.id)
    return Preview(campaign.tr("title"), description, url, image), None


def _spot(context, url: str):
    spot = context["spot"]
    image = og_image_url("spot", spot.id)
    preview = Preview(spot.tr("name"), summary(spot.tr("description")), url, image)
    return preview, structured.spot_data(spot, url, image)


def _event(context, url: str):
    event = context["event"]
    image = og_image_url("event", event.id)
    home = absolute_url("site.home", lang=bcp47(current_language()))
    data = structured.event_data(event, url, image, district_name(), home)
    description = summary(event.tr("body")) or event.tr("place")
    return Preview(event.tr("title"), description, url, image), data


PREVIEWS = {
    "site.home": _home,
    "directory.store": _store,
    "landing.campaign": _campaign,
    "spots.spot": _spot,
    "news.event": _event,
}


def page_head(context) -> Head:
    """The head markup's data for the page being rendered with ``context``."""
    if context.get("status") is not None:  # error.html: whatever the endpoint, not a page
        return Head()
    if context.get("noindex"):  # a public page that says so itself (a members-only circle)
        return Head()
    addresses = public_page_addresses()
    if addresses is None:
        return Head()
    preview = data = None
    make = PREVIEWS.get(request.endpoint)
    if make is not None:
        preview, data = make(context, addresses.canonical)
    lang = current_language()
    return Head(
        noindex=False,
        addresses=addresses,
        preview=preview,
        structured=structured.json_ld(data) if data else None,
        locale=og_locale(lang),
        locale_alternates=tuple(og_locale(code) for code in site_languages() if code != lang),
    )
