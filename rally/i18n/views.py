"""The language switch, shown on every page."""

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, abort, current_app, redirect, request, session

from rally.utils import safe_next_url

from . import LANGUAGE_COOKIE
from .content import LANGUAGES

LANGUAGE_COOKIE_MAX_AGE = int(timedelta(days=365).total_seconds())

bp = Blueprint("i18n", __name__)


def _without_lang(url: str) -> str:
    """``url`` less its ``?lang=``, which would outrank the choice just made."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, True) if key != "lang"]
    return urlunsplit(parts._replace(query=urlencode(query)))


@bp.get("/lang/<code>")
def switch(code: str):
    """Remember the visitor's language and return to the page they were on."""
    if code not in LANGUAGES:
        abort(404)
    # A cookie of its own: the choice outlives the browser, a log-in does not (the session
    # made permanent for the language kept a staff log-in for a year).
    session.pop("lang", None)
    response = redirect(_without_lang(safe_next_url(request.args.get("next"))), 303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        httponly=True,
        secure=current_app.config["RALLY_COOKIE_SECURE"],
        samesite="Lax",
    )
    return response
