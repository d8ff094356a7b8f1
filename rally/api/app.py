"""The API's place in the app: the flask-smorest ``Api`` over the API blueprints, the
OpenAPI document at /api/v1/openapi.json, the pages."""

from flask import Flask

from rally.errors import answer_json_errors_under
from rally.extensions import csrf

from .core import BEARER, RallyApi, handle_http_error
from .schemas import CUSTOM_FIELDS

API_SETTINGS = {
    "API_TITLE": "Rally open API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "The district's public data (stores, spots, events, news, "
            "campaigns, lottery and survey results, residents' ideas, daily-life places) for "
            "anyone, in any of the site's "
            "languages (`lang`), paged, with ETags; a resident's own data with a personal "
            "token (`Authorization: Bearer ...`, scope `me:read`). Read-only: the API "
            "offers no writes."
        },
    },
}


def init_app(app: Flask) -> None:
    from . import personal, public
    from .views import bp, fallback

    for key, value in API_SETTINGS.items():
        app.config.setdefault(key, value)
    api = RallyApi()
    for field, *mapping in CUSTOM_FIELDS:
        api.register_field(field, *mapping)
    api.init_app(app)
    api.spec.components.security_scheme(
        BEARER,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token (scope `me:read`) made on the account page, or "
            "an app token (scope `public:read`) issued by the association.",
        },
    )
    for blueprint in public.RESOURCES:
        api.register_blueprint(blueprint)
    api.register_blueprint(personal.bp)
    app.register_blueprint(bp)
    app.register_blueprint(fallback)
    csrf.exempt(fallback)  # no form under /api/v1: a write gets the API's 405, not a CSRF page
    # A POST matches no API route (the fallback takes none: every POST route of the site
    # checks a CSRF token), so the router's 405 is answered in the API's JSON as well.
    answer_json_errors_under(app, "/api/v1/", handle_http_error)
