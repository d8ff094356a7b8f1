"""The site's languages: which ones, how HTML writes them, and the order a reader's texts
fall back in when a text is missing in their language.

The codes are Babel's locale identifiers (``zh_Hans``, the catalog folder's name); pages
write them as BCP 47 tags (``zh-Hans``). The list is the setting ``RALLY_LANGUAGES``, so a
sixth language is one catalog and one setting line.
"""

from functools import cache

from babel import Locale
from flask import current_app, has_app_context

DEFAULT_LANGUAGES = ("ja", "en", "zh_Hans", "zh_Hant", "ko")

# When a text is missing in the reader's language: English, the district's second language,
# then Japanese, in which every text of the district is first written.
FALLBACKS = ("en", "ja")


def site_languages() -> tuple[str, ...]:
    """The languages of this site, the default first (``RALLY_LANGUAGES``)."""
    if has_app_context():
        return tuple(current_app.config["RALLY_LANGUAGES"])
    return DEFAULT_LANGUAGES


def bcp47(code: str) -> str:
    """``zh_Hant`` -> ``zh-Hant``: how ``<html lang>``, ``hreflang`` and ``lang=`` write it."""
    return code.replace("_", "-")


@cache
def own_name(code: str) -> str:
    """The language's name in itself, as the switch lists it ("한국어", "繁體中文")."""
    locale = Locale.parse(code)
    return locale.get_display_name(locale) or code


@cache
def _fallback_order(lang: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    order = [lang, *FALLBACKS, *languages]
    return tuple(dict.fromkeys(order))


def fallback_order(lang: str) -> tuple[str, ...]:
    """The languages to try, in order, for a reader of ``lang``: theirs, English, Japanese,
    then the others of the site (a text written only in Korean still shows)."""
    return _fallback_order(lang, site_languages())
