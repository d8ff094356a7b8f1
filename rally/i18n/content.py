"""Translatable content: one JSON column per text, ``{language code: text}``, and the
reader's language picked with a fallback.

The design of pretix's ``I18nCharField`` and Decidim's translatable attributes: a shop's
name is ``{"ja": "鈴木青果店", "en": "Suzuki Greengrocer"}`` in one column, so a sixth
language is a setting line (``RALLY_LANGUAGES``), never a migration. A model declares
``name: Mapped[dict[str, str]] = translated_column()`` and mixes in :class:`Translated`;
pages call ``store.tr("name")`` or, in templates, ``local(store, "name")``.
"""

from flask import g, has_request_context
from flask_babel import get_babel, get_locale, get_translations, gettext
from markupsafe import Markup, escape
from sqlalchemy import JSON, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

from .languages import bcp47, fallback_order, own_name, site_languages

try:  # the context variable behind ``flask.g``: ten times cheaper than the proxy per call
    from flask.globals import _cv_app
except ImportError:  # pragma: no cover - another Flask: the proxy does the same, slower
    _cv_app = None


def clean_texts(values) -> dict[str, str]:
    """``{code: text}`` with blank texts dropped and the others stripped; None is ``{}``."""
    if not values:
        return {}
    return {
        str(code): value.strip()
        for code, value in values.items()
        if isinstance(value, str) and value.strip()
    }


class TranslatedText(TypeDecorator):
    """A text in several languages, stored as a JSON object ``{code: text}`` (JSONB on
    PostgreSQL). Blank texts are not stored; a text in no language is ``{}``, never NULL.

    Index access keeps working through the decorator for SQL: ``Store.name["ja"].as_string()``.
    """

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())

    def process_bind_param(self, value, dialect):
        return clean_texts(value)

    def process_result_value(self, value, dialect):
        return value or {}


class Texts(MutableDict):
    """The Python side of a :class:`TranslatedText` column: a dict whose changes are saved
    (``store.name["ko"] = "..."``), cleaned like the column when assigned."""

    @classmethod
    def coerce(cls, key, value):
        if isinstance(value, cls):
            return value
        if value is None or isinstance(value, dict):
            return cls(clean_texts(value))
        return super().coerce(key, value)


TranslatedTextColumn = Texts.as_mutable(TranslatedText())


def translated_column(**kwargs):
    """A translatable text column: ``name: Mapped[dict[str, str]] = translated_column()``."""
    return mapped_column(
        TranslatedTextColumn,
        nullable=False,
        default=dict,
        server_default=text("'{}'"),
        **kwargs,
    )


def texts_sql(column, lang: str):
    """SQL for one language's text of a translatable column (NULL when it has none)."""
    return column[lang].as_string()


def sort_key_sql(column, lang: str | None = None):
    """SQL to sort rows by a translatable text as a reader of ``lang`` sees it: their
    language, else the fallbacks (the same order as :meth:`Translated.tr`)."""
    order = fallback_order(lang or current_language())
    return func.coalesce(*(column[code].as_string() for code in order), "")


def _locale_state() -> tuple[str, dict | None, tuple[str, ...] | None]:
    """The active language, a cache of strings translated into it, and the order its
    texts fall back in.

    Resolved once per request (pages ask for the language once per row), and stored beside
    Flask-Babel's own per-request locale, tagged with the locale object it was made for: a
    ``force_locale`` block or a ``refresh()`` sets another locale object, so the language
    follows them. Outside an application context nothing is cached.
    """
    babel_ctx = _babel_context()
    if babel_ctx is not None:
        state = getattr(babel_ctx, "rally_language", None)
        if state is not None and state[0] is getattr(babel_ctx, "babel_locale", None):
            return state[1], state[2], state[3]
    locale = get_locale()
    languages = site_languages()
    lang = site_code(locale, languages)
    if locale is None:
        return lang, None, None
    cache: dict = {}
    order = fallback_order(lang)
    babel_ctx = _babel_context()  # get_locale() made it
    if babel_ctx is not None and getattr(babel_ctx, "babel_locale", None) is locale:
        babel_ctx.rally_language = (locale, lang, cache, order)
    return lang, cache, order


def site_code(locale, languages: tuple[str, ...]) -> str:
    """The site language a Babel locale stands for: ``zh_Hant_TW`` -> ``zh_Hant``; the
    site's first language when it is none of them."""
    if locale is not None:
        if locale.script:
            with_script = f"{locale.language}_{locale.script}"
            if with_script in languages:
                return with_script
        if locale.language in languages:
            return locale.language
    return languages[0] if languages else "ja"


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
    """The site language of the active locale (``ja``, ``en``, ``zh_Hans``, ...)."""
    return _locale_state()[0]


def _reader_order(lang: str | None) -> tuple[str, tuple[str, ...]]:
    """``lang`` (default: the reader's) and the order its texts fall back in."""
    if lang is None:
        lang, _cache, order = _locale_state()
        if order is not None:
            return lang, order
    return lang, fallback_order(lang)


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
            if code in site_languages():
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


def pick_lang(values: dict[str, str] | None, lang: str | None = None) -> tuple[str, str]:
    """The text of ``values`` for a reader of ``lang`` (default: the active locale) and the
    language it is in: theirs, else English, else Japanese, else any other."""
    lang, order = _reader_order(lang)
    if values:
        for code in order:
            value = values.get(code)
            if value and not value.isspace():
                return value, code
        for code, value in values.items():  # a language the site no longer offers
            if value and not value.isspace():
                return value, code
    return "", lang


def pick(values: dict[str, str] | None, lang: str | None = None) -> str:
    """Return the value for ``lang`` (default: the active locale), else a fallback.

    :param values: ``{"ja": ..., "en": ...}``; empty or blank strings count as missing.
    :param lang: force a language instead of the active locale.
    """
    return pick_lang(values, lang)[0]


class Translated:
    """Mixin for models (and rows) whose translatable texts are ``{code: text}`` dicts,
    such as :func:`translated_column` columns."""

    def tr(self, field: str, lang: str | None = None) -> str:
        """The field's text for the reader (or ``lang``), falling back as :func:`pick`."""
        return pick_lang(getattr(self, field), lang)[0]

    def tr_lang(self, field: str, lang: str | None = None) -> tuple[str, str]:
        """:meth:`tr` and the language its text is in: another one when it fell back."""
        return pick_lang(getattr(self, field), lang)

    def tr_lines(self, field: str, lang: str | None = None) -> list[str]:
        """The non-empty lines of a translated text (choices of a quiz or question)."""
        return [line.strip() for line in self.tr(field, lang).splitlines() if line.strip()]


def in_language(text: str, text_lang: str, page_lang: str | None = None) -> Markup:
    """``text`` for an element's content, inside ``<span lang>`` when it is in another
    language than the page (a fallback, such as a shop with no English name on an English
    page), so that screen readers read it with the right voice. Not for attributes."""
    if not text or text_lang == (page_lang or current_language()):
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(bcp47(text_lang), text)


def local(item: Translated, field: str) -> Markup:
    """Templates' ``local(store, "name")``: :meth:`Translated.tr` marked by
    :func:`in_language`, for an element's content."""
    return in_language(*item.tr_lang(field))


def shown_in(item: Translated, field: str) -> Markup:
    """Templates' ``shown_in(store, "description")``: a short note "Shown in 日本語" when
    the reader gets this long text in another language than theirs, else nothing.

    For long texts (a description, an event's text, a campaign's rules), where a reader
    may wonder why the page switched language; short names in lists stay plain."""
    text, text_lang = item.tr_lang(field)
    page_lang = current_language()
    if not text or text_lang == page_lang:
        return Markup("")
    language = Markup('<span lang="{}">{}</span>').format(bcp47(text_lang), own_name(text_lang))
    note = escape(gettext("Shown in %(language)s")) % {"language": language}
    return Markup('<p class="muted shown-in">{}</p>').format(note)
