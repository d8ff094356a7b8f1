"""SQLite tuning and the write-lock discipline.

SQLite runs in WAL mode with a busy timeout and foreign keys on. A deferred transaction
that reads and then writes cannot wait for the lock once another writer has committed
("database is locked", whatever the busy timeout), so requests that write take the lock
up front with ``BEGIN IMMEDIATE``; read-only requests keep plain ``BEGIN`` and never block.
The pysqlite driver's own transaction handling is switched off so that the ``BEGIN`` we
emit is the one that runs (SQLAlchemy's documented recipe), which also makes savepoints
work.
"""

import sqlite3

from flask import current_app, g, has_app_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn):
    if conn.dialect.name != "sqlite":
        return
    immediate = has_app_context() and g.get("write_lock", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writes(view):
    """Mark a GET view that writes (the scan link) so its transaction locks up front."""
    view.rally_writes = True
    return view


def take_write_lock() -> None:
    """Make the current context's next transaction ``BEGIN IMMEDIATE`` (CLI, tests)."""
    g.write_lock = True


def init_app(app) -> None:
    @app.before_request
    def _decide_write_lock():
        view = current_app.view_functions.get(request.endpoint)
        g.write_lock = request.method not in SAFE_METHODS or getattr(view, "rally_writes", False)


__all__ = ["writes", "take_write_lock", "init_app"]
