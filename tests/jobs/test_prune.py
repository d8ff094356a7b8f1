"""Old deliveries go: sent ones are deleted, failed ones lose their text, queued ones stay
(``flask --app rally jobs prune`` and the worker's nightly task)."""

from datetime import timedelta

from sqlalchemy import select

from rally.extensions import db
from rally.jobs.deliveries import prune_deliveries, prune_old_deliveries
from rally.jobs.models import Delivery, DeliveryState
from rally.utils import utcnow

EN = {"Accept-Language": "en"}
RESET = {"to": "hanako@example.jp", "subject": "Reset", "body": "https://x/reset/SECRET"}


def _add(key, state, days_old, payload=RESET, batch=None):
    when = utcnow() - timedelta(days=days_old)
    db.session.add(
        Delivery(
            key=key,
            channel="mail",
            batch=batch,
            state=state,
            payload=None if state is DeliveryState.sent else dict(payload),
            created_at=when,
            updated_at=when,
            sent_at=when if state is DeliveryState.sent else None,
        )
    )


def _rows(app):
    with app.app_context():
        db.session.expire_all()
        return {d.key: d for d in db.session.scalars(select(Delivery))}


def _seed(app):
    with app.app_context():
        _add("sent-old", DeliveryState.sent, 120)
        _add("sent-edge", DeliveryState.sent, 89)
        _add("sent-new", DeliveryState.sent, 1)
        _add("failed-old", DeliveryState.failed, 91)
        _add("failed-new", DeliveryState.failed, 10)
        _add("queued-old", DeliveryState.queued, 200)
        _add("announced-old", DeliveryState.sent, 300, batch="announcement:1")
        db.session.commit()


def test_prune_deletes_old_sent_and_clears_old_failed(app):
    _seed(app)
    with app.app_context():
        assert prune_deliveries(utcnow(), 90) == (1, 1)
        db.session.commit()
    rows = _rows(app)
    assert set(rows) == {
        "sent-edge",
        "sent-new",
        "failed-old",
        "failed-new",
        "queued-old",
        "announced-old",
    }
    assert rows["failed-old"].payload is None
    assert rows["failed-old"].state is DeliveryState.failed  # still listed for the admins
    assert rows["failed-new"].payload == RESET
    assert rows["queued-old"].payload == RESET  # a worker may still send it
    with app.app_context():
        assert prune_deliveries(utcnow(), 90) == (0, 0)  # again: nothing more


def test_prune_command_takes_days(app):
    _seed(app)
    result = app.test_cli_runner().invoke(args=["jobs", "prune", "--days", "5"])
    assert result.exit_code == 0, result.output
    assert "2 sent deleted, 2 failed cleared" in result.output
    rows = _rows(app)
    assert set(rows) == {"sent-new", "failed-old", "failed-new", "queued-old", "announced-old"}
    assert rows["failed-new"].payload is None


def test_prune_command_defaults_to_ninety_days_and_refuses_zero(app):
    _seed(app)
    result = app.test_cli_runner().invoke(args=["jobs", "prune"])
    assert "1 sent deleted, 1 failed cleared" in result.output
    refused = app.test_cli_runner().invoke(args=["jobs", "prune", "--days", "0"])
    assert refused.exit_code != 0
    assert "sent-edge" in _rows(app)


def test_the_nightly_task_prunes(app):
    _seed(app)
    app.config["RALLY_DELIVERY_KEEP_DAYS"] = 30
    with app.app_context():
        prune_old_deliveries.call_local()
    rows = _rows(app)
    assert "sent-old" not in rows and "sent-new" in rows
    assert rows["failed-old"].payload is None and rows["failed-new"].payload == RESET


def test_a_pruned_failed_delivery_cannot_be_retried(app, admin_client):
    _seed(app)
    with app.app_context():
        prune_deliveries(utcnow(), 90)
        db.session.commit()
    rows = _rows(app)
    old, new = rows["failed-old"].id, rows["failed-new"].id
    html = admin_client.get("/admin/jobs", headers=EN).get_data(as_text=True)
    assert f'data-testid="delivery-{old}-pruned"' in html
    assert f"/admin/jobs/{old}/retry" not in html and f"/admin/jobs/{new}/retry" in html
    admin_client.post(f"/admin/jobs/{old}/retry")
    assert _rows(app)["failed-old"].state is DeliveryState.failed


def test_an_announcements_figures_stay_whole_after_pruning(app):
    from rally.jobs.deliveries import delivery_counts

    _seed(app)
    with app.app_context():
        before = delivery_counts("announcement:1")
        prune_deliveries(utcnow(), 5)
        db.session.commit()
        assert delivery_counts("announcement:1") == before == {("mail", DeliveryState.sent): 1}
