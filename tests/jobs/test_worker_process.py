"""`flask --app rally jobs worker`, the real command in a process of its own, sends a
queued mail over SMTP (a server on loopback that is busy twice), once."""

import json
import os
import signal
import subprocess
import sys
import time

from rally.extensions import db
from rally.jobs import deliver_mail
from rally.jobs.models import DeliveryState
from rally.mail import Mail

from .conftest import delivery
from .smtp_server import SMTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_the_worker_command_retries_a_busy_server_and_sends_once(worker_app, tmp_path):
    with SMTPServer(busy=2) as smtp:
        with worker_app.app_context():
            deliver_mail(Mail("hanako@example.jp", "Hello", "A message."), "hello:1")
            db.session.commit()
        env = {
            **os.environ,
            "SECRET_KEY": worker_app.config["SECRET_KEY"],
            "DATABASE_URL": worker_app.config["SQLALCHEMY_DATABASE_URI"],
            "RALLY_JOBS_FILE": worker_app.config["RALLY_JOBS_FILE"],
            "RALLY_MAIL_BACKEND": "smtp",
            "RALLY_SMTP_HOST": "127.0.0.1",
            "RALLY_SMTP_PORT": str(smtp.port),
            "RALLY_SMTP_STARTTLS": "false",
            "RALLY_JOB_RETRY_DELAYS": json.dumps([1, 1, 1]),
        }
        with open(tmp_path / "worker.log", "w") as log_file:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "flask",
                    "--app",
                    "rally",
                    "jobs",
                    "worker",
                    "--workers",
                    "1",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and worker.poll() is None:
                with worker_app.app_context():
                    if delivery("hello:1").state is not DeliveryState.queued:
                        break
                time.sleep(0.1)
        finally:
            worker.send_signal(signal.SIGINT)  # a graceful stop, as Ctrl+C or systemd's
            worker.wait(timeout=30)
        log = (tmp_path / "worker.log").read_text()
        assert smtp.connections == 3, log
        [(recipients, data)] = smtp.messages
        assert recipients == ["hanako@example.jp"]
        assert b"Subject: Hello" in data
        with worker_app.app_context():
            sent = delivery("hello:1")
            assert sent.state is DeliveryState.sent and sent.attempts == 3
