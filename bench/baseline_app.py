"""The bare baseline for the scan benchmark: the least a scan link has to do.

``GET /s/<token>`` verifies the token's itsdangerous signature (same serializer and salt as
Rally), inserts one row, renders a cached template and answers 303 like Rally. The database
is the same kind with the same discipline as Rally's (``rally/database.py``): on SQLite WAL,
``synchronous=NORMAL``, a busy timeout and ``BEGIN IMMEDIATE``; on PostgreSQL one
transaction per request. One plain DB-API connection per worker process (opened after the
fork), no ORM: this is the floor Rally is compared with.

Configured from the environment by ``bench/run.py``: ``BENCH_DATABASE_URL`` (a SQLAlchemy
style URL, ``sqlite:///path`` or ``postgresql+psycopg://...``) and ``BENCH_SECRET_KEY``.
"""

import os
import sqlite3
from datetime import UTC, datetime

from flask import Flask, abort, render_template
from itsdangerous import BadSignature, URLSafeSerializer

TOKEN_SALT = "rally.checkpoint.v1"  # rally.stamping.tokens.TOKEN_SALT
URL = os.environ["BENCH_DATABASE_URL"]

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["BENCH_SECRET_KEY"]
serializer = URLSafeSerializer(app.config["SECRET_KEY"], salt=TOKEN_SALT)
_connection = None


def connection():
    """This worker's connection, opened on first use (after gunicorn forks)."""
    global _connection
    if _connection is None:
        if URL.startswith("sqlite:///"):
            _connection = sqlite3.connect(URL[len("sqlite:///") :], isolation_level=None)
            for pragma in (
                "journal_mode=WAL",
                "synchronous=NORMAL",
                "foreign_keys=ON",
                "busy_timeout=10000",
            ):
                _connection.execute(f"PRAGMA {pragma}")
        else:
            import psycopg

            _connection = psycopg.connect(URL.replace("postgresql+psycopg://", "postgresql://"))
    return _connection


def insert_hit(checkpoint_id: int, key_version: int) -> None:
    conn = connection()
    now = datetime.now(UTC).replace(tzinfo=None)
    if isinstance(conn, sqlite3.Connection):
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "INSERT INTO bench_hit (checkpoint_id, key_version, created_at) VALUES (?, ?, ?)",
                (checkpoint_id, key_version, now.strftime("%Y-%m-%d %H:%M:%S.%f")),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    else:
        with conn.transaction():
            conn.execute(
                "INSERT INTO bench_hit (checkpoint_id, key_version, created_at)"
                " VALUES (%s, %s, %s)",
                (checkpoint_id, key_version, now),
            )


@app.get("/s/<token>")
def scan(token: str):
    try:
        data = serializer.loads(token)
    except BadSignature:
        abort(404)
    insert_hit(data[0], data[1])
    body = render_template("baseline.html", checkpoint_id=data[0])
    return body, 303, {"Location": f"/card/1?new={data[0]}"}


@app.get("/ping")
def ping():
    return "ok"
