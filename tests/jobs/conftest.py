"""A mail server that fails as told, and a real Huey consumer for the tests of jobs."""

import signal
import smtplib
import time

import pytest
from huey.storage import SqliteStorage
from sqlalchemy import select

import rally.mail
from rally import create_app
from rally.extensions import db
from rally.jobs import huey
from rally.jobs.models import Delivery
from rally.jobs.queue import Binding


class FlakyServer:
    """Stands in for an SMTP server (``connect`` replaces ``smtplib.SMTP``): the first
    ``failures`` connections are refused, as by a server that is down; then it takes mail.
    ``permanent`` answers every message 550 instead."""

    def __init__(self):
        self.failures = 0
        self.permanent = False
        self.connections = 0
        self.delivered = []  # the messages taken, in order

    def connect(self, host, port, timeout=None):
        self.connections += 1
        if self.connections <= self.failures:
            raise ConnectionRefusedError(111, "Connection refused")
        return _Connection(self)


class _Connection:
    def __init__(self, server):
        self.server = server

    def starttls(self, context=None):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if self.server.permanent:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"5.1.1 No such user")})
        self.server.delivered.append(message)
        return {}

    def quit(self):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        pass


@pytest.fixture
def smtp(app, monkeypatch):
    """The app sends through a :class:`FlakyServer`; retries wait no time."""
    server = FlakyServer()
    monkeypatch.setattr(rally.mail.smtplib, "SMTP", server.connect)
    app.config.update(RALLY_MAIL_BACKEND="smtp", RALLY_JOB_RETRY_DELAYS=(0, 0, 0))
    return server


def delivery(key: str) -> Delivery | None:
    return db.session.scalar(
        select(Delivery).where(Delivery.key == key).execution_options(populate_existing=True)
    )


@pytest.fixture
def worker_app(app, tmp_path):
    """An app on the test's database whose jobs go to a SQLite queue in the test's folder,
    as in production, for a real consumer to run (:func:`run_worker`)."""
    config = {
        key: app.config[key]
        for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "RALLY_BASE_URL", "TESTING")
    }
    queued = create_app(
        {
            **config,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "RALLY_UPLOAD_FOLDER": app.config["RALLY_UPLOAD_FOLDER"],
            "RALLY_JOBS_FILE": str(tmp_path / "jobs.sqlite"),
        }
    )
    yield queued
    with queued.app_context():
        db.session.remove()
        db.engine.dispose()


class Queue:
    """``app``'s jobs wait in a SQLite queue (as in production) instead of running when
    queued; :meth:`run` then runs what is queued, as a worker would (Huey's dequeue and
    execute)."""

    def __init__(self, app, path):
        self.app = app
        self.binding = Binding(app, SqliteStorage, immediate=False, filename=str(path))

    def __len__(self):
        with self.app.app_context():
            return len(huey)

    def names(self) -> list[str]:
        with self.app.app_context():
            return [f"{type(task).__module__}.{task.name}" for task in huey.pending()]

    def run(self) -> int:
        ran = 0
        with self.app.app_context():
            while (task := huey.dequeue()) is not None:
                huey.execute(task)
                ran += 1
        return ran


@pytest.fixture
def queue(app, tmp_path, monkeypatch):
    """``app``'s jobs wait in a queue until the test runs them (:class:`Queue`)."""
    queued = Queue(app, tmp_path / "jobs.sqlite")
    monkeypatch.setitem(app.extensions, "rally_jobs", queued.binding)
    return queued


class Worker:
    """A Huey consumer with worker threads, in this process, on ``app``'s queue."""

    def __init__(self, app, workers=2):
        self.app = app
        self.workers = workers
        self.consumer = None

    def __enter__(self):
        # The consumer's threads run outside any app context: they use the app made last.
        assert huey.binding().app is self.app
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        self.consumer = huey.create_consumer(
            workers=self.workers,
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            max_delay=0.2,
            check_worker_health=False,
        )
        self.consumer.start()
        for sig, handler in handlers.items():  # start() took them over for the consumer
            signal.signal(sig, handler)
        return self

    def __exit__(self, *exc_info):
        self.consumer.stop(graceful=True)

    def wait_for(self, condition, limit=30.0):
        """Wait until ``condition()`` (asked in an app context of its own) holds."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self.app.app_context():
                if condition():
                    return
            time.sleep(0.05)
        raise AssertionError("The worker did not get there.")
