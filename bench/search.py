"""Search over 100,000 circle posts (issue 19): ``python bench/search.py``.

Bulk-inserts posts in Japanese and English (sentences of the district's own material, as in
/work/shared/seeds, and neighbourhood chat) over six circles, in threads of a first post
and replies, a few of them hidden or deleted; then times the search page,
``GET /circles/search?q=...`` through Flask in-process (the whole request: the circles the
reader may read, the count, the page of 20 results with their excerpts), as an anonymous
reader, for a two-character Japanese word (公園: too short for a trigram, a scan), a common
English word and a rare word (through the trigram index). Median of ``--runs`` after a
warm-up, on SQLite (a file in a temporary folder) and on a throw-away PostgreSQL
(``scripts/test-postgres`` on ``RALLY_PG_PORT``, default 25440).

Each query's result count is checked against the count computed in Python from the
inserted texts (a fast page that finds nothing is no pass), and the plan of the search's
statement is printed (``EXPLAIN QUERY PLAN`` / ``EXPLAIN``).

Appends a section to bench/results.md (what is there is kept).
"""

import argparse
import datetime as dt
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

from run import code_version, machine, make_app, settle, start_postgres, stop_postgres  # noqa: E402

TARGET_MS = 100
POSTS = 100_000
THREAD_LENGTH = 5  # a first post and four replies
QUERIES = (
    ("公園", "two kanji (a scan: shorter than a trigram)"),
    ("shopping", "a common English word (trigram index)"),
    ("ほおずき市", "a rare word (trigram index)"),
    # Not asked for by the issue: the worst case, a short query with few matches.
    ("浅草", "a rare two-character word (a full scan, for information)"),
)
RARE_EVERY = 9_973  # about ten posts mention the rare word

JAPANESE = (
    "近所の公園で桜が咲き始めました。",
    "駅前の商店街で夏祭りの準備が始まっています。",
    "子どもと一緒に公園の砂場で遊びました。",
    "今週末のフリーマーケットに出店します。",
    "図書館の読み聞かせ会は毎週土曜日の午前です。",
    "三鷹の商店街スタンプラリー、あと二つで満了です！",
    "雨の日に子どもと行ける場所を教えてください。",
    "パン屋さんの新作、とても美味しかったです。",
    "地域の清掃活動に参加しました。公園がきれいになりました。",
    "保育園の送り迎えで使える駐輪場はありますか？",
    "防災訓練のお知らせ：来月第一日曜日、小学校の校庭で。",
    "八百屋さんで旬の野菜を買いました。",
    "お散歩コースにおすすめの緑道があります。",
    "町内会の回覧板、今週は私の番です。",
    "新しくできたカフェ、Wi-Fi もあって便利です。",
)
CHAT = (
    "Does anyone know if the bakery is open on Mondays?",
    "The cherry blossoms along the river are lovely this week.",
    "Lost umbrella at the station, blue with white dots.",
    "Thanks for organising the clean-up, see you next month!",
    "Is there a quiet place to study near the library?",
)
NAMES = (
    "まちの情報",
    "子育てひろば",
    "三鷹まちづくり会議室",
    "商店街のお知らせ",
    "Town notes",
    "防災",
)


def sentences() -> list[str]:
    """English sentences of the seed material, and the chat above."""
    found = list(CHAT)
    seeds = Path("/work/shared/seeds")
    for path in sorted(seeds.glob("*.txt")) if seeds.is_dir() else ():
        for sentence in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8")):
            sentence = " ".join(sentence.split())
            if 30 <= len(sentence) <= 240 and "|" not in sentence:
                found.append(sentence)
    return found


def make_texts(count: int, seed: int = 19) -> list[str]:
    rng = random.Random(seed)
    english = sentences()
    texts = []
    for number in range(count):
        parts = []
        for _ in range(rng.randint(1, 3)):
            parts.append(rng.choice(JAPANESE) if rng.random() < 0.55 else rng.choice(english))
        if number % RARE_EVERY == 7:
            parts.append("浅草のほおずき市に行ってきました。")
        texts.append(" ".join(parts))
    return texts


def populate(app, texts: list[str]) -> dict:
    """Circles, readers' visibility and posts; returns what the Python check needs."""
    from sqlalchemy import insert

    from rally.circles.models import Circle, CircleKind, CircleStatus
    from rally.extensions import db
    from rally.threads.models import Post, PostState
    from rally.utils import utcnow

    kinds = [CircleKind.open] * 4 + [CircleKind.members_only, CircleKind.verified_only]
    with app.app_context():
        circles = []
        for name, kind in zip(NAMES, kinds, strict=True):
            circle = Circle(kind=kind, status=CircleStatus.active, name={"ja": name, "en": name})
            db.session.add(circle)
            circles.append(circle)
        db.session.commit()
        circle_ids = [circle.id for circle in circles]
        readable = {c.id for c in circles if c.kind is not CircleKind.members_only}
        rng = random.Random(7)
        start = utcnow() - dt.timedelta(days=365)
        rows, expected_rows = [], []
        thread_id = None
        for number, text in enumerate(texts, start=1):
            first = (number - 1) % THREAD_LENGTH == 0
            if first:
                circle_id = circle_ids[rng.randrange(len(circle_ids))]
            roll = rng.random()
            state = (
                PostState.hidden
                if roll < 0.01
                else PostState.deleted
                if roll < 0.02
                else PostState.held
                if roll < 0.025
                else PostState.visible
            )
            moment = start + dt.timedelta(seconds=number * 300)
            rows.append(
                {
                    "id": number,
                    "circle_id": circle_id,
                    "thread_id": None if first else thread_id,
                    "text": text,
                    "html": "",
                    "language": "ja",
                    "state": state.name,
                    "state_reason": "",
                    "photos_confirmed": False,
                    "created_at": moment,
                    "last_activity_at": moment,
                    "reply_count": 0,
                }
            )
            if first:
                thread_id, thread_visible = number, state is PostState.visible
            expected_rows.append(
                (text, circle_id in readable and state is PostState.visible and thread_visible)
            )
        began = time.perf_counter()
        for chunk in range(0, len(rows), 5_000):
            db.session.execute(insert(Post), rows[chunk : chunk + 5_000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('post', 'id'),"
                    " (SELECT max(id) FROM post))"
                )
        seconds = time.perf_counter() - began
        db.session.remove()
    return {"rows": expected_rows, "seconds": seconds}


def expected_count(rows, query: str) -> int:
    needle = query.casefold()
    return sum(1 for text, shown in rows if shown and needle in text.casefold())


def plan(app, query: str) -> str:
    from rally.circles.operations import Actor
    from rally.extensions import db
    from rally.search.operations import (
        RESULTS_MAX,
        matching_posts,
        query_forms,
        readable_circles,
    )

    with app.test_request_context("/"):
        forms = query_forms(query)
        statement = matching_posts(forms, list(readable_circles(Actor()))).limit(RESULTS_MAX + 1)
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
        with db.engine.connect() as connection:
            lines = connection.exec_driver_sql(prefix + str(compiled)).all()
        db.session.remove()
    return "\n".join(" | ".join(str(value) for value in line) for line in lines)


def measure(database: str, url: str, args, rows_out: list, details: list) -> None:
    from rally.search.operations import RESULTS_MAX

    app = make_app(url)
    with app.app_context():
        from seed import create_schema

        from rally.extensions import db

        create_schema()
        db.session.remove()
    texts = make_texts(args.posts)
    print(f"[search] {database}: inserting {args.posts:,} posts", flush=True)
    data = populate(app, texts)
    print(f"[search]   inserted in {data['seconds']:.1f} s", flush=True)
    settle(app)
    client = app.test_client()
    details.append(f"#### Plans on {database}\n")
    for query, about in QUERIES:
        page = f"/circles/search?q={query}"
        for _ in range(args.warmup):
            response = client.get(page, headers={"Accept-Language": "en"})
            assert response.status_code == 200, response.status_code
        times = []
        for _ in range(args.runs):
            began = time.perf_counter()
            response = client.get(page, headers={"Accept-Language": "en"})
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        body = response.get_data(as_text=True)
        more = re.search(r"More than ([\d,]+) posts found", body)
        shown = more or re.search(r"([\d,]+) posts? found", body)
        counted = int(shown[1].replace(",", "")) if shown else 0
        expected = expected_count(data["rows"], query)
        # Beyond RESULTS_MAX the page says "more than" and shows the newest RESULTS_MAX.
        right = (
            more is not None and counted == RESULTS_MAX
            if expected > RESULTS_MAX
            else more is None and counted == expected
        )
        said = f"more than {counted:,}" if more else f"{counted:,}"
        check = (
            f"{expected:,} match, page says {said}: right"
            if right
            else f"WRONG: page says {said}, {expected:,} match"
        )
        median = statistics.median(times)
        rows_out.append(
            (
                f"Search over {args.posts:,} posts, {about}: `{query}`",
                database,
                f"{median:.1f} ms (min {min(times):.1f}, max {max(times):.1f}, {len(times)} runs); "
                f"{check}",
                f"< {TARGET_MS} ms",
                "PASS" if median < TARGET_MS and right else "FAIL",
            )
        )
        print(f"[search]   {query}: {rows_out[-1][2]}", flush=True)
        details.append(f"`{query}`:\n\n```\n{plan(app, query)}\n```\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--posts", type=int, default=POSTS)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not append to results.md")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    about = machine()
    print(f"[search] {about}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="rally-bench-search."))
    rows, details = [], []
    for database in [name for name in args.databases.split(",") if name]:
        folder = None
        try:
            if database == "sqlite":
                url = f"sqlite:///{work / 'search.sqlite'}"
            elif database == "postgres":
                folder, url = start_postgres()
            else:
                sys.exit(f"unknown database {database!r}")
            measure(database, url, args, rows, details)
        finally:
            if folder:
                stop_postgres(folder)
    table = [
        "| measurement | database | result | target | verdict |",
        "| --- | --- | --- | --- | --- |",
        *(f"| {' | '.join(row)} |" for row in rows),
    ]
    print("\n" + "\n".join(table))
    if args.no_write:
        return
    command = "python bench/search.py" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    section = [
        "",
        f"## Search over circle posts ({started:%Y-%m-%d %H:%M} UTC)",
        "",
        f"- Machine: {about}",
        f"- Command: `{command}`",
        f"- Code: {code_version()}",
        "- In-process `GET /circles/search?q=...` as an anonymous reader (the whole request "
        f"through Flask), median of {args.runs} after {args.warmup} warm-up requests.",
        "",
        *table,
        "",
        *details,
    ]
    with (BENCH / "results.md").open("a", encoding="utf-8") as results:
        results.write("\n".join(section))
    print(f"\nAppended to bench/results.md; databases in {work}")


if __name__ == "__main__":
    main()
