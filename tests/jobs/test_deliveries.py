"""Mail goes through the queue: queued with the commit, retried with back-off on a
temporary failure, sent once per key, and left for the admins when it finally fails."""

from datetime import timedelta

from sqlalchemy import func, select

from rally.extensions import db
from rally.jobs import deliver_mail, deliver_mails, huey
from rally.jobs.deliveries import deliver, delivery_counts
from rally.jobs.models import Delivery, DeliveryState
from rally.mail import Mail, outbox
from rally.utils import utcnow

from .conftest import delivery

MAIL = Mail("hanako@example.jp", "Hello", "A message.")


def test_a_mail_is_queued_with_the_commit_and_sent_by_its_job(app):
    with app.app_context():
        assert deliver_mail(MAIL, "hello:1")
        assert outbox() == []  # nothing goes out before the commit
        db.session.commit()
        assert [m["To"] for m in outbox()] == ["hanako@example.jp"]
        sent = delivery("hello:1")
        assert sent.state is DeliveryState.sent
        assert sent.attempts == 1 and sent.sent_at is not None
        assert sent.payload is None  # a sent message's text (a link) is not kept


def test_a_rolled_back_request_queues_nothing(app):
    with app.app_context():
        deliver_mail(MAIL, "hello:1")
        db.session.rollback()
        db.session.commit()
        assert outbox() == []
        assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_a_key_queued_twice_is_sent_once(app):
    with app.app_context():
        assert deliver_mail(MAIL, "hello:1")
        db.session.commit()
        assert not deliver_mail(MAIL._replace(body="Again"), "hello:1")
        db.session.commit()
        assert deliver_mails([(MAIL, "hello:1"), (MAIL, "hello:2")]) == 1
        db.session.commit()
        assert [m.get_content().strip() for m in outbox()] == ["A message."] * 2


def test_a_job_run_again_after_its_success_sends_nothing(app):
    with app.app_context():
        deliver_mail(MAIL, "hello:1")
        db.session.commit()
        deliver.call_local("hello:1")  # Huey ran it twice (a worker lost its ack) ...
        huey.enqueue(deliver.s("hello:1"))  # ... or somebody queued it again
        assert len(outbox()) == 1
        assert delivery("hello:1").attempts == 1


def test_a_job_that_fails_twice_then_succeeds_sends_once(app, smtp):
    smtp.failures = 2
    with app.app_context():
        deliver_mail(MAIL, "hello:1")
        db.session.commit()
        assert [m["To"] for m in smtp.delivered] == ["hanako@example.jp"]
        sent = delivery("hello:1")
        assert sent.state is DeliveryState.sent
        assert sent.attempts == 3
        assert "Connection refused" in sent.last_error  # what happened on the way


def test_a_temporary_failure_waits_for_its_back_off(app, smtp):
    """In immediate mode a retry after a delay never runs: the delivery stays queued,
    with its error, for the worker's scheduler to try later."""
    app.config["RALLY_JOB_RETRY_DELAYS"] = (30, 120, 600)
    smtp.failures = 1
    with app.app_context():
        deliver_mail(MAIL, "hello:1")
        db.session.commit()
        waiting = delivery("hello:1")
        assert waiting.state is DeliveryState.queued and waiting.attempts == 1
        assert smtp.delivered == []
        assert huey.scheduled_count() == 1
        (retry,) = huey.scheduled()
        assert timedelta(seconds=25) < retry.eta - utcnow() <= timedelta(seconds=30)


def test_a_delivery_fails_for_good_after_its_last_try(app, smtp):
    smtp.failures = 10
    with app.app_context():
        deliver_mail(MAIL, "hello:1")
        db.session.commit()
        failed = delivery("hello:1")
        assert failed.state is DeliveryState.failed
        assert failed.attempts == 4  # the first try and three retries
        assert smtp.delivered == []
        assert failed.payload["to"] == "hanako@example.jp"  # kept, to try again


def test_a_permanent_refusal_is_not_tried_again(app, smtp):
    smtp.permanent = True
    with app.app_context():
        deliver_mail(MAIL, "hello:1")
        db.session.commit()
        failed = delivery("hello:1")
        assert failed.state is DeliveryState.failed
        assert failed.attempts == 1
        assert "550" in failed.last_error


def test_deliveries_are_counted_per_batch_channel_and_state(app, smtp):
    smtp.permanent = False
    with app.app_context():
        deliver_mails([(MAIL, "a:1"), (MAIL._replace(to="taro@example.jp"), "a:2")], batch="a")
        deliver_mail(MAIL, "b:1", batch="b")
        db.session.commit()
        assert delivery_counts("a") == {("mail", DeliveryState.sent): 2}


def test_outside_immediate_mode_a_job_waits_in_the_queue(worker_app):
    with worker_app.app_context():
        assert not huey.immediate
        deliver_mail(MAIL, "hello:1")
        db.session.commit()
        assert len(huey) == 1  # in the SQLite queue, for a worker
        assert outbox() == []
        assert delivery("hello:1").state is DeliveryState.queued


def test_mails_queued_together_go_over_one_connection(app, smtp):
    with app.app_context():
        deliver_mails((MAIL._replace(to=f"r{n}@example.jp"), f"batch:{n}") for n in range(3))
        db.session.commit()
    assert smtp.connections == 1
    assert [m["To"] for m in smtp.delivered] == [f"r{n}@example.jp" for n in range(3)]


def test_a_batch_that_failed_is_retried_one_by_one_and_sent_once(app, smtp):
    smtp.failures = 1  # the batch's connection is refused; the retries' are not
    with app.app_context():
        deliver_mails((MAIL._replace(to=f"r{n}@example.jp"), f"batch:{n}") for n in range(3))
        db.session.commit()
        assert sorted(m["To"] for m in smtp.delivered) == [f"r{n}@example.jp" for n in range(3)]
        assert {delivery(f"batch:{n}").attempts for n in range(3)} == {2}
        assert {delivery(f"batch:{n}").state for n in range(3)} == {DeliveryState.sent}
