"""Announcements (issue 21): what sending one to every resident costs the job that fans it
out.

``python bench/announce_fanout.py`` makes, on SQLite (a file in a temporary folder),
``--residents`` residents (default 5,000; a tenth with one push device each, a tenth who
chose a digest), then times the job :func:`rally.announcements.sending.send_announcement`
for one announcement to everyone: the claim (scheduled to sent), the audience query, the
in-app rows inserted in bulk, each real-time recipient's e-mail written in their language
with its signed unsubscribe link and queued as a delivery (batched jobs of 50), one push
delivery per device, and the commit. Jobs go to a SQLite queue nobody runs: the sending
itself is measured by bench/push_send.py and the mail server's speed. Three rounds (a new
announcement each), the median shown, and the longest transaction the job held open (from
its first statement to its commit: on SQLite the write lock is held at most that long, and
the pages' writes and scans wait for it). Appends the table to ``bench/results.md``.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time

from run import BENCH, ROOT, code_version, machine

sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from sqlalchemy import event, func, insert, select

    from rally import create_app
    from rally.announcements import operations
    from rally.announcements.models import Audience, Frequency, NotificationChoice
    from rally.announcements.sending import send_announcement
    from rally.extensions import db
    from rally.jobs.models import Delivery
    from rally.notifications.models import Notification
    from rally.push.models import PushSubscription
    from rally.residents.models import Resident
    from rally.utils import utcnow
    from rally.visitors.models import Visitor

    timings, held, longest, written = [], [], [], []
    opened: dict = {}

    def began(connection):
        opened[id(connection)] = time.perf_counter()

    def ended(connection):
        started = opened.pop(id(connection), None)
        if started is not None:
            held.append(time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/announce.sqlite",
                "RALLY_BASE_URL": "http://127.0.0.1",
                "RALLY_JOBS_FILE": os.path.join(folder, "jobs.sqlite"),
                "RALLY_VAPID_KEY_FILE": os.path.join(folder, "vapid"),
            }
        )
        with app.app_context():
            db.create_all()
            now = utcnow()
            n = args.residents
            db.session.execute(
                insert(Visitor),
                [
                    {
                        "id": i + 1,
                        "email": f"r{i}@example.jp",
                        "password_hash": "x",
                        "locale": ("ja", "en", "zh_Hans", "ko")[i % 4],
                        "created_at": now,
                    }
                    for i in range(n)
                ],
            )
            db.session.execute(
                insert(Resident),
                [
                    {
                        "visitor_id": i + 1,
                        "display_name": f"r{i}",
                        "code_tries": 0,
                        "created_at": now,
                    }
                    for i in range(n)
                ],
            )
            db.session.execute(
                insert(PushSubscription),
                [
                    {
                        "visitor_id": i + 1,
                        "endpoint": f"https://push.example.com/{i}",
                        "p256dh": "B" * 87,
                        "auth": "A" * 22,
                        "user_agent": "Chrome · Android",
                        "created_at": now,
                        "failures": 0,
                    }
                    for i in range(0, n, 10)
                ],
            )
            db.session.execute(
                insert(NotificationChoice),
                [
                    {
                        "visitor_id": i + 1,
                        "circle_key": 0,
                        "frequency": Frequency.weekly,
                        "updated_at": now,
                    }
                    for i in range(5, n, 10)
                ],
            )
            db.session.commit()
            event.listen(db.engine, "begin", began)
            event.listen(db.engine, "commit", ended)
            event.listen(db.engine, "rollback", ended)
            for _ in range(args.rounds):
                data = operations.AnnouncementInput(
                    title={"ja": "歩行者天国の中止", "en": "No pedestrian street tomorrow"},
                    body={
                        "ja": "台風接近のため中止します。",
                        "en": "Cancelled: a typhoon is coming.",
                    },
                    audience=Audience.everyone,
                    publish_at=utcnow(),
                )
                announcement = operations.save(None, data, utcnow())
                db.session.commit()
                announcement_id = announcement.id
                db.session.remove()
                held.clear()
                started = time.perf_counter()
                reached = send_announcement.call_local(announcement_id)
                timings.append(time.perf_counter() - started)
                longest.append(max(held))
                assert reached == n, reached
            notes = db.session.scalar(select(func.count()).select_from(Notification))
            deliveries = db.session.execute(
                select(Delivery.channel, func.count()).group_by(Delivery.channel)
            ).all()
            written = (notes, dict(deliveries))
            db.session.remove()
            db.engine.dispose()
    median = statistics.median(timings)
    notes, deliveries = written
    lock = statistics.median(longest)
    table = "\n".join(
        [
            "| one announcement to everyone (SQLite) | median s | per resident ms "
            "| longest transaction s |",
            "| --- | --- | --- | --- |",
            f"| send_announcement job: claim, {n:,} in-app rows, "
            f"{deliveries.get('mail', 0) // args.rounds:,} mails queued, "
            f"{deliveries.get('push', 0) // args.rounds:,} push deliveries, commit "
            f"| {median:.2f} | {median * 1000 / n:.2f} | {lock:.2f} |",
        ]
    )
    summary = f"Rounds: {', '.join(f'{t:.2f} s' for t in timings)}; rows: {notes:,} notifications."
    print(table)
    print(summary)
    with open(BENCH / "results.md", "a", encoding="utf-8") as handle:
        handle.write(
            f"\n## Announcements: fanning one out ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)"
            f"\n\nMachine: {machine()}. Command: `python bench/announce_fanout.py "
            f"--residents {args.residents} --rounds {args.rounds}`. "
            f"Commit: {code_version()}.\n\n{table}\n\n{summary}\n"
        )


if __name__ == "__main__":
    main()
