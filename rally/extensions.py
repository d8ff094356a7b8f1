"""Flask extensions, created unbound and bound in :func:`rally.create_app`."""

from flask import g, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from flask_wtf.csrf import CSRFError
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


class StaffLoginManager(LoginManager):
    """Flask-Login's manager for the staff's log-ins, whose session protection looks only at a
    session holding one. A resident's session (``rally.visitors`` keeps its own keys) or an
    anonymous one holding a CSRF token has nothing of Flask-Login's: "strong" protection
    would otherwise take it for a stolen one on every request, answering each with a cookie
    that clears ``remember_token`` and a rewritten session."""

    def _session_protection_failed(self):
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


login_manager = StaffLoginManager()
babel = Babel()


class FormKeepingCSRFProtect(CSRFProtect):
    """Flask-WTF's check of every POST, before its view. A request whose token is missing
    or no longer valid is not answered here: it goes on read-only (``g.csrf_refused``), so
    that a form page re-renders what was typed, its form's own ``csrf_token`` field failing
    like any other field; :func:`rally.errors.init_app` refuses every write of such a
    request and answers anything but that form page with the usual refusal."""

    def protect(self, *args, **kwargs):
        try:
            super().protect(*args, **kwargs)
        except CSRFError as refusal:
            g.csrf_refused = refusal
            g.session_before_refusal = dict(session)


csrf = FormKeepingCSRFProtect()
limiter = Limiter(key_func=get_remote_address)
