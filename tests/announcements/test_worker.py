"""Announcements through the job queue: retried mails go once, and an urgent notice
reaches every channel within a minute with a real worker running."""

import json

from sqlalchemy import select

from rally.announcements import operations
from rally.announcements.models import Audience, Frequency
from rally.auth.models import Role, User
from rally.extensions import db
from rally.jobs.models import Delivery, DeliveryState
from rally.mail import outbox
from rally.notifications.models import Notification
from rally.utils import utcnow

from .conftest import Worker


def _urgent(admin_id) -> operations.AnnouncementInput:
    return operations.AnnouncementInput(
        title={"ja": "台風接近", "en": "Typhoon"},
        body={"ja": "避難所を開設しました。", "en": "Shelters are open."},
        audience=Audience.everyone,
        urgent=True,
    )


def test_an_announcement_mail_that_fails_twice_then_succeeds_is_sent_once(
    app, admin_user, make_resident, smtp
):
    smtp.failures = 2
    make_resident()
    with app.app_context():
        admin = db.session.get(User, admin_user.id)
        announcement = operations.save(admin, _urgent(admin.id), utcnow())
        operations.send_now(announcement, utcnow())
        db.session.commit()
        [mail] = db.session.scalars(select(Delivery).where(Delivery.channel == "mail")).all()
        assert mail.state is DeliveryState.sent and mail.attempts == 3
    assert len(smtp.delivered) == 1


def test_an_urgent_notice_reaches_every_channel_within_a_minute(
    app, worker_app, vapid, push_service, subscribe_device, make_resident, make_user
):
    worker_app.config.update(
        RALLY_VAPID_PRIVATE_KEY=app.config["RALLY_VAPID_PRIVATE_KEY"],
        RALLY_VAPID_SUBJECT=app.config["RALLY_VAPID_SUBJECT"],
        RALLY_PUSH_ALLOW_LOCAL_ENDPOINTS=True,
    )
    admin = make_user(role=Role.admin)
    resident = make_resident("en")
    subscribe_device(resident)
    with worker_app.app_context():
        operations.choose(resident, None, Frequency.weekly)  # urgent skips the digest
        announcement = operations.save(db.session.get(User, admin.id), _urgent(admin.id), utcnow())
        operations.send_now(announcement, utcnow())
        db.session.commit()

    def delivered():
        states = {(d.channel, d.state) for d in db.session.scalars(select(Delivery)).all()}
        told = db.session.scalar(select(Notification.id).where(Notification.visitor_id == resident))
        return told is not None and states == {
            ("mail", DeliveryState.sent),
            ("push", DeliveryState.sent),
        }

    with Worker(worker_app) as worker:
        worker.wait_for(delivered, limit=60.0)
    with worker_app.app_context():
        [mail] = outbox()
        assert mail["Subject"] == "[Urgent] Typhoon"
    [push] = push_service.received
    assert push.headers.get("urgency") == "high"
    assert json.loads(push.plaintext)["body"] == "Shelters are open."
