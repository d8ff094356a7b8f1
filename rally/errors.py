"""Domain errors raised by ``operations`` modules, and the app's one place that answers
errors (:func:`init_app`).

Each error carries a fixed, machine-readable ``code`` (tests and the API assert on it) and
the HTTP status a view should answer with. The message is a lazy translated string. A view
that has nowhere better to go lets a :class:`RallyError` through: the app answers with its
message and status, after rolling the request back; a view that goes back to a page says
why with :func:`back_with`.
"""

import math
import time

from flask import (
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
)
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.orm import Session

from rally.extensions import db, limiter
from rally.i18n import _l


class RallyError(Exception):
    """Base class of every refusal a visitor, merchant or organizer can meet."""

    status = 400

    def __init__(self, message, *, code: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        if status is not None:
            self.status = status


class StateError(RallyError):
    """An illegal state transition (approve a suspended store, publish an ended campaign)."""

    status = 409


def back_with(error: RallyError, target: str):
    """Undo the request's changes and say why, translated, on the page we go back to."""
    db.session.rollback()
    flash(error.message, "error")
    return redirect(target, 303)


ERROR_MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to open this page."),
    404: _l("This page does not exist."),
    405: _l("This action is not allowed here."),
    # Werkzeug cuts off a body over MAX_CONTENT_LENGTH before any form reads it.
    413: _l("What you sent is too large."),
    429: _l("Too many requests. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
}


def init_app(app) -> None:
    """Answer every error the same way on every page: domain refusals, rate limits, expired
    forms and HTTP errors, each with a translated page and its status."""
    app.register_error_handler(RallyError, refused)
    app.register_error_handler(RateLimitExceeded, rate_limited)
    app.register_error_handler(CSRFError, csrf_error)
    for status in ERROR_MESSAGES:
        app.register_error_handler(status, _error_page)
    app.after_request(_form_kept_or_refused)


def refused(error: RallyError):
    """A refusal no view caught: nothing of the request is kept, the page says why."""
    g.error_page = True
    db.session.rollback()
    return render_template("error.html", status=error.status, message=error.message), error.status


def csrf_error(error):
    g.error_page = True
    # What the view left pending is refused (see below): gone before the page reads anything
    # (the disaster banner does), or reading would flush it and be refused again.
    db.session.rollback()
    message = _l("Your form expired or was sent from another site. Please try again.")
    return render_template("error.html", status=400, message=message), 400


# A POST whose CSRF token failed (see rally.extensions.FormKeepingCSRFProtect) reaches its
# view read-only. A form page answers with the form again, its csrf_token field failing like
# any other field (rally.forms.Form); anything else gets the usual refusal.


@event.listens_for(Session, "before_flush")
@event.listens_for(Session, "before_commit")
def _nothing_written_without_a_valid_token(session, *args) -> None:
    if has_request_context() and g.get("csrf_refused") is not None:
        raise g.csrf_refused


def _form_kept_or_refused(response):
    refusal = g.get("csrf_refused")
    if refusal is None:
        return response
    page = response.mimetype == "text/html" and response.status_code in (200, 400)
    if g.get("csrf_form_kept") and page and not g.get("error_page"):
        response.status_code = 400
        return response
    # No form showed the typed input again: the session goes back to what it was (no
    # log-in, log-out or message of the view stays), and the answer is the refusal.
    session.clear()
    session.update(g.session_before_refusal)
    return current_app.make_response(csrf_error(refusal))


# What a rate-limited person was doing, by blueprint or endpoint: (heading, message).
_STAMP_ATTEMPTS = (
    _l("No stamp this time"),
    _l("Too many stamp attempts in a short time. Please wait and try again."),
)
_LOG_IN_ATTEMPTS = (
    _l("Too many log-in attempts"),
    _l("Too many log-in attempts in a short time. Please wait and try again."),
)
_SIGN_UPS = (
    _l("Too many new accounts"),
    _l("Too many accounts were made from this connection today. Please try again tomorrow."),
)
_TOO_MANY_REQUESTS = (_l("Too many requests"), ERROR_MESSAGES[429])
RATE_LIMITED_PAGES = {
    "stamping": _STAMP_ATTEMPTS,  # a scan
    "pins": _STAMP_ATTEMPTS,  # a PIN typed for a stamp
    "auth.login": _LOG_IN_ATTEMPTS,
    "visitors.login": _LOG_IN_ATTEMPTS,
    "visitors.save": _SIGN_UPS,
}


def rate_limited(error):
    """Too many requests from one card or address: a translated 429 page that fits the
    action (only a stamp attempt speaks of stamps), saying how long to wait."""
    endpoint = request.endpoint or ""
    heading, message = RATE_LIMITED_PAGES.get(
        endpoint, RATE_LIMITED_PAGES.get(request.blueprint or "", _TOO_MANY_REQUESTS)
    )
    current = limiter.current_limit
    # As Flask-Limiter counts it: whole seconds until the window resets.
    seconds = max(1, int(current.reset_at - time.time())) if current else 60
    response = current_app.make_response(
        (
            render_template(
                "rate_limited.html",
                heading=heading,
                message=message,
                minutes=math.ceil(seconds / 60),
            ),
            429,
        )
    )
    # Flask-Limiter sets it too when its headers are on; the page must not depend on that.
    response.headers["Retry-After"] = str(seconds)
    return response


def answer_json_errors_under(app, prefix: str, handler) -> None:
    """Let a room above answer the HTTP errors no view raised (the router's 404 and 405)
    under ``prefix`` itself, e.g. the API's JSON errors for ``/api/v1/``."""
    app.extensions.setdefault("rally_error_prefixes", []).append((prefix, handler))


def _error_page(error):
    for prefix, handler in current_app.extensions.get("rally_error_prefixes", ()):
        if request.path.startswith(prefix):
            return handler(error)
    g.error_page = True
    status = getattr(error, "code", 500) or 500
    message = ERROR_MESSAGES.get(status, ERROR_MESSAGES[500])
    return render_template("error.html", status=status, message=message), status
