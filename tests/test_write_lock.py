"""SQLite's write lock: taken only by requests that write, and writers queue for it."""

import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from rally.database import take_write_lock
from rally.extensions import db
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's locking")


@pytest.fixture
def begins(app):
    """The BEGIN statements the app's connections run, in order."""
    seen = []

    def record(statement):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    def trace(dbapi_connection, connection_record, proxy):
        # SQLite's own trace: the BEGIN goes straight to the driver (rally.database).
        dbapi_connection.set_trace_callback(record)

    with app.app_context():
        engine = db.engine
    event.listen(engine.pool, "checkout", trace)
    yield seen
    event.remove(engine.pool, "checkout", trace)
    engine.dispose()  # no traced connection stays in the pool


def queue_of(app):
    with app.app_context():
        with db.engine.connect() as connection:
            return connection.connection.info["rally_writer_queue"]


def test_reading_page_takes_no_write_lock(client, make_campaign, stamp_path, begins):
    campaign_id, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    begins.clear()
    assert client.get(f"/card/{campaign_id}").status_code == 200
    assert begins and set(begins) == {"BEGIN"}


def test_scan_takes_the_write_lock_up_front(client, make_campaign, stamp_path, begins):
    _, checkpoints = make_campaign()
    path = stamp_path(checkpoints[0])
    begins.clear()
    assert client.get(path).status_code == 303
    assert begins == ["BEGIN IMMEDIATE"]


def test_head_of_the_scan_link_reads_only(client, make_campaign, stamp_path, begins):
    _, checkpoints = make_campaign()
    path = stamp_path(checkpoints[0])
    begins.clear()
    assert client.head(path).status_code == 303
    assert begins == ["BEGIN"]


def test_queue_is_free_after_a_write_request(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    assert client.get(stamp_path(checkpoints[0])).status_code == 303
    assert queue_of(app).holder is None


def test_queue_is_free_after_a_refused_write(app, client, make_campaign, stamp_path):
    from rally.campaigns.models import CampaignState

    _, checkpoints = make_campaign(state=CampaignState.draft)
    assert client.get(stamp_path(checkpoints[0])).status_code >= 400
    assert queue_of(app).holder is None


def test_writers_wait_for_each_other_in_turn(app):
    """A second writer waits for the first one's commit, then runs (no 'database is locked')."""
    order = []
    first_holds = threading.Event()

    def first():
        with app.app_context():
            take_write_lock()
            db.session.execute(text("CREATE TABLE IF NOT EXISTS probe (n INTEGER)"))
            first_holds.set()
            time.sleep(0.3)
            db.session.execute(text("INSERT INTO probe VALUES (1)"))
            order.append("first commits")
            db.session.commit()

    def second():
        first_holds.wait()
        with app.app_context():
            take_write_lock()
            db.session.execute(text("INSERT INTO probe VALUES (2)"))
            order.append("second writes")
            db.session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert order == ["first commits", "second writes"]
    with app.app_context():
        assert db.session.scalars(text("SELECT n FROM probe ORDER BY n")).all() == [1, 2]


def test_writer_waits_for_another_process(app, client, make_campaign, stamp_path):
    """The queue is a lock on a file, so gunicorn's worker processes queue too."""
    _, checkpoints = make_campaign()
    path = stamp_path(checkpoints[0])
    queue = queue_of(app)
    with app.app_context():
        lock_file = db.engine.url.database + "-writer"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"f = open({lock_file!r}, 'a'); fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('held', flush=True); time.sleep(0.5)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    with holder:
        assert holder.stdout.readline().strip() == "held"
        began = time.monotonic()
        assert client.get(path).status_code == 303
        waited = time.monotonic() - began
    assert waited >= 0.3
    assert queue.holder is None


def test_second_write_connection_of_one_thread_does_not_wait_for_itself(app):
    """Nested writers in one thread fail fast on SQLite's lock instead of hanging."""
    with app.app_context():
        take_write_lock()
        outer = db.engine.connect()
        outer.exec_driver_sql("CREATE TABLE probe (n INTEGER)")
        inner = db.engine.connect()
        try:
            from flask import g

            g.write_lock = False
            inner.exec_driver_sql("PRAGMA busy_timeout=50")
            inner.commit()
            g.write_lock = True
            with pytest.raises(OperationalError, match="locked"):
                inner.exec_driver_sql("INSERT INTO probe VALUES (1)")
        finally:
            inner.close()
            outer.close()


def test_forked_process_queues_on_its_own_file_handle(app, monkeypatch):
    """After fork() a connection must not share its parent's lock (one open file, one lock)."""
    import os

    parent_queue = queue_of(app)
    monkeypatch.setattr(os, "getpid", lambda: parent_queue.pid + 1)
    with app.app_context():
        take_write_lock()
        connection = db.session.connection()
        child_queue = connection.connection.info["rally_writer_queue"]
        assert child_queue is not parent_queue
        assert child_queue.holder is connection.connection.dbapi_connection
        db.session.rollback()
    assert child_queue.holder is None


def test_without_a_lock_file_writes_still_work(
    app, client, make_campaign, stamp_path, caplog, monkeypatch
):
    """A lock file the app may not open (another user's) leaves SQLite's busy timeout."""
    import rally.database

    _, checkpoints = make_campaign()
    path = stamp_path(checkpoints[0])

    def refused(path):
        raise PermissionError(13, "Permission denied", path + "-writer")

    monkeypatch.setattr(rally.database, "writer_queue", refused)
    with app.app_context():
        db.engine.dispose()  # new connections, without a queue
    assert client.get(path).status_code == 303
    assert "No writer queue" in caplog.text


def test_scan_frees_the_write_lock_before_building_its_answer(
    app, client, make_campaign, stamp_path, monkeypatch
):
    """The stamp is committed before the redirect and the signed cookie are made: other
    writers do not wait for that work (nor for this worker being descheduled meanwhile)."""
    from rally.cards import cookie as cards

    _, checkpoints = make_campaign()
    queue = queue_of(app)
    held = []
    original = cards.remember_card_key

    def spy(response, key):
        held.append(queue.holder is not None)
        return original(response, key)

    monkeypatch.setattr(cards, "remember_card_key", spy)
    assert client.get(stamp_path(checkpoints[0])).status_code == 303
    assert held == [False]
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM stamp")) == 1
