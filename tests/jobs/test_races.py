"""One message, however many ask at once: the unique key and the conditional claim are
decided by the database (run on PostgreSQL too by scripts/test)."""

from sqlalchemy import func, select

from rally.extensions import db
from rally.jobs import deliver_mail
from rally.jobs.deliveries import deliver, retry_delivery
from rally.jobs.models import Delivery, DeliveryState
from rally.mail import Mail, outbox
from rally.utils import utcnow

from .conftest import delivery

MAIL = Mail("hanako@example.jp", "Hello", "A message.")
RACERS = 8


def test_many_workers_running_one_delivery_send_it_once(app, race):
    with app.app_context():
        db.session.add(
            Delivery(key="hello:1", channel="mail", payload=MAIL._asdict())
        )  # recorded, its job not run yet
        db.session.commit()

    def prepare(index):
        return lambda: deliver.call_local("hello:1")

    race(RACERS, prepare)
    with app.app_context():
        assert [m["To"] for m in outbox()] == ["hanako@example.jp"]
        assert delivery("hello:1").attempts == 1


def test_many_requests_queueing_one_key_make_one_delivery(app, race):
    def prepare(index):
        def queue():
            with app.app_context():
                queued = deliver_mail(MAIL._replace(body=f"Try {index}"), "hello:1")
                db.session.commit()
                return queued

        return queue

    assert sorted(race(RACERS, prepare)) == [False] * (RACERS - 1) + [True]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Delivery)) == 1
        assert len(outbox()) == 1


def test_many_retry_clicks_queue_a_failed_delivery_once(app, race):
    with app.app_context():
        failed = Delivery(
            key="hello:1", channel="mail", payload=MAIL._asdict(), state=DeliveryState.failed
        )
        db.session.add(failed)
        db.session.commit()
        delivery_id = failed.id

    def prepare(index):
        def retry():
            with app.app_context():
                retried = retry_delivery(delivery_id, utcnow())
                db.session.commit()
                return retried

        return retry

    assert sorted(race(RACERS, prepare)) == [False] * (RACERS - 1) + [True]
    with app.app_context():
        assert len(outbox()) == 1
