"""Sent once, however many ask at once (on PostgreSQL too): the conditional UPDATE from
scheduled to sent decides."""

from sqlalchemy import func, select

from rally.announcements import operations
from rally.announcements.models import Audience
from rally.announcements.sending import send_announcement
from rally.auth.models import User
from rally.extensions import db
from rally.jobs.models import Delivery
from rally.notifications.models import Notification
from rally.utils import utcnow

from .conftest import due_announcement


def test_eight_jobs_sending_one_announcement_at_once_send_it_once(
    app, admin_user, make_resident, race
):
    residents = [make_resident() for _ in range(3)]
    announcement_id = due_announcement(app, admin_user)

    def prepare(index):
        return lambda: send_announcement.call_local(announcement_id)

    results = race(8, prepare)
    assert sorted(results) == [0] * 7 + [3]
    with app.app_context():
        told = db.session.scalar(select(func.count()).select_from(Notification))
        mails = db.session.scalar(select(func.count()).select_from(Delivery))
    assert told == len(residents) and mails == len(residents)


def test_send_now_clicked_twice_at_once_sends_once(app, admin_user, make_resident, auth, race):
    make_resident()
    with app.app_context():
        data = operations.AnnouncementInput(
            title={"ja": "お知らせ"}, body={"ja": "本文"}, audience=Audience.everyone
        )
        announcement = operations.save(db.session.get(User, admin_user.id), data, utcnow())
        db.session.commit()
        announcement_id = announcement.id
    app.config["WTF_CSRF_ENABLED"] = False

    def prepare(index):
        client = auth.new_client(admin_user)
        return lambda: client.post(f"/admin/announcements/{announcement_id}/send").status_code

    assert race(4, prepare) == [303] * 4
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
