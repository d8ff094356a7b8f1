"""A public page's addresses: canonical, one per language, ``x-default``.

Each public page exists once per language at ``?lang=<BCP 47>`` (``select_locale`` reads
it). The canonical address is the page in the language it was answered in, with only the
query parameters that change what it shows; the other languages are its alternates and the
address without ``lang`` (negotiated from the browser) is ``x-default``.
"""

from dataclasses import dataclass

from flask import current_app, request, url_for

from rally.i18n import current_language
from rally.i18n.languages import bcp47, site_languages
from rally.stores.models import Category

CATEGORIES = frozenset(category.value for category in Category)

# The public pages (endpoint -> the query parameters that make a distinct page). Every other
# page (back office, merchant area, cards, accounts, actions) says noindex.
PUBLIC_PAGES: dict[str, tuple[str, ...]] = {
    "site.home": (),
    "site.privacy": (),
    "directory.index": ("category", "page"),
    "directory.store": (),
    "spots.index": (),
    "spots.spot": (),
    "spots.map": (),
    "news.index": ("page",),
    "news.post": (),
    "news.store_news": ("page",),
    "news.events": ("page",),
    "news.event": (),
    "landing.campaign": (),
    "lottery.public": (),
    "circles.index": (),
    "threads.circle": ("page",),
    "threads.thread": (),
    "ideas.index": ("state", "area", "page"),
    "ideas.idea": (),
}


@dataclass(frozen=True)
class PageAddresses:
    canonical: str
    alternates: list[tuple[str, str]]  # (hreflang, absolute URL), x-default last


def base_url() -> str:
    return current_app.config["RALLY_BASE_URL"].rstrip("/")


def absolute_url(endpoint: str, **values) -> str:
    """``url_for`` on ``RALLY_BASE_URL`` (the address search engines and links should use,
    whatever host the request came in by)."""
    return base_url() + url_for(endpoint, **values)


def language_urls(endpoint: str, **values) -> PageAddresses:
    """The page ``endpoint(**values)`` in the current language, and in each language."""
    current = current_language()
    alternates = [
        (bcp47(code), absolute_url(endpoint, **values, lang=bcp47(code)))
        for code in site_languages()
    ]
    alternates.append(("x-default", absolute_url(endpoint, **values)))
    return PageAddresses(absolute_url(endpoint, **values, lang=bcp47(current)), alternates)


def _meaningful_arguments(names: tuple[str, ...]) -> dict[str, str]:
    arguments = {}
    for name in names:
        value = request.args.get(name, "").strip()
        if name == "page" and (not value.isdigit() or int(value) <= 1):
            continue  # page 1 is the page without the parameter
        if name == "category" and value not in CATEGORIES:
            continue  # the directory ignores an unknown category: the same page
        if value:
            arguments[name] = value
    return arguments


def public_page_addresses() -> PageAddresses | None:
    """The addresses of the page being answered, or None when it is not a public page."""
    names = PUBLIC_PAGES.get(request.endpoint or "")
    if names is None:
        return None
    values = dict(request.view_args or {})
    values.update(_meaningful_arguments(names))
    return language_urls(request.endpoint, **values)
