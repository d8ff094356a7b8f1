"""A thread page with 200 replies and 1,000 reactions (issue 19): server time per request.

``python bench/thread_page.py`` builds, on SQLite (a file in a temporary folder) and on a
throw-away PostgreSQL (``scripts/test-postgres`` on ``RALLY_PG_PORT``, default 25440), an
open circle with 50 member residents and a thread of 200 replies by them carrying 1,000
reactions (5 per post, every one of the six emoji in use), then times
``GET /circles/<id>/threads/<id>`` in-process (``app.test_client()``: the whole request
through Flask, as the card page row of ``bench/run.py``) for a member who may react (the
page's reaction forms and her read mark), after warm-up requests: median, mean and p99.
The page's reactions (``reaction_summaries``: one query) and the circle's unread counts
(``unread_in_threads``) are timed alone beside it, for information.

Prints a table and appends it, with the date, machine, command and commit, to
``bench/results.md`` (what is there is kept). ``--databases sqlite`` runs one database;
``--renders`` sets the timed requests (300); ``--database-url URL`` measures on that
database instead (emptied first; e.g. a server from ``scripts/test-postgres``).
"""

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from run import (
    BENCH,
    ROOT,
    _schema,
    code_version,
    log,
    machine,
    make_app,
    settle,
    start_postgres,
    stop_postgres,
)

TARGET_MS = 20
REPLIES = 200
REACTIONS_WANTED = 1_000
RESIDENTS = 50
TEXT = (
    "**商店街の夏祭り**のお知らせです。\n\n- 日時: 8月3日 17時から\n- 場所: 中央通り\n\n"
    "詳しくは [まちの情報](https://example.jp/news) をご覧ください。"
)


def build_thread(app) -> tuple[str, int, int]:
    """The circle, its residents, the thread, its replies and reactions; returns the page's
    path, the thread's id and the viewer's id."""
    from rally.circles.models import Circle, CircleKind, CircleMember, CircleStatus, MemberState
    from rally.extensions import db
    from rally.residents.models import Resident
    from rally.threads.models import REACTIONS, Post, Reaction
    from rally.ugc.text import render_post
    from rally.utils import utcnow
    from rally.visitors.models import Visitor

    with app.app_context():
        now = utcnow()
        started = now - dt.timedelta(days=2)
        circle = Circle(
            kind=CircleKind.open,
            status=CircleStatus.active,
            name={"ja": "まちの情報", "en": "Town notes"},
            description={"ja": "商店街のお知らせ", "en": "News of the shopping street"},
            icon="📣",
        )
        db.session.add(circle)
        visitors = [
            Visitor(email=f"bench-resident{n}@example.jp", locale="ja", verified_at=started)
            for n in range(RESIDENTS)
        ]
        for visitor in visitors:
            visitor.set_password("bench password")
        db.session.add_all(visitors)
        db.session.flush()
        db.session.add_all(
            Resident(visitor_id=v.id, display_name=f"住民{n}", handle=f"bench{n}", code_tries=0)
            for n, v in enumerate(visitors)
        )
        db.session.add_all(
            CircleMember(
                circle_id=circle.id,
                visitor_id=v.id,
                state=MemberState.member,
                joined_at=started,
            )
            for v in visitors
        )
        html = render_post(TEXT)
        thread = Post(
            circle_id=circle.id,
            author_id=visitors[0].id,
            text=TEXT,
            html=html,
            created_at=started,
            reply_count=REPLIES,
            last_activity_at=now,
        )
        db.session.add(thread)
        db.session.flush()
        replies = [
            Post(
                circle_id=circle.id,
                thread_id=thread.id,
                author_id=visitors[(n + 1) % RESIDENTS].id,
                text=TEXT,
                html=html,
                created_at=started + dt.timedelta(minutes=n + 1),
            )
            for n in range(REPLIES)
        ]
        db.session.add_all(replies)
        db.session.flush()
        posts = [thread, *replies]
        reactions = []
        for index in range(REACTIONS_WANTED):
            post = posts[index % len(posts)]
            round_ = index // len(posts)  # 0..4: five residents per post
            reactions.append(
                Reaction(
                    post_id=post.id,
                    visitor_id=visitors[(index + 7 * round_) % RESIDENTS].id,
                    emoji=REACTIONS[(index + round_) % len(REACTIONS)],
                    created_at=started + dt.timedelta(seconds=index),
                )
            )
        db.session.add_all(reactions)
        db.session.commit()
        path = f"/circles/{circle.id}/threads/{thread.id}"
        result = path, thread.id, visitors[1].id
        db.session.remove()
    return result


def timed(action, count: int) -> list[tuple[float, float]]:
    """``(wall ms, CPU ms of this thread)`` of each call, sorted by wall time. On a shared
    machine the CPU time is the steadier figure: it leaves out the time spent waiting for a
    core (on PostgreSQL it leaves out the server's work too)."""
    times = []
    for _ in range(count):
        began, cpu = time.perf_counter(), time.thread_time()
        action()
        times.append(((time.perf_counter() - began) * 1000, (time.thread_time() - cpu) * 1000))
    times.sort()
    return times


def p99(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def summary(times: list[tuple[float, float]]) -> str:
    wall = [w for w, _c in times]
    cpu = [c for _w, c in times]
    return (
        f"median {statistics.median(wall):.2f} / mean {statistics.fmean(wall):.2f} / "
        f"p99 {p99(wall):.2f} ms (CPU of the request: median {statistics.median(cpu):.2f} ms)"
    )


def measure_thread(database: str, url: str, renders: int) -> list[tuple[str, ...]]:
    from rally.extensions import db
    from rally.passwords import password_stamp
    from rally.threads.engagement import reaction_summaries, unread_in_threads
    from rally.threads.engagement_views import reactions_context
    from rally.threads.models import Post, Reaction
    from rally.visitors.models import Visitor

    _schema(url)
    app = make_app(url)
    log(f"{database}: building a thread of {REPLIES} replies and {REACTIONS_WANTED} reactions")
    path, thread_id, viewer_id = build_thread(app)
    client = app.test_client()
    with app.app_context():
        stamp = password_stamp(db.session.get(Visitor, viewer_id).password_hash)
        assert db.session.query(Reaction).count() == REACTIONS_WANTED
        assert db.session.query(Post).filter(Post.thread_id == thread_id).count() == REPLIES
        db.session.remove()
    with client.session_transaction() as session:
        session["visitor_id"] = viewer_id
        session["visitor_stamp"] = stamp
    settle(app)

    def page():
        response = client.get(path)
        assert response.status_code == 200, response.status_code

    page()  # the first view writes her read mark; the timed ones only read
    # The page shows the first post and the latest RALLY_THREAD_REPLIES_SHOWN replies (50),
    # earlier ones a link away: that page is the row. For information, the same thread with
    # every reply on one page (the setting raised to the thread's length).
    shown = app.config["RALLY_THREAD_REPLIES_SHOWN"]
    rows = []
    for label, replies_shown, target in (
        (f"the first post and the latest {shown} replies", shown, True),
        (f"all {REPLIES} replies on one page, for information", REPLIES, False),
    ):
        app.config["RALLY_THREAD_REPLIES_SHOWN"] = replies_shown
        html = client.get(path).get_data(as_text=True)
        assert html.count("data-reaction-form") == replies_shown + 1, "reaction forms missing"
        assert html.count('data-testid="post"') == replies_shown + 1
        timed(page, 30)  # warm-up
        times = timed(page, renders)
        median = statistics.median([w for w, _c in times])
        rows.append(
            (
                f"Thread page, {REPLIES} replies, {REACTIONS_WANTED:,} reactions, a member's "
                f"view ({label}): server time",
                database,
                f"{summary(times)} ({renders} requests)",
                f"< {TARGET_MS} ms" if target else "",
                ("PASS" if median < TARGET_MS else "FAIL") if target else "n/a",
            )
        )
    app.config["RALLY_THREAD_REPLIES_SHOWN"] = shown
    with app.test_request_context(path):
        posts = [
            db.session.get(Post, thread_id),
            *db.session.scalars(db.select(Post).where(Post.thread_id == thread_id)),
        ]
        ids = [post.id for post in posts]
        viewer = db.session.get(Visitor, viewer_id)
        times = timed(lambda: reaction_summaries(ids, viewer_id), renders)
        rows.append(
            (
                f"… of which the reactions' query (`reaction_summaries`, {len(ids)} posts)",
                database,
                summary(times),
                "",
                "n/a",
            )
        )
        times = timed(lambda: reactions_context(posts, viewer), renders)
        rows.append(("… the reactions ready to print (`reactions_context`: the query, names "
                     "listed, may react)", database, summary(times), "", "n/a"))  # fmt: skip
        times = timed(lambda: unread_in_threads(viewer, [thread_id]), renders)
        rows.append(("… the thread's unread count (`unread_in_threads`)", database,
                     summary(times), "", "n/a"))  # fmt: skip
        db.session.remove()
    with app.app_context():
        db.engine.dispose()
    return rows


def empty(url: str) -> None:
    """Drop whatever the given database holds: the measurement builds its own data."""
    from rally.extensions import db

    app = make_app(url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        else:
            db.drop_all()
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--renders", type=int, default=300)
    parser.add_argument("--database-url", help="measure on this database (emptied first)")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    about = machine()
    log(about)
    work = Path(tempfile.mkdtemp(prefix="rally-bench-thread."))
    rows: list[tuple[str, ...]] = []
    databases = [name for name in args.databases.split(",") if name]
    if args.database_url:
        databases = ["given"]
    for database in databases:
        folder = None
        try:
            if database == "given":
                url = args.database_url
                database = "postgres" if url.startswith("postgresql") else "sqlite"
                empty(url)
            elif database == "sqlite":
                url = f"sqlite:///{work / 'rally.sqlite'}"
            elif database == "postgres":
                folder, url = start_postgres()
            else:
                sys.exit(f"unknown database {database!r}")
            rows.extend(measure_thread(database, url, args.renders))
        finally:
            if folder:
                stop_postgres(folder)
    lines = [
        "| measurement | database | result | target | verdict |",
        "| --- | --- | --- | --- | --- |",
        *(f"| {' | '.join(row)} |" for row in rows),
    ]
    print("\n".join(lines))
    command = "python bench/thread_page.py" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    section = [
        "",
        f"## Thread page (issue 19), {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Machine: {about}",
        f"- Command: `{command}`",
        f"- Code: {code_version()}",
        "- In-process (`app.test_client()`), after 30 warm-up requests; the viewer is a "
        "member who may react (every post carries its reaction form).",
        "",
        *lines,
        "",
    ]
    with (BENCH / "results.md").open("a") as results:
        results.write("\n".join(section))
    print(f"\nAppended to {(BENCH / 'results.md').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
