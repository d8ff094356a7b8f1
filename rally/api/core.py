"""What every endpoint of the API shares: the flask-smorest ``Api`` and ``Blueprint``,
JSON errors in one documented shape, the ``lang`` and paging arguments, the paged
envelope, ETags, and the tokens' checks and rate limits.

Errors: the site's pages answer errors with HTML (:mod:`rally.errors`); an API blueprint
registers its own handlers for every status, so a client always gets
:class:`ErrorSchema`. flask-smorest's own app-wide handler is not installed: it would
turn the site's pages' errors into JSON too.
"""

import time
from urllib.parse import urlencode

import marshmallow as ma
from flask import current_app, g, jsonify, make_response, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.exceptions import NotModified
from limits import parse
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException, default_exceptions

from rally.errors import ERROR_MESSAGES, RallyError
from rally.extensions import db, limiter
from rally.i18n import _l, current_language
from rally.i18n.languages import DEFAULT_LANGUAGES, site_languages
from rally.pagination import paginate, paginate_list

from . import tokens
from .models import ApiToken

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
BEARER = "bearerAuth"


class ErrorSchema(ma.Schema):
    """Every error the API answers (4xx, 5xx), in one shape."""

    status = ma.fields.Integer(required=True, metadata={"description": "The HTTP status."})
    code = ma.fields.String(
        required=True,
        metadata={
            "description": "A fixed machine-readable code: `invalid_argument`, `not_found`, "
            "`invalid_token`, `insufficient_scope`, `rate_limited`, ..."
        },
    )
    message = ma.fields.String(
        required=True, metadata={"description": "What went wrong, in the request's language."}
    )
    errors = ma.fields.Dict(
        metadata={"description": "For `invalid_argument`: each refused argument and why."}
    )


class RallyApi(Api):
    ERROR_SCHEMA = ErrorSchema
    # Every status an endpoint may answer is listed with it (Schemathesis checks it); no
    # catch-all "default" response.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        """Errors are answered per API blueprint (:class:`ApiBlueprint`), not app-wide."""


class ApiParser(FlaskParser):
    """A refused argument (an unknown ``lang``, ``per_page=0``) is a 400."""

    DEFAULT_VALIDATION_STATUS = 400


# --- Errors ---------------------------------------------------------------------------------


def error_response(status: int, code: str, message, errors=None, headers=None):
    body = {"status": status, "code": code, "message": str(message)}
    if errors:
        body["errors"] = errors
    response = make_response(jsonify(body), status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _http_code(error: HTTPException) -> str:
    return (error.name or "error").lower().replace("'", "").replace(" ", "_")


def handle_http_error(error: HTTPException):
    db.session.rollback()
    if isinstance(error, NotModified):
        response = make_response("", 304)
        if g.get("api_etag"):
            response.set_etag(g.api_etag)
        return response
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if "messages" in data:  # webargs refused an argument
        return error_response(
            status,
            "invalid_argument",
            _l("An argument is not valid: see errors."),
            errors=data["messages"],
        )
    if isinstance(error, RateLimitExceeded):
        return error_response(status, "rate_limited", ERROR_MESSAGES[429])
    message = ERROR_MESSAGES.get(status) or error.description or ERROR_MESSAGES[500]
    allowed = getattr(error, "valid_methods", None)
    headers = {"Allow": ", ".join(allowed)} if allowed else None
    return error_response(status, _http_code(error), message, headers=headers)


def handle_rally_error(error: RallyError):
    db.session.rollback()
    headers = getattr(error, "headers", None) or {}
    return error_response(error.status, error.code, error.message, headers=headers)


def handle_server_error(error):
    db.session.rollback()
    return error_response(500, "server_error", ERROR_MESSAGES[500])


def install_json_errors(blueprint) -> None:
    """Answer every error raised under ``blueprint`` as :class:`ErrorSchema` JSON (its own
    handlers win over the app's HTML pages, which are registered per status)."""
    for status in default_exceptions:
        blueprint.register_error_handler(status, handle_http_error)
    blueprint.register_error_handler(NotModified, handle_http_error)
    blueprint.register_error_handler(RallyError, handle_rally_error)


# --- Blueprints ------------------------------------------------------------------------------


class ApiBlueprint(SmorestBlueprint):
    """An API blueprint: JSON errors, arguments refused with 400, the ETag's value kept for
    a 304 answer, ``Content-Language`` on every answer."""

    ARGUMENTS_PARSER = ApiParser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        install_json_errors(self)
        self.after_request(_language_headers)

    def _check_not_modified(self, etag):
        g.api_etag = etag
        super()._check_not_modified(etag)


def _language_headers(response):
    response.headers["Content-Language"] = current_language().replace("_", "-")
    response.vary.add("Accept-Language")
    return response


# --- Arguments and the paged envelope --------------------------------------------------------


def _site_language(value: str) -> None:
    if value not in site_languages():
        raise ma.ValidationError(f"Not one of the site's languages: {', '.join(site_languages())}.")


class LangArgs(ma.Schema):
    """``lang``: the language of the texts, with the site's fallback (the reader's
    language, else English, else Japanese) for a text not translated; without it,
    Accept-Language decides, else Japanese."""

    class Meta:
        unknown = ma.EXCLUDE

    lang = ma.fields.String(
        validate=_site_language,
        metadata={
            "description": "The language of the texts (a text not translated falls back to "
            "English, then Japanese). Without it, Accept-Language decides.",
            "enum": list(DEFAULT_LANGUAGES),
        },
    )


class PageArgs(LangArgs):
    page = ma.fields.Integer(
        load_default=1,
        validate=ma.validate.Range(min=1, max=1_000_000),
        metadata={"description": "The page, from 1; past the last one, the last one."},
    )
    per_page = ma.fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=ma.validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Items a page, 1 to {MAX_PER_PAGE}."},
    )


class LinksSchema(ma.Schema):
    self = ma.fields.String(required=True)
    next = ma.fields.String(allow_none=True, required=True)
    prev = ma.fields.String(allow_none=True, required=True)


class PageSchema(ma.Schema):
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True, metadata={"description": "Items in all pages."})
    pages = ma.fields.Integer(required=True, metadata={"description": "How many pages."})
    links = ma.fields.Nested(LinksSchema, required=True)


def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The paged envelope of ``item_schema`` (``StorePage`` for ``StoreSchema``)."""
    name = item_schema.__name__.removesuffix("Schema") + "Page"
    return type(
        name, (PageSchema,), {"items": ma.fields.List(ma.fields.Nested(item_schema), required=True)}
    )


def _page_url(page: int) -> str:
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return request.base_url + "?" + urlencode(args, doseq=True)


def paged(rows, args: dict, *, convert=None) -> dict:
    """One page of ``rows`` (a ``select`` with a total order, or a list) as the envelope.

    :param convert: makes the page's items what the schema dumps (default: as they are).
    """
    page, per_page = args["page"], args["per_page"]
    if isinstance(rows, list):
        pagination = paginate_list(rows, page, per_page)
        total = len(rows)
    else:
        pagination = paginate(rows, page, per_page)
        total = pagination.total
    items = list(pagination.items)
    return {
        "items": convert(items) if convert else items,
        "page": pagination.page,
        "per_page": per_page,
        "total": total,
        "pages": max(pagination.pages, 1),
        "links": {
            "self": _page_url(pagination.page),
            "next": _page_url(pagination.page + 1) if pagination.has_next else None,
            "prev": _page_url(pagination.page - 1) if pagination.has_prev else None,
        },
    }


def site_url(endpoint: str, **values) -> str:
    """The absolute address of one of the site's pages (``RALLY_BASE_URL``)."""
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    return base + url_for(endpoint, **values)


# --- Tokens ----------------------------------------------------------------------------------


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else None


def _refuse_token(error: tokens.TokenError):
    if error.status == 401:
        error.headers = {"WWW-Authenticate": 'Bearer realm="rally"'}
    raise error


def check_token(scope: str) -> ApiToken:
    """The request's active token holding ``scope``, counted against its rate limit.

    :raise TokenError: ``invalid_token`` (401), ``insufficient_scope`` (403),
        ``rate_limited`` (429).
    """
    try:
        token = tokens.authenticate(bearer_secret())
        tokens.require_scope(token, scope)
    except tokens.TokenError as error:
        _refuse_token(error)
    if token.is_personal:
        limit = current_app.config["RALLY_API_PERSONAL_RATE_LIMIT"]
    else:
        limit = token.rate_limit or current_app.config["RALLY_API_APP_RATE_LIMIT"]
    count_request(limit, "api-token", str(token.id))
    g.api_token = token
    return token


def count_request(limit: str, *key: str) -> None:
    """Count this request against ``limit`` under ``key`` in Flask-Limiter's storage (the
    same storage, so it counts across every server sharing it).

    :raise TokenError: ``rate_limited`` (429, with Retry-After).
    """
    if not limiter.enabled:
        return
    for item in parse_many(limit):
        if not limiter.limiter.hit(item, *key):
            reset, _remaining = limiter.limiter.get_window_stats(item, *key)
            error = tokens.TokenError(ERROR_MESSAGES[429], code="rate_limited", status=429)
            error.headers = {"Retry-After": str(max(1, int(reset - time.time())))}
            raise error


def parse_many(limit: str):
    from limits import parse_many as _parse_many

    return _parse_many(limit) if ";" in limit else [parse(limit)]
