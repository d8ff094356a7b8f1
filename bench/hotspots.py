"""Where a scan or a card page spends its time, in-process: ``python bench/hotspots.py``.

Prints, for the scan link (a new visitor: new card, new stamp) and for the card page of a
campaign with 60 checkpoints and 30 stamps: the CPU time per request, the SQL statements one
request runs (in order, with the transactions), and the Rally functions by cumulative time
under cProfile (standard library, so nothing to install; profiled times are inflated by the
profiler, compare them with each other). On SQLite the statements are SQLite's own trace
(everything, including what the quick scan sends straight to the driver); on PostgreSQL
(``--database``) only what SQLAlchemy executes.
"""

import argparse
import cProfile
import io
import pstats
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import make_app  # noqa: E402
from seed import create_schema, make_campaign  # noqa: E402

from rally.extensions import db  # noqa: E402
from rally.stamping.tokens import checkpoint_token

_statements: list[str] | None = None


def _note(statement: str) -> None:
    if _statements is not None:
        _statements.append(" ".join(statement.split())[:110])


@event.listens_for(Engine, "connect")
def _trace_sqlite(dbapi_connection, connection_record):
    # SQLite tells every statement it runs, including those the quick scan sends straight
    # to the driver (rally.database.DriverSQL) and the driver's own COMMIT.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.set_trace_callback(_note)
        connection_record.info["traced"] = True


@event.listens_for(Engine, "before_cursor_execute")
def _record(conn, cursor, statement, parameters, context, executemany):
    if not conn.connection._connection_record.info.get("traced"):
        _note(statement)  # PostgreSQL: only what SQLAlchemy executes (not the quick scan's)


@event.listens_for(Engine, "commit")
def _commit(conn):
    if not conn.connection._connection_record.info.get("traced"):
        _note("COMMIT")


@event.listens_for(Engine, "rollback")
def _rollback(conn):
    if not conn.connection._connection_record.info.get("traced"):
        _note("ROLLBACK")


def statements_of(request) -> list[str]:
    global _statements
    _statements = []
    try:
        request()
    finally:
        recorded, _statements = _statements, None
    return recorded


def report(name: str, request, count: int, top: int) -> None:
    for _ in range(30):
        request()
    began = time.process_time()
    for _ in range(count):
        request()
    cpu = (time.process_time() - began) / count * 1000
    statements = statements_of(request)
    print(f"\n=== {name}: {cpu:.2f} ms CPU per request, {len(statements)} statements ===")
    for statement in statements:
        print("   ", statement)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(count):
        request()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(r"/rally/", top)
    print("--- Rally functions, cumulative ms per request (profiled) ---")
    for line in out.getvalue().splitlines():
        parts = line.split()
        if len(parts) == 6 and parts[0][0].isdigit() and parts[3].replace(".", "").isdigit():
            where = parts[-1].split("/rally/", 1)[-1]
            print(f"  {float(parts[3]) / count * 1000:7.2f} ms  {parts[0]:>6} calls  {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp(prefix='rally-profile.')}/p.sqlite"
    app = make_app(url)
    with app.app_context():
        create_schema()
        campaign = make_campaign(60)
        campaign_id = campaign.id
        paths = ["/s/" + checkpoint_token(cp) for cp in campaign.checkpoints]
        db.session.remove()

    client = app.test_client()
    turn = iter(range(10**9))

    def scan():
        client._cookies.clear()  # a new visitor each time: new card, new stamp
        response = client.get(paths[next(turn) % len(paths)])
        assert response.status_code == 303, response.status_code

    report("scan GET /s/<token>, new visitor", scan, args.requests, args.top)

    reader = app.test_client()
    for path in paths[::2]:
        assert reader.get(path).status_code == 303

    def card():
        assert reader.get(f"/card/{campaign_id}").status_code == 200

    report("card page, 60 checkpoints, 30 stamps", card, args.requests, args.top)


if __name__ == "__main__":
    main()
