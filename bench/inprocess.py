"""CPU per scan request in-process, with no HTTP server: ``python bench/inprocess.py``.

The WSGI apps of the scan benchmark are called directly, one request after the other, on one
SQLite file (every request a new visitor: a new row, and for Rally a new card and stamp):

- ``flask``: a bare Flask app whose view only answers 303 (Flask's own cost);
- ``baseline``: ``bench/baseline_app.py``, the bare baseline of ``bench/run.py``;
- ``rally-noop``: Rally's app with the scan view answering 303 (Rally's extensions and hooks);
- ``floor``: ``bench/floor_app.py``, the least any scan on Rally's app could do;
- ``rally``: the real scan.

Then the SQL alone, through the plain ``sqlite3`` driver: the baseline's one ``INSERT`` and
the real scan's statements (the checkpoint ``SELECT``, card, stamp, both tallies), each in a
``BEGIN IMMEDIATE`` transaction. Under gunicorn every request also pays the server's own
work (accept, parse, close); wrk's figures in ``bench/results.md`` include it.
"""

import argparse
import io
import os
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # measure this checkout's rally, not the venv's
VARIANTS = ("flask", "baseline", "rally-noop", "floor", "rally")


def environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT": "*/*",
        "HTTP_ACCEPT_LANGUAGE": "ja,en;q=0.8",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def cpu_per_request(app, paths: list[str], count: int) -> float:
    """Milliseconds of this process's CPU per request, after a warm-up."""
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def call(index):
        body = app(environ(paths[index % len(paths)]), start_response)
        for _ in body:
            pass
        getattr(body, "close", lambda: None)()

    for index in range(200):
        call(index)
    began = time.process_time()
    for index in range(count):
        call(index)
    spent = (time.process_time() - began) / count * 1000
    assert statuses[-1].startswith("303"), statuses[-1]
    return spent


def variant_app(name: str):
    sys.path.insert(0, str(HERE))
    if name == "flask":
        from flask import Flask, redirect

        bare = Flask("bare")
        bare.add_url_rule("/s/<token>", "scan", lambda token: redirect("/card/1?new=1", 303))
        return bare
    if name == "baseline":
        import baseline_app

        return baseline_app.app
    import rally_wsgi

    if name == "rally-noop":
        from flask import redirect

        rally_wsgi.app.view_functions["stamping.scan"] = lambda token: redirect("/", 303)
    elif name == "floor":
        import floor_app  # noqa: F401 (replaces the scan view)
    return rally_wsgi.app


def raw_sql(path: str, checkpoints: list[tuple[int, int]], count: int) -> dict[str, float]:
    """CPU per transaction of the two apps' SQL through the plain driver (microseconds)."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        connection.execute(f"PRAGMA {pragma}")
    checkpoint_sql = (
        "SELECT checkpoint.id, checkpoint.campaign_id, checkpoint.key_version, checkpoint.points,"
        " checkpoint.quiz_answer, campaign.state, campaign.starts_at, campaign.ends_at,"
        " campaign.qr_mode, campaign.geofence_m, campaign.kind, store.status, store.latitude"
        " FROM checkpoint LEFT JOIN store ON store.id = checkpoint.store_id"
        " LEFT JOIN spot ON spot.id = checkpoint.spot_id"
        " JOIN campaign ON campaign.id = checkpoint.campaign_id WHERE checkpoint.id = ?"
    )

    def baseline(index):
        checkpoint_id, _ = checkpoints[index % len(checkpoints)]
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO bench_hit (checkpoint_id, key_version, created_at) VALUES (?, 1, ?)",
            (checkpoint_id, "2026-11-24 05:00:00.000000"),
        )
        connection.execute("COMMIT")

    def rally(index):
        checkpoint_id, campaign_id = checkpoints[index % len(checkpoints)]
        now = f"2026-11-24 05:00:00.{index % 1000000:06d}"
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(checkpoint_sql, (checkpoint_id,)).fetchone()
        card_id = connection.execute(
            "INSERT INTO card (key, locale, paper, created_at) VALUES (?, 'ja', 0, ?) RETURNING id",
            (secrets.token_urlsafe(24), now),
        ).fetchone()[0]
        connection.execute(
            "INSERT INTO stamp (card_id, checkpoint_id, campaign_id, created_at, locale, slot,"
            " count, points) VALUES (?, ?, ?, ?, 'ja', 0, 1, 1)"
            " ON CONFLICT (card_id, checkpoint_id, slot) DO NOTHING RETURNING id",
            (card_id, checkpoint_id, campaign_id, now),
        ).fetchone()
        connection.execute(
            "INSERT INTO stamp_tally (campaign_id, hour, checkpoint_id, stamps)"
            " VALUES (?, 493000, ?, 1) ON CONFLICT (campaign_id, hour, checkpoint_id)"
            " DO UPDATE SET stamps = stamp_tally.stamps + excluded.stamps",
            (campaign_id, checkpoint_id),
        )
        connection.execute(
            "INSERT INTO card_tally (campaign_id, card_id, stamps, english, first_at, last_at)"
            " VALUES (?, ?, 1, 0, ?, ?) ON CONFLICT (campaign_id, card_id)"
            " DO UPDATE SET stamps = card_tally.stamps + excluded.stamps",
            (campaign_id, card_id, now, now),
        )
        connection.execute("COMMIT")

    spent = {}
    for name, transaction in (("baseline", baseline), ("rally", rally)):
        for index in range(300):
            transaction(index)
        began = time.process_time()
        for index in range(count):
            transaction(index)
        spent[name] = (time.process_time() - began) / count * 1e6
    connection.close()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:  # a child: one app, its own process, the prepared database
        app = variant_app(args.variant)
        paths = os.environ["BENCH_PATHS"].split()
        print(f"{cpu_per_request(app, paths, args.requests):.3f}")
        return

    with tempfile.TemporaryDirectory(prefix="rally-inprocess.") as folder:
        measure(Path(folder) / "bench.sqlite", args.requests)


def measure(database: Path, requests: int) -> None:
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": f"sqlite:///{database}",
        "BENCH_SECRET_KEY": "inprocess-" + "k" * 32,
    }
    os.environ.update(env)
    sys.path.insert(0, str(HERE))
    import rally_wsgi
    from seed import create_schema, make_campaign

    from rally.extensions import db
    from rally.stamping.tokens import checkpoint_token

    with rally_wsgi.app.app_context():
        create_schema()
        campaign = make_campaign(60)
        paths = ["/s/" + checkpoint_token(cp) for cp in campaign.checkpoints]
        checkpoints = [(cp.id, campaign.id) for cp in campaign.checkpoints]
        db.engine.dispose()
    env["BENCH_PATHS"] = " ".join(paths)
    print(f"CPU per request, in-process, {requests} requests each (SQLite, {database})")
    for name in VARIANTS:
        result = subprocess.run(
            [sys.executable, __file__, "--variant", name, "--requests", str(requests)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"  {name:<11} {float(result.stdout.strip().splitlines()[-1]):6.2f} ms")
    spent = raw_sql(str(database), checkpoints, requests)
    print("SQL alone through sqlite3, CPU per transaction:")
    print(f"  baseline    {spent['baseline']:6.0f} us (one INSERT)")
    print(f"  rally       {spent['rally']:6.0f} us (checkpoint SELECT, card, stamp, two tallies)")


if __name__ == "__main__":
    main()
