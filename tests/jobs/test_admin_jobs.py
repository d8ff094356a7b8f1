"""/admin/jobs: what finally failed is shown to the association's admins, who retry it."""

from datetime import timedelta

from sqlalchemy import update

from rally.auth.models import Role
from rally.extensions import db
from rally.jobs import deliver_mail
from rally.jobs.models import Delivery, DeliveryState
from rally.mail import Mail, outbox
from rally.utils import utcnow

from .conftest import delivery

EN = {"Accept-Language": "en"}


def failed_mail(app, smtp, to="hanako@example.jp", key="hello:1"):
    """A mail that failed for good (the server refused it), then a server that works."""
    smtp.permanent = True
    with app.app_context():
        deliver_mail(Mail(to, "Hello", "A message."), key)
        db.session.commit()
        assert delivery(key).state is DeliveryState.failed
        delivery_id = delivery(key).id
    smtp.permanent = False
    return delivery_id


def test_a_failed_delivery_is_listed_with_its_error(app, smtp, admin_client):
    failed_mail(app, smtp)
    html = admin_client.get("/admin/jobs", headers=EN).get_data(as_text=True)
    assert "hanako@example.jp" in html
    assert "SMTPRecipientsRefused" in html and "5.1.1 No such user" in html
    assert "1 try" in html
    index = admin_client.get("/admin/", headers=EN).get_data(as_text=True)
    assert 'data-testid="failed-deliveries">1<' in index


def test_retry_sends_a_failed_delivery_once(app, smtp, admin_client):
    delivery_id = failed_mail(app, smtp)
    response = admin_client.post(f"/admin/jobs/{delivery_id}/retry", headers=EN)
    assert response.status_code == 303
    assert [m["To"] for m in smtp.delivered] == ["hanako@example.jp"]
    page = admin_client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Queued again" in page
    assert "hanako@example.jp" not in page
    again = admin_client.post(f"/admin/jobs/{delivery_id}/retry", headers=EN)
    page = admin_client.get(again.headers["Location"], headers=EN).get_data(as_text=True)
    assert "This message is no longer waiting to be sent again." in page
    assert len(smtp.delivered) == 1
    with app.app_context():
        assert delivery("hello:1").state is DeliveryState.sent


def test_a_delivery_queued_too_long_ago_is_shown_and_can_be_retried(app, admin_client):
    with app.app_context():
        # Recorded and never queued: a job lost when the queue's storage failed.
        db.session.add(
            Delivery(
                key="lost:1",
                channel="mail",
                payload={"to": "taro@example.jp", "subject": "Hello", "body": "A message."},
                updated_at=utcnow() - timedelta(hours=2),
            )
        )
        db.session.commit()
        delivery_id = delivery("lost:1").id
    html = admin_client.get("/admin/jobs", headers=EN).get_data(as_text=True)
    assert "Waiting for more than an hour" in html and "taro@example.jp" in html
    admin_client.post(f"/admin/jobs/{delivery_id}/retry")
    with app.app_context():
        assert [m["To"] for m in outbox()] == ["taro@example.jp"]
        assert delivery("lost:1").state is DeliveryState.sent


def test_a_recent_queued_delivery_cannot_be_queued_twice(app, admin_client):
    with app.app_context():
        db.session.add(Delivery(key="new:1", channel="mail", payload={"to": "a@example.jp"}))
        db.session.commit()
        delivery_id = delivery("new:1").id
    admin_client.post(f"/admin/jobs/{delivery_id}/retry")
    with app.app_context():
        assert outbox() == []
        assert delivery("new:1").attempts == 0


def test_only_admins_see_and_retry(app, smtp, client, auth, make_user):
    delivery_id = failed_mail(app, smtp)
    assert client.get("/admin/jobs").status_code == 302  # to the log-in page
    assert client.post(f"/admin/jobs/{delivery_id}/retry").status_code == 302
    merchant = auth.new_client(make_user(role=Role.merchant))
    assert merchant.get("/admin/jobs").status_code == 403
    assert merchant.post(f"/admin/jobs/{delivery_id}/retry").status_code == 403
    with app.app_context():
        assert delivery("hello:1").state is DeliveryState.failed
    assert smtp.delivered == []


def test_retry_of_an_unknown_delivery_is_404(admin_client):
    assert admin_client.post("/admin/jobs/999/retry").status_code == 404


def test_the_page_lists_the_latest_failures_first(app, smtp, admin_client):
    first = failed_mail(app, smtp, to="a@example.jp", key="k:1")
    failed_mail(app, smtp, to="b@example.jp", key="k:2")
    with app.app_context():
        db.session.execute(
            update(Delivery)
            .where(Delivery.id == first)
            .values(updated_at=utcnow() - timedelta(minutes=5))
        )
        db.session.commit()
    html = admin_client.get("/admin/jobs", headers=EN).get_data(as_text=True)
    assert html.index("b@example.jp") < html.index("a@example.jp")
    assert "2 messages" in html
