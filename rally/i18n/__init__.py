"""Languages: locale selection, the language switch, translated helpers.

``_`` and ``_l`` are re-exported so every module imports them from one place.
"""

import flask_babel
from flask import current_app, has_request_context, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from .content import Translated, current_language, pick, translations
from .languages import bcp47, district_name, negotiate, own_name, site_languages

__all__ = [
    "_",
    "_l",
    "ngettext",
    "Translated",
    "bcp47",
    "district_name",
    "own_name",
    "site_languages",
    "current_language",
    "chosen_language",
    "url_language",
    "pick",
    "format_when",
    "recipient_language",
    "install_template_gettext",
]


def install_template_gettext(app) -> None:
    """Templates' ``_``, ``gettext`` and ``ngettext`` from the catalog looked up once per
    request.

    The same callables Flask-Babel installs (call after ``babel.init_app``), minus its
    catalog look-up at every string; ``_`` and the two newstyle functions are written out
    below instead of Jinja's wrappers, which pass every string through two or three
    ``Context.call`` indirections (a card page has two dozen strings).
    """
    env = app.jinja_env
    env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)


# Jinja's newstyle semantics (jinja2.ext._make_new_gettext): the translation is escaped like
# the template and %-formatted with the keyword arguments, which are escaped too. A string
# without a "%" formats to itself, and formatting a Markup costs more than the look-up.
@pass_context
def _template_gettext(context, string: str, /, **variables) -> str:
    translated = translations().ugettext(string)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables if "%" in translated else translated


@pass_context
def _template_ngettext(context, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    translated = translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables


LANGUAGE_COOKIE = "rally_lang"


def format_when(value) -> str:
    """A moment as people read it, in the district's time zone: the date with the month's
    name and the time without seconds ("Nov 27, 2026, 10:00 AM", "2026/11/27 10:00").

    Babel's "short" datetime writes "11/27/26" in English, which a visitor from outside the
    United States reads as another day; its "medium" adds seconds nobody needs.
    """
    if value is None:
        return ""
    locale = flask_babel.get_locale()
    date = flask_babel.format_date(value, "medium")
    time = flask_babel.format_time(value, "short")
    return locale.datetime_formats["medium"].format(time, date)


def recipient_language(preferred: str | None) -> str:
    """The language to write to someone in: the one their account keeps (the switch keeps
    it up to date), else the page's (the person asking is the reader), else the district's.
    Use it with ``force_locale`` around a mail's subject and body."""
    if preferred in site_languages():
        return preferred
    return current_language()


def chosen_language() -> str | None:
    """The language the visitor picked with the switch, if any."""
    languages = site_languages()
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen not in languages:
        chosen = session.get("lang")  # where the choice was kept before its own cookie
    return chosen if chosen in languages else None


def url_language() -> str | None:
    """The site language the URL names (``?lang=zh-Hant``, BCP 47, any case), if any.

    Every public page exists once per language at its own address, for search engines and
    shared links; an unknown value is ignored.
    """
    wanted = request.args.get("lang", "").replace("-", "_").casefold()
    if not wanted:
        return None
    return next((code for code in site_languages() if code.casefold() == wanted), None)


def select_locale() -> str:
    """The URL's ``?lang=``, then the visitor's explicit choice, then their account, then
    Accept-Language (see :func:`rally.i18n.languages.negotiate`: ``zh-TW`` reads
    Traditional Chinese), then ``ja``.

    The URL's language shows that one page in it; it does not change the saved choice.
    """
    if not has_request_context():  # CLI, background jobs: the district's language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    in_url = url_language()
    if in_url is not None:
        return in_url
    chosen = chosen_language()
    if chosen is not None:
        return chosen
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in site_languages():
        return user_locale
    best = negotiate(request.accept_languages)
    if best:
        return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]
