"""The API's place in the app: the flask-smorest ``Api`` over the API blueprints, the
OpenAPI document at /api/v1/openapi.json, the pages."""

from flask import Flask, request

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
    app.session_interface = _session_interface_without_the_api(app.session_interface)


def _session_interface_without_the_api(interface):
    """The site's session interface, except that answers under ``/api/v1/`` set no cookie
    and do not say ``Vary: Cookie``: the API authenticates with ``Authorization`` only, so
    its answers are the same whatever cookies come along and shared caches may keep them.
    (Hooks of the site's rooms read the session on every request, and Flask-Login clears
    its remember cookie for a session it did not make, a resident's; saving the session is
    the last step of an answer, after every ``after_request``.)"""

    class WithoutTheApi(type(interface)):
        def save_session(self, app, session, response):
            if request.path.startswith("/api/v1/"):
                response.headers.pop("Set-Cookie", None)
                return None
            return super().save_session(app, session, response)

    return WithoutTheApi()
