"""The demo district's announcements: one sent to everyone (each resident has it in the app,
its e-mails queued), one scheduled for later and not sent."""

from sqlalchemy import func, select

from rally.announcements.models import Announcement, AnnouncementState
from rally.demo import seed_demo
from rally.extensions import db
from rally.notifications.models import Notification
from rally.utils import utcnow


def test_the_demo_has_one_announcement_sent_and_one_scheduled(app):
    with app.app_context():
        seed_demo(utcnow())
        db.session.commit()
        states = sorted(a.state for a in db.session.scalars(select(Announcement)))
        assert states == sorted([AnnouncementState.sent, AnnouncementState.scheduled])
        sent = db.session.scalar(
            select(Announcement).where(Announcement.state == AnnouncementState.sent)
        )
        told = db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.announcement_id == sent.id)
        )
        assert told > 0
        seed_demo(utcnow())  # again: nothing sent twice
        db.session.commit()
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.announcement_id == sent.id)
            )
            == told
        )
