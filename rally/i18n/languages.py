"""The site's languages: which ones, how HTML writes them, and the order a reader's texts
fall back in when a text is missing in their language.

The codes are Babel's locale identifiers (``zh_Hans``, the catalog folder's name); pages
write them as BCP 47 tags (``zh-Hans``). The list is the setting ``RALLY_LANGUAGES``, so a
sixth language is one catalog and one setting line.
"""

from collections.abc import Iterable
from functools import cache, lru_cache
from typing import NamedTuple

from babel import Locale, UnknownLocaleError
from babel.core import get_global, parse_locale
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
    # CLDR's name of the whole code first: "简体中文", where the display name reads
    # "中文 (简体)", not how a reader looks for their language.
    return locale.languages.get(code) or locale.get_display_name(locale) or code


class Language(NamedTuple):
    """A site language as pages offer it: its code, its BCP 47 tag, its own name."""

    code: str
    tag: str
    name: str


@cache
def _choices(languages: tuple[str, ...]) -> tuple[Language, ...]:
    return tuple(Language(code, bcp47(code), own_name(code)) for code in languages)


def language_choices() -> tuple[Language, ...]:
    """The site's languages for a switch or a list of downloads, the default first."""
    return _choices(site_languages())


@cache
def _fallback_order(lang: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    order = [lang, *FALLBACKS, *languages]
    return tuple(dict.fromkeys(order))


def fallback_order(lang: str) -> tuple[str, ...]:
    """The languages to try, in order, for a reader of ``lang``: theirs, English, Japanese,
    then the others of the site (a text written only in Korean still shows)."""
    return _fallback_order(lang, site_languages())


@cache
def _site_locale(code: str) -> Locale:
    return Locale.parse(code)


@lru_cache(maxsize=512)  # tags come from browsers: bounded, a client may send any
def language_for_tag(tag: str, languages: tuple[str, ...]) -> str | None:
    """The site language a browser's language tag asks for, or None.

    The script decides for Chinese: ``zh-TW``, ``zh-HK``, ``zh-MO`` and ``zh-Hant*`` are
    written in Traditional characters, ``zh-CN``, ``zh-SG``, ``zh-Hans*`` and a bare ``zh``
    (CLDR's likely script) in Simplified ones; any region of another language is that
    language (``en-GB`` -> ``en``, ``ko-KR`` -> ``ko``).
    """
    try:
        asked = Locale.parse(tag.replace("_", "-"), sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    script = asked.script or _likely_script(asked.language)
    for code in languages:
        site = _site_locale(code)
        if site.language == asked.language and site.script in (None, script):
            return code
    return None


def _likely_script(language: str) -> str | None:
    likely = get_global("likely_subtags").get(language)
    return parse_locale(likely)[2] if likely else None


def negotiate(accepted: Iterable[tuple[str, float]]) -> str | None:
    """The site language a browser prefers most (``Accept-Language``, q-values honoured:
    the first acceptable tag of the highest quality), or None when it accepts none."""
    languages = site_languages()
    ranked = sorted(
        ((tag, quality) for tag, quality in accepted if quality > 0 and tag != "*"),
        key=lambda item: -item[1],
    )
    for tag, _quality in ranked:
        code = language_for_tag(tag, languages)
        if code is not None:
            return code
    return None


def district_name(lang: str) -> str:
    """The district's name in ``lang`` (``RALLY_DISTRICT_NAME_ZH_HANS``, ...), else in the
    reader's fallback order: every language need not have its own setting."""
    config = current_app.config
    for code in fallback_order(lang):
        name = config.get(f"RALLY_DISTRICT_NAME_{code.upper()}")
        if name:
            return name
    return ""
