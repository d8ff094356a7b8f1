"""The Redis back end (``RALLY_REDIS_URL``), for several servers sharing one queue: run
against a redis-server that the fixture starts on loopback."""

import os
import shutil
import socket
import subprocess
import time

import pytest

import rally.mail
from rally import create_app
from rally.extensions import db
from rally.jobs import deliver_mail, huey
from rally.jobs.models import DeliveryState
from rally.mail import Mail

from .conftest import FlakyServer, Worker, delivery


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of the test's own on 127.0.0.1, nothing kept on disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: scripts/test installs it (Debian's package)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def redis_app(app, redis_url):
    """An app on the test's database whose jobs go to Redis."""
    config = {
        key: app.config[key]
        for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "RALLY_BASE_URL", "TESTING")
    }
    made = create_app({**config, "RALLY_REDIS_URL": redis_url})
    yield made
    with made.app_context():
        db.session.remove()
        db.engine.dispose()


def test_jobs_wait_in_redis_and_a_worker_sends_them_once_after_two_failures(redis_app, monkeypatch):
    server = FlakyServer()
    server.failures = 2
    monkeypatch.setattr(rally.mail.smtplib, "SMTP", server.connect)
    redis_app.config.update(RALLY_MAIL_BACKEND="smtp", RALLY_JOB_RETRY_DELAYS=(1, 1, 1))
    with redis_app.app_context():
        assert type(huey.storage).__name__ == "RedisStorage"
        deliver_mail(Mail("hanako@example.jp", "Hello", "A message."), "hello:1")
        db.session.commit()
        assert len(huey) == 1  # in Redis, for any server's worker
    with Worker(redis_app) as worker:
        worker.wait_for(lambda: delivery("hello:1").state is not DeliveryState.queued)
    assert [m["To"] for m in server.delivered] == ["hanako@example.jp"]
    with redis_app.app_context():
        sent = delivery("hello:1")
        assert sent.state is DeliveryState.sent and sent.attempts == 3
        assert len(huey) == 0 and huey.scheduled_count() == 0
