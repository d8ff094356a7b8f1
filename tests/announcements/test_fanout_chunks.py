"""An announcement fans out in chunks of residents, each committed on its own (SQLite's
write lock is not held for the whole audience); a job that stops half-way is resumed after
the last committed chunk, and nobody is told twice or skipped, even if the cursor were lost
(the notification and each delivery are keyed by announcement and resident)."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from rally.announcements import sending
from rally.announcements.models import Announcement, AnnouncementState
from rally.extensions import db
from rally.jobs.models import Delivery
from rally.notifications.models import Notification
from rally.utils import utcnow

from .conftest import due_announcement


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(sending, "CHUNK", 2)


def _told(announcement_id) -> Counter:
    return Counter(
        db.session.scalars(
            select(Notification.visitor_id).where(Notification.announcement_id == announcement_id)
        )
    )


def _mailed(announcement_id) -> Counter:
    return Counter(
        db.session.scalars(
            select(Delivery.visitor_id).where(
                Delivery.channel == "mail",
                Delivery.batch == f"announcement:{announcement_id}",
            )
        )
    )


def _crash_on_chunk(monkeypatch, number: int) -> None:
    """The fan-out dies (a killed worker) while writing chunk ``number`` (1-based)."""
    real, calls = sending._fan_out_chunk, []

    def chunk(announcement, ids):
        calls.append(ids)
        real(announcement, ids)
        if len(calls) == number:
            raise RuntimeError("worker killed")

    monkeypatch.setattr(sending, "_fan_out_chunk", chunk)


def test_the_fan_out_commits_each_chunk_and_tells_everyone_once(
    app, admin_user, make_resident, small_chunks
):
    residents = {make_resident() for _ in range(5)}
    announcement_id = due_announcement(app, admin_user)
    with app.app_context():
        assert sending.send_announcement.call_local(announcement_id) == 5
        announcement = db.session.get(Announcement, announcement_id)
        assert announcement.recipients == 5 and announcement.fanned_out_at is not None
        assert announcement.fanout_cursor == max(residents)
        assert _told(announcement_id) == Counter(residents)
        assert _mailed(announcement_id) == Counter(residents)


def test_a_fan_out_that_stops_half_way_keeps_its_chunks_and_is_resumed_once(
    app, admin_user, make_resident, small_chunks, monkeypatch
):
    residents = sorted(make_resident() for _ in range(5))
    announcement_id = due_announcement(app, admin_user)
    _crash_on_chunk(monkeypatch, 2)
    with app.app_context():
        with pytest.raises(RuntimeError):
            sending.send_announcement.call_local(announcement_id)
        db.session.rollback()
        db.session.expire_all()
        announcement = db.session.get(Announcement, announcement_id)
        # The first chunk was committed; the second died with the worker.
        assert announcement.state is AnnouncementState.sent
        assert announcement.fanned_out_at is None
        assert announcement.fanout_cursor == residents[1]
        assert _told(announcement_id) == Counter(residents[:2])
    monkeypatch.undo()
    monkeypatch.setattr(sending, "CHUNK", 2)
    with app.app_context():
        # While the stopped job's lease runs, nobody else takes it over.
        assert sending.send_announcement.call_local(announcement_id) == 0
        sending.send_due_announcements.call_local()
        assert _told(announcement_id) == Counter(residents[:2])
    later = utcnow() + sending.LEASE + timedelta(seconds=1)
    monkeypatch.setattr("rally.announcements.sending.utcnow", lambda: later)
    with app.app_context():
        sending.send_due_announcements.call_local()
        db.session.expire_all()
        assert _told(announcement_id) == Counter(residents)
        assert _mailed(announcement_id) == Counter(residents)
        assert db.session.get(Announcement, announcement_id).fanned_out_at is not None
        sending.send_due_announcements.call_local()  # finished: nothing more
        assert _told(announcement_id) == Counter(residents)


def test_a_fan_out_run_again_from_the_start_tells_nobody_twice(
    app, admin_user, make_resident, small_chunks
):
    residents = {make_resident() for _ in range(3)}
    announcement_id = due_announcement(app, admin_user)
    with app.app_context():
        sending.send_announcement.call_local(announcement_id)
        # As if the cursor were lost: every chunk is written again.
        db.session.execute(
            update(Announcement)
            .where(Announcement.id == announcement_id)
            .values(fanout_cursor=0, fanned_out_at=None, fanout_lease_until=None)
        )
        db.session.commit()
        assert sending.send_announcement.call_local(announcement_id) == 3
        assert _told(announcement_id) == Counter(residents)
        assert _mailed(announcement_id) == Counter(residents)


def test_the_database_keeps_one_announcement_notification_per_resident(
    app, admin_user, make_resident
):
    resident = make_resident()
    announcement_id = due_announcement(app, admin_user)
    with app.app_context():
        sending.send_announcement.call_local(announcement_id)
        db.session.add(
            Notification(visitor_id=resident, kind="announcement", announcement_id=announcement_id)
        )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        assert _told(announcement_id) == Counter({resident: 1})


def test_jobs_resuming_one_stopped_fan_out_at_once_finish_it_once(
    app, admin_user, make_resident, small_chunks, monkeypatch, race
):
    residents = sorted(make_resident() for _ in range(5))
    announcement_id = due_announcement(app, admin_user)
    _crash_on_chunk(monkeypatch, 1)
    with app.app_context():
        with pytest.raises(RuntimeError):
            sending.send_announcement.call_local(announcement_id)
        db.session.rollback()
        # The crash rolled back the claim too: still scheduled, nobody told; claim it and
        # let its lease run out, as a job killed after its first chunk would leave it.
        db.session.execute(
            update(Announcement)
            .where(Announcement.id == announcement_id)
            .values(
                state=AnnouncementState.sent,
                sent_at=utcnow(),
                fanout_cursor=residents[1],
                fanout_lease_until=utcnow() - timedelta(seconds=1),
            )
        )
        db.session.commit()
    monkeypatch.undo()
    monkeypatch.setattr(sending, "CHUNK", 2)

    def prepare(index):
        return lambda: sending.send_announcement.call_local(announcement_id)

    assert sorted(race(4, prepare)) == [0, 0, 0, 3]
    with app.app_context():
        assert _told(announcement_id) == Counter(residents[2:])
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 3


def test_the_admin_page_shows_a_fan_out_still_under_way(
    app, admin_user, announcer, make_resident, small_chunks, monkeypatch
):
    for _ in range(5):
        make_resident()
    announcement_id = due_announcement(app, admin_user)
    _crash_on_chunk(monkeypatch, 2)  # chunk 1 committed, chunk 2 died with its worker
    with app.app_context():
        with pytest.raises(RuntimeError):
            sending.send_announcement.call_local(announcement_id)
        db.session.rollback()
    path = f"/admin/announcements/{announcement_id}"
    page = announcer.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Still reaching residents" in page
    inapp = re.search(r'data-testid="figures-inapp">(.*?)</tr>', page, re.S)[1]
    assert re.findall(r"<td>(\d+)</td>", inapp)[:2] == ["3", "2"]  # queued, sent so far
    monkeypatch.undo()
    with app.app_context():
        later = utcnow() + sending.LEASE + timedelta(seconds=1)
        monkeypatch.setattr("rally.announcements.sending.utcnow", lambda: later)
        sending.send_due_announcements.call_local()
    page = announcer.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Still reaching residents" not in page
    inapp = re.search(r'data-testid="figures-inapp">(.*?)</tr>', page, re.S)[1]
    assert re.findall(r"<td>(\d+)</td>", inapp)[:2] == ["0", "5"]
