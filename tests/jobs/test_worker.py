"""A real consumer (Huey's, with worker threads) runs the queued deliveries: retries go
through Huey's scheduler, as in production."""

from sqlalchemy import func, select

import rally.mail
from rally.extensions import db
from rally.jobs import deliver_mail
from rally.jobs.models import Delivery, DeliveryState
from rally.mail import Mail

from .conftest import Worker, delivery


def test_a_worker_retries_a_mail_that_failed_twice_and_sends_it_once(worker_app, monkeypatch):
    from .conftest import FlakyServer

    server = FlakyServer()
    server.failures = 2
    monkeypatch.setattr(rally.mail.smtplib, "SMTP", server.connect)
    # One second each: the retries wait in Huey's schedule, not in the queue.
    worker_app.config.update(RALLY_MAIL_BACKEND="smtp", RALLY_JOB_RETRY_DELAYS=(1, 1, 1))
    with worker_app.app_context():
        for n in range(3):
            deliver_mail(Mail(f"r{n}@example.jp", "Hello", "A message."), f"hello:{n}")
        db.session.commit()

    def all_settled():
        return (
            db.session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.state != DeliveryState.queued)
            )
            == 3
        )

    with Worker(worker_app) as worker:
        worker.wait_for(all_settled)
    assert sorted(m["To"] for m in server.delivered) == [f"r{n}@example.jp" for n in range(3)]
    with worker_app.app_context():
        states = {delivery(f"hello:{n}").state for n in range(3)}
        assert states == {DeliveryState.sent}
        # Two connections were refused: two tries more than messages, in all.
        total = db.session.scalar(select(func.sum(Delivery.attempts)))
        assert total == 5


def test_the_worker_command_refuses_immediate_mode(runner):
    result = runner.invoke(args=["jobs", "worker"])
    assert result.exit_code != 0
    assert "RALLY_JOBS_IMMEDIATE" in result.output
