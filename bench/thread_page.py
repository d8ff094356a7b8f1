"""Server time of a thread page: ``python bench/thread_page.py [--database-url URL]``.

A thread of an open circle with 200 replies by 20 residents and 1,000 reactions, read by a
member through ``app.test_client()`` (the whole request through Flask): 30 warm-up renders,
then 300 timed; prints the mean and the p99 in milliseconds (target: under 20 ms), and the
process's CPU time per request (what a busy shared machine disturbs least). Without
``--database-url`` it runs on a SQLite file in a temporary folder; with a PostgreSQL URL
(e.g. from ``scripts/test-postgres``) it uses that database, emptied first.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # measure this checkout's rally, not the venv's

REPLIES = 200
RESIDENTS = 20
REACTIONS = 1000


def build(app):
    from rally.circles.models import Circle, CircleKind, CircleMember, CircleStatus, MemberState
    from rally.extensions import db
    from rally.residents.models import Resident
    from rally.threads.models import REACTIONS as EMOJI
    from rally.threads.models import Post, Reaction
    from rally.ugc.text import render_post
    from rally.utils import utcnow
    from rally.visitors.models import Visitor

    now = utcnow() - timedelta(days=1)
    circle = Circle(kind=CircleKind.open, status=CircleStatus.active, name={"ja": "まち"})
    db.session.add(circle)
    db.session.flush()
    people = []
    for n in range(RESIDENTS):
        visitor = Visitor(email=f"bench{n}@example.jp", locale="ja", verified_at=now)
        visitor.password_hash = "x"
        db.session.add(visitor)
        db.session.flush()
        db.session.add(Resident(visitor_id=visitor.id, display_name=f"住民{n}", handle=f"r{n:03d}"))
        db.session.add(
            CircleMember(
                circle_id=circle.id, visitor_id=visitor.id, state=MemberState.member, joined_at=now
            )
        )
        people.append(visitor.id)
    text = "公園の**花**が咲きました。 https://example.jp/park も見てください @r001"
    html = str(render_post(text))
    thread = Post(
        circle_id=circle.id,
        author_id=people[0],
        text=text,
        html=html,
        created_at=now,
        last_activity_at=now,
        reply_count=REPLIES,
    )
    db.session.add(thread)
    db.session.flush()
    posts = [thread]
    for n in range(REPLIES):
        reply = Post(
            circle_id=circle.id,
            thread_id=thread.id,
            author_id=people[n % RESIDENTS],
            text=text,
            html=html,
            created_at=now + timedelta(seconds=n),
        )
        db.session.add(reply)
        posts.append(reply)
    db.session.flush()
    made = 0
    for post in posts:
        for visitor_id in people:
            for emoji in EMOJI:
                if made < REACTIONS and (post.id + visitor_id + len(emoji)) % 7 == 0:
                    db.session.add(Reaction(post_id=post.id, visitor_id=visitor_id, emoji=emoji))
                    made += 1
    db.session.commit()
    return circle.id, thread.id, people[1], made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    from rally import create_app
    from rally.extensions import db
    from rally.passwords import password_stamp
    from rally.visitors.models import Visitor

    folder = tempfile.mkdtemp(prefix="rally-thread-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "RALLY_UPLOAD_FOLDER": folder,
        }
    )
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        db.create_all()
        circle_id, thread_id, reader, reactions = build(app)
        if url.startswith("postgresql"):
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE")
        stamp = password_stamp(db.session.get(Visitor, reader).password_hash)
    client = app.test_client()
    with client.session_transaction() as session:
        session["visitor_id"], session["visitor_stamp"] = reader, stamp
    path = f"/circles/{circle_id}/threads/{thread_id}"
    for _ in range(30):
        assert client.get(path).status_code == 200
    times = []
    cpu_start = time.process_time()
    for _ in range(args.count):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    cpu = (time.process_time() - cpu_start) * 1000 / args.count
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1]
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"thread page, {REPLIES} replies, {reactions} reactions, {database}: "
        f"mean {statistics.mean(times):.1f} ms, p99 {p99:.1f} ms, CPU {cpu:.1f} ms a request "
        f"({args.count} requests)"
    )


if __name__ == "__main__":
    main()
