"""The job queue: Huey, set up from the app's configuration by :func:`init_app`.

One :data:`huey` object lives for the process; the tasks are bound to it where they are
declared (``@job()``), and ``create_app`` points it at its storage:

* by default ``SqliteHuey``'s storage in a file of its own in the instance folder
  (``RALLY_JOBS_FILE``, ``instance/jobs.sqlite``): no extra service, one machine;
* ``RALLY_REDIS_URL`` (``redis://host:6379/0``): ``RedisHuey``'s storage, for several
  servers sharing one queue;
* ``RALLY_JOBS_IMMEDIATE``: Huey's immediate mode, for tests (and a demo without a
  worker): a job runs in the process that queues it, at the moment it is queued. A job
  scheduled for later (a retry after a delay) then never runs.

A job is queued when the request's transaction commits (:func:`enqueue_on_commit`), never
before: a worker, or immediate mode, reads what the request wrote, and a request that rolls
back queues nothing. ``flask --app rally jobs worker`` runs the consumer.
"""

import functools
import logging
import os
from datetime import timedelta

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session

from rally.database import take_write_lock
from rally.utils import utcnow

logger = logging.getLogger(__name__)

_PENDING = "rally_jobs_pending"  # asked for in the session's transaction
_READY = "rally_jobs_ready"  # committed: queued when the transaction has ended
_EXTENSION = "rally_jobs"


class Binding:
    """One app's queue: its storage (opened when first used) and mode."""

    def __init__(self, app: Flask | None, storage_class=MemoryStorage, immediate=True, **kw):
        self.app = app
        self.immediate = immediate
        self._make = functools.partial(MemoryStorage if immediate else storage_class, "rally", **kw)
        self._storage = None

    @property
    def storage(self):
        if self._storage is None:
            self._storage = self._make()
        return self._storage


class AppHuey(Huey):
    """Huey whose storage and mode are those of the current Flask app (several apps in one
    process, as tests make, each keep their own), or, outside any app context (the
    consumer's threads), of the app made last: the worker's."""

    _last = Binding(None)

    @staticmethod
    def binding() -> Binding:
        if has_app_context():
            bound = current_app.extensions.get(_EXTENSION)
            if bound is not None:
                return bound
        return AppHuey._last

    @property
    def storage(self):
        return self.binding().storage

    @storage.setter
    def storage(self, value):
        pass  # Huey's __init__ sets one: init_app chooses it instead

    @property
    def _immediate(self):
        return self.binding().immediate

    @_immediate.setter
    def _immediate(self, value):
        pass

    def create_storage(self):
        return None


huey = AppHuey("rally", results=False, utc=True)


def init_app(app: Flask) -> None:
    """Give ``app`` the queue its configuration names; outside a request or an app
    context (a worker's threads), jobs run in the app made last."""
    config = app.config
    url = config.get("RALLY_REDIS_URL") or ""
    if url:
        bound = Binding(app, RedisStorage, bool(config["RALLY_JOBS_IMMEDIATE"]), url=url)
    else:
        filename = config.get("RALLY_JOBS_FILE") or os.path.join(app.instance_path, "jobs.sqlite")
        bound = Binding(app, SqliteStorage, bool(config["RALLY_JOBS_IMMEDIATE"]), filename=filename)
    app.extensions[_EXTENSION] = AppHuey._last = bound


def job(**options):
    """Declare a job: ``@job()`` above a function makes it a Huey task that runs inside an
    app context of its own (its own database session, as a worker has), and returns the
    task: ``my_job(args)`` queues it at once, :func:`enqueue_on_commit` once the request
    commits. ``options`` go to ``huey.task`` (``retries``, ``retry_delay``, ``context``...).
    """

    def decorator(func):
        @functools.wraps(func)
        def in_app_context(*args, **kwargs):
            app = current_app._get_current_object() if has_app_context() else huey.binding().app
            if app is None:
                raise RuntimeError("The job queue has no app: call create_app first.")
            with app.app_context():
                # A job writes: on SQLite its transactions take the write lock up front
                # (a read that turns into a write fails at once when another got there).
                take_write_lock()
                return func(*args, **kwargs)

        return huey.task(**options)(in_app_context)

    return decorator


def enqueue_on_commit(session: Session, task, *args, delay: float = 0, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)`` when ``session``'s transaction commits, to run
    ``delay`` seconds later or at once; nothing if it rolls back. Jobs queued in one
    transaction are queued in that order."""
    message = task.s(*args, **kwargs)
    if delay > 0:
        message.eta = utcnow() + timedelta(seconds=delay)  # Huey's times are naive UTC
    session.info.setdefault(_PENDING, []).append(message)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


@event.listens_for(Session, "after_transaction_end")
def _enqueue_committed(session: Session, transaction) -> None:
    """Queue what the transaction committed, once its connection is back in the pool: on
    SQLite that lets go of the write lock, which a job run at once (immediate mode) takes
    for itself. What a rolled-back transaction asked for is forgotten."""
    if transaction.parent is not None or transaction.nested:
        return
    session.info.pop(_PENDING, None)
    ready = session.info.pop(_READY, None)
    for message in ready or ():
        try:
            huey.enqueue(message)
        except Exception:
            # The request's data is committed already; its deliveries stay queued, shown
            # on /admin/jobs, where they can be queued again.
            logger.exception("Could not queue %s", message)
