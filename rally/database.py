"""SQLite tuning and the write-lock discipline.

SQLite runs in WAL mode with a busy timeout and foreign keys on. A deferred transaction
that reads and then writes cannot wait for the lock once another writer has committed
("database is locked", whatever the busy timeout), so requests that write take the lock
up front with ``BEGIN IMMEDIATE``; read-only requests keep plain ``BEGIN`` and never block.
The pysqlite driver's own transaction handling is switched off so that the ``BEGIN`` we
emit is the one that runs (SQLAlchemy's documented recipe), which also makes savepoints
work.

Writers queue in the kernel before ``BEGIN IMMEDIATE`` (:class:`WriterQueue`): SQLite's
busy handler polls with sleeps growing to 100 ms, so under a burst of scans a waiting
writer kept missing the lock and the slowest scans took a second; a blocked ``flock`` wakes
the next writer as soon as the previous one is done.
"""

import fcntl
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from flask import current_app, g, has_app_context, request
from sqlalchemy import DateTime, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import Pool

from .extensions import db

logger = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_S = 10


class WriterQueue:
    """One writer at a time per SQLite file, across threads and processes, waiting in order.

    A thread lock orders the threads of one process, an exclusive ``flock`` on
    ``<database>-writer`` orders the processes (gunicorn workers); both wake a waiter at
    once on release. The queue is held from ``BEGIN IMMEDIATE`` until the connection goes
    back to the pool (just after the commit or rollback), or is closed or invalidated.
    A thread that already holds the queue through another connection does not queue again
    (it would wait for itself): SQLite's busy timeout decides, as without the queue.
    """

    def __init__(self, path: str):
        self.path = path
        # Readable and writable by whoever may write the database, like SQLite's -wal file.
        mode = os.stat(path).st_mode & 0o666
        self.fd = os.open(f"{path}-writer", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, mode)
        self.pid = os.getpid()
        self._threads = threading.Lock()
        self.owner: int | None = None  # thread ident
        self.holder = None  # the DB-API connection that took it

    def acquire(self, dbapi_connection) -> None:
        me = threading.get_ident()
        if self.owner == me:
            return
        if not self._threads.acquire(timeout=BUSY_TIMEOUT_S):
            return  # a stuck thread: fall back to SQLite's busy timeout
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        self.owner, self.holder = me, dbapi_connection

    def release(self, dbapi_connection) -> None:
        if dbapi_connection is None or self.holder is not dbapi_connection:
            return
        if self.pid != os.getpid():
            return  # a copy inherited through fork(): unlocking would free the parent's lock
        self.owner = self.holder = None
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        self._threads.release()


# Keyed by (process, file): a forked worker must not share its parent's open file, whose
# flock it would share too.
_queues: dict[tuple[int, str], WriterQueue] = {}
_queues_lock = threading.Lock()


def writer_queue(path: str) -> WriterQueue:
    key = (os.getpid(), path)
    with _queues_lock:
        queue = _queues.get(key)
        if queue is None:
            queue = _queues[key] = WriterQueue(path)
        return queue


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    path = next((row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main"), "")
    cursor.close()
    if not path:  # an in-memory database
        return
    try:
        connection_record.info["rally_writer_queue"] = writer_queue(path)
    except OSError as error:  # a read-only folder, another user's lock file
        logger.warning("No writer queue for %s (%s): SQLite's busy timeout only", path, error)


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn):
    if conn.dialect.name != "sqlite":
        return
    # Straight to the driver: SQLAlchemy's execution around a bare BEGIN costs more than the
    # statement (every request that touches the database pays it).
    pooled = conn.connection
    if not (has_app_context() and g.get("write_lock", False)):
        _begin(pooled.dbapi_connection, "BEGIN")
        return
    _begin_immediate(pooled)


def _begin_immediate(pooled) -> None:
    """Queue for the write lock (:class:`WriterQueue`), then ``BEGIN IMMEDIATE`` on the
    pooled connection; the queue is released when the connection goes back to the pool."""
    queue = pooled.info.get("rally_writer_queue")
    if queue is not None:
        if queue.pid != os.getpid():  # a connection inherited through fork()
            queue = pooled.info["rally_writer_queue"] = writer_queue(queue.path)
        queue.acquire(pooled.dbapi_connection)
    try:
        _begin(pooled.dbapi_connection, "BEGIN IMMEDIATE")
    except BaseException:
        if queue is not None:
            queue.release(pooled.dbapi_connection)
        raise


def _begin(dbapi_connection, statement: str) -> None:
    try:
        dbapi_connection.execute(statement)
    except sqlite3.Error as error:  # as SQLAlchemy would raise it ("database is locked", ...)
        raise DBAPIError.instance(statement, (), error, sqlite3.Error) from error


def _release_queue(dbapi_connection, connection_record=None) -> None:
    if dbapi_connection is None:
        return
    queue = connection_record.info.get("rally_writer_queue") if connection_record else None
    for candidate in [queue] if queue is not None else list(_queues.values()):
        candidate.release(dbapi_connection)


@event.listens_for(Pool, "checkin")
def _released_on_checkin(dbapi_connection, connection_record):
    _release_queue(dbapi_connection, connection_record)


@event.listens_for(Pool, "close")
@event.listens_for(Pool, "detach")
def _released_on_close(dbapi_connection, connection_record):
    _release_queue(dbapi_connection, connection_record)


@event.listens_for(Pool, "invalidate")
def _released_on_invalidate(dbapi_connection, connection_record, exception):
    _release_queue(dbapi_connection, connection_record)


@event.listens_for(Pool, "close_detached")
def _released_on_close_detached(dbapi_connection):
    _release_queue(dbapi_connection)


@contextmanager
def driver_write_transaction(engine: Engine) -> Iterator:
    """A write transaction on a DB-API cursor of a connection straight from ``engine``'s pool,
    outside the ORM session: committed when the block ends, rolled back if it raises, and the
    connection back in the pool either way.

    On SQLite it is the same discipline as a writing request's session: the writer queue,
    then ``BEGIN IMMEDIATE`` (the queue is released when the connection goes back to the
    pool); PostgreSQL's driver begins by itself. The session's transaction bookkeeping
    (connection, begin, commit, close: about 60 us of CPU) is skipped, which only the scan of
    a new visitor needs (:func:`rally.stamping.quickscan.quick_scan`). The caller makes sure
    the session holds no transaction in this request: on SQLite that transaction may hold
    the write lock this one would wait for.
    """
    pooled = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            _begin_immediate(pooled)
        dbapi_connection = pooled.dbapi_connection
        cursor = dbapi_connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
        dbapi_connection.commit()
    except BaseException:
        try:
            pooled.dbapi_connection.rollback()
        except Exception:  # a broken connection: the pool must not hand it out again
            pooled.invalidate()
        raise
    finally:
        pooled.close()  # back to the pool, which rolls back what is left and frees the queue


def writes(view):
    """Mark a GET view that writes (the scan link) so its transaction locks up front.

    Its HEAD stays a read: the view must not write on HEAD.
    """
    view.rally_writes = True
    return view


def take_write_lock() -> None:
    """Make the current context's next transaction ``BEGIN IMMEDIATE`` (CLI, tests)."""
    g.write_lock = True


def read_without_transaction() -> None:
    """Let the rest of this read-only request query PostgreSQL without a transaction.

    A page that only reads saves the ``BEGIN`` and the ``ROLLBACK`` around its queries: two
    round trips to the server. Under PostgreSQL's READ COMMITTED each statement sees its own
    snapshot either way, so the page reads exactly what it would inside a transaction. The
    pool puts the connection back to transactions when it returns. SQLite keeps its plain
    ``BEGIN`` (local, and its snapshot makes a page's reads agree). Call it before the
    request's first query; once the session holds a connection it changes nothing.
    """
    if db.engine.dialect.name == "postgresql" and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


class DriverSQL:
    """Statements compiled once for a dialect, run on the DB-API cursor of the session's
    connection: the hottest path (a scan) skips SQLAlchemy's execution and result machinery,
    about 80 us of CPU per statement, inside the same transaction.

    Parameters are a dict with the statement's bind names. The driver converts Python values
    itself except datetimes on SQLite, which :meth:`to_db` writes as SQLAlchemy stores them
    (so they compare with the ORM's); :meth:`from_db` reads them back.
    """

    def __init__(self, dialect: Dialect):
        self.name = dialect.name
        if dialect.positional:  # pysqlite's default "qmark": compile with names instead
            dialect = type(dialect)(paramstyle="named")
        self.dialect = dialect
        impl = DateTime().dialect_impl(dialect)
        self._to_db: Callable | None = impl.bind_processor(dialect)
        self._from_db: Callable | None = impl.result_processor(dialect, None)

    @cache  # noqa: B019 (one instance per dialect, kept for the process)
    def sql(self, statement) -> str:
        compiled = statement.compile(dialect=self.dialect)
        constants = sorted(name for name, bind in compiled.binds.items() if not bind.required)
        if constants:  # a value SQLAlchemy would pass itself: write it into the SQL instead
            raise ValueError(f"parameters with a value of their own: {constants}")
        return str(compiled)

    def to_db(self, moment):
        return self._to_db(moment) if self._to_db and moment is not None else moment

    def from_db(self, value):
        return self._from_db(value) if self._from_db and value is not None else value


_driver_sql: dict[str, DriverSQL] = {}


def driver_sql(dialect: Dialect) -> DriverSQL:
    """The :class:`DriverSQL` of ``dialect`` (one per dialect and process)."""
    found = _driver_sql.get(dialect.name)
    if found is None:
        found = _driver_sql[dialect.name] = DriverSQL(dialect)
    return found


def init_app(app) -> None:
    @app.before_request
    def _decide_write_lock():
        view = current_app.view_functions.get(request.endpoint)
        method = request.method
        g.write_lock = method not in SAFE_METHODS or (
            method == "GET" and getattr(view, "rally_writes", False)
        )


__all__ = [
    "writes",
    "take_write_lock",
    "driver_write_transaction",
    "read_without_transaction",
    "init_app",
    "WriterQueue",
    "DriverSQL",
    "driver_sql",
]


def insert_for(model):
    """``INSERT`` for the session's database, with its ``ON CONFLICT`` clauses
    (``on_conflict_do_nothing`` / ``on_conflict_do_update``: PostgreSQL's and SQLite's
    dialects share them)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
