"""Readiness: what a load balancer asks before sending a server traffic.

``/healthz`` says the process answers (no database); ``/readyz`` runs :data:`READINESS_CHECKS`
in order: the database answers a ``SELECT 1`` within :data:`DATABASE_TIMEOUT_MS`, and its
schema is at the newest migration of this code. A check returns ``None`` when all is well
and raises :class:`NotReady` (or anything else) when not.
"""

import logging
import os
from collections.abc import Callable
from functools import cache

from sqlalchemy import text

from rally.extensions import db

logger = logging.getLogger(__name__)
DATABASE_TIMEOUT_MS = 2000
MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


class NotReady(Exception):
    """A check's short, public reason (no address, no password: /readyz is public)."""


def check_database() -> None:
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Only for this transaction: the pooled connection keeps its own settings.
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = {DATABASE_TIMEOUT_MS}")
        connection.execute(text("SELECT 1")).scalar_one()


@cache
def head_revisions(folder: str = MIGRATIONS) -> frozenset[str]:
    """The newest migration(s) of the code, read once per process (the scripts do not
    change under a running server)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", folder)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def current_revisions() -> frozenset[str]:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def check_migrations() -> None:
    current = current_revisions()
    if not current:
        raise NotReady("no migration applied")
    if current != head_revisions():
        raise NotReady("not at the newest migration")


def check_jobs() -> None:
    """The job queue's storage answers (its SQLite file, or Redis for several servers):
    asking how many jobs wait opens it. Immediate mode (tests, a demo without a worker)
    has nothing to reach."""
    from rally.jobs import huey

    if not huey.immediate:
        huey.pending_count()


#: The checks of /readyz, by name, in order.
READINESS_CHECKS: list[tuple[str, Callable[[], None]]] = [
    ("database", check_database),
    ("migrations", check_migrations),
    ("jobs", check_jobs),
]


def readiness() -> tuple[bool, dict[str, str]]:
    """Run every check; ``(all passed, {name: "ok" or its reason})``. After a failed
    database check the others are skipped (they would only time out again)."""
    results: dict[str, str] = {}
    ready = True
    for name, check in READINESS_CHECKS:
        if not ready and results.get("database", "ok") != "ok":
            results[name] = "skipped"
            continue
        try:
            check()
        except NotReady as reason:
            results[name], ready = str(reason), False
        except Exception as error:  # noqa: BLE001 (any failure means: not ready)
            logger.warning("Readiness check %s failed: %s", name, type(error).__name__)
            results[name], ready = "failed", False
        else:
            results[name] = "ok"
    return ready, results
