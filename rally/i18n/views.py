"""The language switch, shown on every page."""

from flask import Blueprint, abort, redirect, request, session

from rally.utils import safe_next_url

from .content import LANGUAGES

bp = Blueprint("i18n", __name__)


@bp.get("/lang/<code>")
def switch(code: str):
    """Remember the visitor's language and return to the page they were on."""
    if code not in LANGUAGES:
        abort(404)
    session["lang"] = code
    session.permanent = True
    return redirect(safe_next_url(request.args.get("next")), 303)
