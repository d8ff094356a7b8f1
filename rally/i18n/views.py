"""The language switch, shown on every page."""

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, abort, current_app, redirect, request, session

from rally.extensions import db
from rally.utils import safe_next_url

from . import LANGUAGE_COOKIE
from .languages import site_languages
from .signals import language_chosen

LANGUAGE_COOKIE_MAX_AGE = int(timedelta(days=365).total_seconds())

bp = Blueprint("i18n", __name__)


def _without_lang(url: str) -> str:
    """``url`` less its ``?lang=``, which would outrank the choice just made."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, True) if key != "lang"]
    return urlunsplit(parts._replace(query=urlencode(query)))


@bp.get("/lang/<code>")
def switch(code: str):
    """Remember the visitor's language (and their account's) and return to the page they
    were on."""
    if code not in site_languages():
        abort(404)
    # A cookie of its own: the choice outlives the browser, a log-in does not (the session
    # made permanent for the language kept a staff log-in for a year).
    session.pop("lang", None)
    # A logged-in account keeps it too, for the e-mails it is sent (see language_chosen).
    language_chosen.send(current_app._get_current_object(), code=code)
    db.session.commit()
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


# rally.database.writes, which this room sits below: a logged-in account's choice is written,
# so its transaction takes SQLite's write lock up front (an anonymous switch queries nothing).
switch.rally_writes = True
