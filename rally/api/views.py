"""The API's pages: a resident's personal tokens (from the account page), the
association's app tokens, the documentation page (Swagger UI, served from the
flask-swagger-ui package's files: no CDN), and JSON 404s under /api/v1."""

import json
from importlib.resources import files

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from rally.auth.decorators import admin_required
from rally.extensions import db
from rally.forms import ConfirmForm
from rally.i18n import _
from rally.utils import utcnow
from rally.visitors.session import current_visitor

from . import tokens
from .core import install_json_errors
from .export import export_resident
from .forms import AppTokenForm, PersonalTokenForm

bp = Blueprint("api", __name__, template_folder="templates")

SWAGGER_UI = files("flask_swagger_ui") / "dist"
# The Swagger UI files the page loads: nothing else of the package is served.
SWAGGER_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "LICENSE"})


# --- A resident's personal tokens ---------------------------------------------------------


def _visitor():
    visitor = current_visitor()
    if visitor is None:
        return None
    return visitor


@bp.get("/me/export.json")
def download_export():
    """The account page's "Download my data": a read, so a GET (no change, nothing for
    CSRF to protect; another site cannot read the answer), as an attachment."""
    visitor = _visitor()
    if visitor is None:
        return redirect(url_for("visitors.login"))
    response = current_app.response_class(
        json.dumps(export_resident(visitor), ensure_ascii=False, indent=1),
        mimetype="application/json",
    )
    response.headers["Content-Disposition"] = 'attachment; filename="rally-my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/me/tokens", methods=["GET", "POST"])
def personal_tokens():
    """Create (the secret shown once), list and revoke one's personal tokens."""
    visitor = _visitor()
    if visitor is None:
        return redirect(url_for("visitors.login"))
    form = PersonalTokenForm()
    secret, status = None, 200
    if form.validate_on_submit():
        try:
            token, secret = tokens.create_personal_token(visitor, form.to_input())
        except tokens.TokenError as error:
            db.session.rollback()
            form.name.errors = [*form.name.errors, error.message]
            status = error.status
        else:
            db.session.commit()
            form = PersonalTokenForm(formdata=None)
    elif form.is_submitted():
        status = 400
    return render_template(
        "api/personal_tokens.html",
        form=form,
        tokens=tokens.personal_tokens(visitor),
        secret=secret,
        revoke_form=ConfirmForm(),
        noindex=True,
    ), status


@bp.post("/me/tokens/<int:token_id>/revoke")
def revoke_personal_token(token_id: int):
    visitor = _visitor()
    if visitor is None:
        return redirect(url_for("visitors.login"))
    token = tokens.own_token(visitor, token_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        tokens.revoke(token, utcnow())
        db.session.commit()
        flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for(".personal_tokens"), 303)


# --- The association's app tokens ---------------------------------------------------------


@bp.route("/admin/api-tokens", methods=["GET", "POST"])
@admin_required
def app_tokens():
    form = AppTokenForm()
    secret, status = None, 200
    if form.validate_on_submit():
        try:
            _token, secret = tokens.issue_app_token(current_user, form.to_input())
        except tokens.TokenError as error:
            db.session.rollback()
            field = form.rate_limit if error.code == "invalid_rate_limit" else form.name
            field.errors = [*field.errors, error.message]
            status = error.status
        else:
            db.session.commit()
            form = AppTokenForm(formdata=None)
    elif form.is_submitted():
        status = 400
    return render_template(
        "api/app_tokens.html",
        form=form,
        tokens=tokens.app_tokens(),
        secret=secret,
        revoke_form=ConfirmForm(),
    ), status


@bp.post("/admin/api-tokens/<int:token_id>/revoke")
@admin_required
def revoke_app_token(token_id: int):
    token = tokens.app_token(token_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        tokens.revoke(token, utcnow())
        db.session.commit()
        flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for(".app_tokens"), 303)


# --- Documentation ------------------------------------------------------------------------


@bp.get("/api/v1/docs")
def docs():
    """Swagger UI over /api/v1/openapi.json, from the app's own files."""
    return render_template("api/docs.html")


@bp.get("/api/v1/docs/assets/<name>")
def docs_asset(name: str):
    if name not in SWAGGER_FILES:
        abort(404)
    return send_from_directory(str(SWAGGER_UI), name, max_age=86400)


# Anything else under /api/v1 answers a JSON 404, as the endpoints do.
fallback = Blueprint("api_fallback", __name__)
install_json_errors(fallback)


# No POST: every POST route of the site checks a CSRF token (tests/site/test_csrf_sweep.py);
# a POST to an API address is refused before any view, as anywhere on the site.
@fallback.route("/api/v1/<path:rest>", methods=["GET", "HEAD", "PUT", "PATCH", "DELETE"])
def not_found(rest: str):
    """A JSON 404, or a 405 for a write sent to a read (the API offers no writes)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _values = adapter.match(method="GET")
    except HTTPException:
        endpoint = None
    if endpoint is not None and endpoint != "api_fallback.not_found":
        raise MethodNotAllowed(valid_methods=["GET", "HEAD", "OPTIONS"])
    raise NotFound()
