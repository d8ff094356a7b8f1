"""Rally: digital stamp rallies and year-round promotion for shopping districts."""

import json
import os
import secrets

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import errors
from .config import Defaults


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory.

    Configuration comes from :class:`rally.config.Defaults`, then ``instance/config.py``,
    then the environment (``SECRET_KEY``, ``DATABASE_URL``, ``RALLY_*``), then
    ``test_config``.
    """
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Defaults)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
        app.instance_path, "rally.sqlite"
    )
    app.config.from_pyfile("config.py", silent=True)
    _load_environment(app)
    if test_config:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    _ensure_secret_key(app)
    app.config.setdefault(
        "RALLY_COOKIE_SECURE", app.config["RALLY_BASE_URL"].startswith("https://")
    )
    app.config["SESSION_COOKIE_SECURE"] = app.config["RALLY_COOKIE_SECURE"]

    proxies = int(app.config["RALLY_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    _init_extensions(app)
    _register_url_converters(app)
    _register_blueprints(app)
    _init_api(app)
    _connect_signals()
    errors.init_app(app)
    _register_template_helpers(app)

    from . import cli

    cli.init_app(app)
    return app


def _load_environment(app: Flask) -> None:
    env = os.environ
    if env.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = env["SECRET_KEY"]
    if env.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = env["DATABASE_URL"]
    if env.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = env["RATELIMIT_STORAGE_URI"]
    for key, value in env.items():
        if key.startswith("RALLY_"):
            try:
                app.config[key] = json.loads(value)
            except ValueError:
                app.config[key] = value


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way (``postgres://...``)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _ensure_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config["RALLY_ENV"] == "production":
        raise RuntimeError(
            "SECRET_KEY is not set. In production, set the SECRET_KEY environment variable "
            "(or SECRET_KEY in instance/config.py) to a long random value, e.g. "
            "python -c 'import secrets; print(secrets.token_hex(32))'."
        )
    # Development: generate one key per instance folder, so cards and QR codes survive a restart.
    path = os.path.join(app.instance_path, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    with open(path) as handle:
        app.config["SECRET_KEY"] = handle.read().strip()


def _init_extensions(app: Flask) -> None:
    from . import database, headers, ops

    # First: the request id and the clock start before any other handler can answer.
    ops.init_app(app)
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import install_template_gettext, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    database.init_app(app)
    headers.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    from .auth.models import load_session_user
    from .i18n import _l

    login_manager.login_message = _l("Please log in to open this page.")

    login_manager.user_loader(load_session_user)

    from . import models as _models  # noqa: F401 (the whole schema: rally/models.py)
    from .jobs import init_app as init_jobs

    init_jobs(app)


def _register_url_converters(app: Flask) -> None:
    """A URL whose id the database cannot hold, or whose text has control characters,
    matches no route: a 404 rather than a database error."""
    from .utils import IdConverter, TextConverter

    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter


def _connect_signals() -> None:
    """Rooms answer what the rooms below them announce (blinker signals): the receivers
    connect when their modules are imported, here, once for the process. A receiver that
    refuses raises a RallyError: the request rolls back whatever another receiver did."""
    from .api import receivers as api_receivers  # noqa: F401 (an account's tokens)
    from .auth import receivers as auth_receivers  # noqa: F401 (a staff account's language)
    from .campaigns import places  # noqa: F401 (keeps a place's area, see areas.signals)
    from .fraud import checks  # noqa: F401 (flags on stamping's scans)
    from .ideas import mails as ideas_mails  # noqa: F401 (a change's e-mails, queued)
    from .lottery import receivers as lottery_receivers  # noqa: F401
    from .notifications import digests  # noqa: F401 (periodic digest tasks)
    from .notifications import receivers as notifications_receivers  # noqa: F401
    from .push import receivers as push_receivers  # noqa: F401 (logout forgets the device)
    from .residents import receivers as residents_receivers  # noqa: F401 (profile erased)
    from .rewards import receivers as rewards_receivers  # noqa: F401
    from .roles import receivers as roles_receivers  # noqa: F401 (badges on profiles)
    from .stamping import tallies  # noqa: F401 (forgets removed checkpoints' tallies)
    from .threads import receivers as threads_receivers  # noqa: F401 (unread per circle)
    from .visitors import receivers as visitors_receivers  # noqa: F401 (the account's language)


def _register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .announcements.views import bp as announcements_bp
    from .areas.views import bp as areas_bp
    from .auth.views import bp as auth_bp
    from .campaigns.views import bp as campaigns_bp
    from .cardpage.views import bp as cardpage_bp
    from .cards.views import bp as cards_bp
    from .checkpoints.views import bp as checkpoints_bp
    from .circles.views import bp as circles_bp
    from .dashboard.merchant import bp as merchant_figures_bp
    from .dashboard.views import bp as dashboard_bp
    from .designs.views import bp as designs_bp
    from .exports.opendata import bp as opendata_bp
    from .exports.views import bp as exports_bp
    from .fraud.views import bp as fraud_bp
    from .handmedown.views import bp as handmedown_bp
    from .i18n.views import bp as i18n_bp
    from .ideas.views import bp as ideas_bp
    from .lifeinfo.views import bp as lifeinfo_bp
    from .lottery.views import bp as lottery_bp
    from .moderation.views import bp as moderation_bp
    from .news.views import bp as news_bp
    from .notifications.views import bp as notifications_bp
    from .paper.views import bp as paper_bp
    from .pins.views import bp as pins_bp
    from .posters.views import bp as posters_bp
    from .push.views import bp as push_bp
    from .questionnaires.views import bp as questionnaires_bp
    from .register.views import bp as register_bp
    from .residents.views import bp as residents_bp
    from .rewards.views import bp as rewards_bp
    from .search.views import bp as search_bp
    from .seo.views import bp as seo_bp
    from .site.directory import bp as directory_bp
    from .site.landing import bp as landing_bp
    from .site.views import bp as site_bp
    from .spots.views import bp as spots_bp
    from .stamping.views import bp as stamping_bp
    from .stores.views import bp as stores_bp
    from .surveys.views import bp as surveys_bp
    from .threads.engagement_views import bp as engagement_bp
    from .threads.views import bp as threads_bp
    from .visitors.views import bp as visitors_bp

    app.register_blueprint(site_bp)
    app.register_blueprint(i18n_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(campaigns_bp)
    app.register_blueprint(stamping_bp)
    app.register_blueprint(cardpage_bp)
    app.register_blueprint(landing_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(spots_bp)
    app.register_blueprint(lifeinfo_bp)
    app.register_blueprint(news_bp)
    app.register_blueprint(rewards_bp)
    app.register_blueprint(fraud_bp)
    app.register_blueprint(cards_bp)
    app.register_blueprint(visitors_bp)
    app.register_blueprint(residents_bp)
    app.register_blueprint(circles_bp)
    app.register_blueprint(threads_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(handmedown_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(ideas_bp)
    app.register_blueprint(lottery_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(merchant_figures_bp)
    app.register_blueprint(stores_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(areas_bp)
    app.register_blueprint(posters_bp)
    app.register_blueprint(designs_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(opendata_bp)
    app.register_blueprint(pins_bp)
    app.register_blueprint(checkpoints_bp)
    app.register_blueprint(questionnaires_bp)
    app.register_blueprint(register_bp)
    app.register_blueprint(paper_bp)
    app.register_blueprint(seo_bp)
    app.register_blueprint(engagement_bp)
    app.register_blueprint(push_bp)
    app.register_blueprint(announcements_bp)


def _init_api(app: Flask) -> None:
    """The open API under /api/v1 (rally/api)."""
    from .api.app import init_app

    init_app(app)


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from .i18n import bcp47, current_language, district_name, format_when
    from .i18n.content import local, shown_in
    from .i18n.languages import language_choices

    app.add_template_filter(format_when, "when")
    app.add_template_filter(bcp47, "bcp47")
    app.add_template_global(local)
    app.add_template_global(shown_in)
    # Templates compare states by member (``campaign.state == CampaignState.draft``), never
    # by the stored string.
    from .campaigns.models import CampaignState, QrMode, Recheck
    from .fraud.models import FlagKind, FlagResolution
    from .lottery.rules import Outcome as LotteryOutcome
    from .rewards.models import ClaimKind
    from .stores.models import StoreStatus

    for enum in (CampaignState, QrMode, Recheck, FlagKind, FlagResolution, ClaimKind, StoreStatus):
        app.add_template_global(enum, enum.__name__)
    app.add_template_global(LotteryOutcome, "LotteryOutcome")

    @app.context_processor
    def inject_language():
        lang = current_language()
        return {
            "current_language": lang,
            "site_languages": language_choices(),
            "district_name": district_name(lang),
            "get_locale": get_locale,
        }
