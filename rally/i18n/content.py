"""Bilingual content: pick the visitor's language, fall back to the other one."""

from flask import g, has_request_context
from flask_babel import get_babel, get_locale, get_translations
from markupsafe import Markup, escape

try:  # the context variable behind ``flask.g``: ten times cheaper than the proxy per call
    from flask.globals import _cv_app
except ImportError:  # pragma: no cover - another Flask: the proxy does the same, slower
    _cv_app = None

LANGUAGES = ("ja", "en")


def _locale_state() -> tuple[str, dict | None]:
    """The active language and a cache of strings translated into it.

    Resolved once per request (pages ask for the language once per row), and stored beside
    Flask-Babel's own per-request locale, tagged with the locale object it was made for: a
    ``force_locale`` block or a ``refresh()`` sets another locale object, so the language
    follows them. Outside an application context nothing is cached.
    """
    babel_ctx = _babel_context()
    if babel_ctx is not None:
        state = getattr(babel_ctx, "rally_language", None)
        if state is not None and state[0] is getattr(babel_ctx, "babel_locale", None):
            return state[1], state[2]
    locale = get_locale()
    lang = locale.language if locale is not None else "ja"
    lang = lang if lang in LANGUAGES else "ja"
    if locale is None:
        return lang, None
    cache: dict = {}
    babel_ctx = _babel_context()  # get_locale() made it
    if babel_ctx is not None and getattr(babel_ctx, "babel_locale", None) is locale:
        babel_ctx.rally_language = (locale, lang, cache)
    return lang, cache


def _babel_context():
    """Flask-Babel's per-request namespace on ``g``, or None (none yet, or no context)."""
    if _cv_app is not None:
        app_ctx = _cv_app.get(None)
        return getattr(app_ctx.g, "_flask_babel", None) if app_ctx is not None else None
    try:
        return g.get("_flask_babel")
    except RuntimeError:  # no application context
        return None


def current_language() -> str:
    """``ja`` or ``en``: the language of the active locale (see ``select_locale``)."""
    return _locale_state()[0]


def request_language() -> str:
    """:func:`current_language`, for a request that writes the language down without
    translating anything (a scan: the stamp keeps it, the answer is a redirect).

    While the request has no locale yet, the locale selector's answer is the language when it
    is one of ours, without making Flask-Babel build and keep a ``babel.Locale`` that nothing
    would use (about 15 us per scan); anything else goes through :func:`current_language`.
    """
    if has_request_context():
        babel_ctx = _babel_context()
        if babel_ctx is None or getattr(babel_ctx, "babel_locale", None) is None:
            selector = get_babel().locale_selector
            code = selector() if selector is not None else None
            if code in LANGUAGES:
                return code
    return current_language()


def translated_once(key, make):
    """``make()``, kept for the rest of the request in the active language under ``key``.

    For strings a page shows once per row, such as an enum's label.
    """
    cache = _locale_state()[1]
    if cache is None:
        return make()
    value = cache.get(key)
    if value is None:
        value = cache[key] = make()
    return value


_CATALOG = object()  # the cache key of the catalog itself


def translations():
    """Flask-Babel's catalog for the active locale, looked up once per request and locale.

    Flask-Babel finds it again at every ``_()`` (about 20 µs here), and a page has dozens.
    """
    return translated_once(_CATALOG, get_translations)


def pick(values: dict[str, str | None], lang: str | None = None) -> str:
    """Return the value for ``lang`` (default: the active locale), else the other language.

    :param values: ``{"ja": ..., "en": ...}``; empty or blank strings count as missing.
    :param lang: force a language instead of the active locale.
    """
    lang = lang or current_language()
    order = [lang] + [other for other in LANGUAGES if other != lang]
    for code in order:
        value = values.get(code)
        if value and value.strip():
            return value
    return ""


class Bilingual:
    """Mixin for models with ``<field>_ja`` / ``<field>_en`` columns."""

    def tr(self, field: str, lang: str | None = None) -> str:
        return self.tr_lang(field, lang)[0]

    def tr_lang(self, field: str, lang: str | None = None) -> tuple[str, str]:
        """:meth:`tr` and the language its text is in: the other one when it fell back."""
        # The same rule as pick(), without building a dict: pages call this per row.
        lang = lang or current_language()
        value = getattr(self, f"{field}_{lang}", None)
        if value and value.strip():
            return value, lang
        other_lang = "en" if lang == "ja" else "ja"
        other = getattr(self, f"{field}_{other_lang}", None)
        return (other, other_lang) if other and other.strip() else ("", lang)

    def tr_lines(self, field: str, lang: str | None = None) -> list[str]:
        """The non-empty lines of a bilingual text field (choices of a quiz or question)."""
        return [line.strip() for line in self.tr(field, lang).splitlines() if line.strip()]


def in_language(text: str, text_lang: str, page_lang: str | None = None) -> Markup:
    """``text`` for an element's content, inside ``<span lang>`` when it is in the other
    language than the page (a fallback, such as a shop with no English name on an English
    page), so that screen readers read it with the right voice. Not for attributes."""
    if not text or text_lang == (page_lang or current_language()):
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(text_lang, text)


def local(item: Bilingual, field: str) -> Markup:
    """Templates' ``local(store, "name")``: :meth:`Bilingual.tr` marked by
    :func:`in_language`, for an element's content."""
    return in_language(*item.tr_lang(field))
