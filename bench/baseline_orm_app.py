"""The same bare baseline as ``baseline_app.py``, written with Rally's own stack: Flask-
SQLAlchemy's session and an ORM model for the one row, and Rally's SQLite discipline taken
from ``rally/database.py`` itself (pragmas on connect, ``BEGIN IMMEDIATE`` for a view marked
``@writes``). Rally's scan compared with this one shows the cost of Rally's own logic; compared
with ``baseline_app.py``, the cost of the whole stack as well.

Configured from the environment by ``bench/run.py``: ``BENCH_DATABASE_URL``,
``BENCH_SECRET_KEY``.
"""

import os
from datetime import UTC, datetime

from flask import Flask, abort, render_template
from flask_sqlalchemy import SQLAlchemy
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Mapped, mapped_column

from rally import database

TOKEN_SALT = "rally.checkpoint.v1"  # rally.stamping.tokens.TOKEN_SALT

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["BENCH_SECRET_KEY"]
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BENCH_DATABASE_URL"]
db = SQLAlchemy(app)
database.init_app(app)
serializer = URLSafeSerializer(app.config["SECRET_KEY"], salt=TOKEN_SALT)


class Hit(db.Model):
    __tablename__ = "bench_hit"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int]
    key_version: Mapped[int]
    created_at: Mapped[datetime]


@app.get("/s/<token>")
@database.writes
def scan(token: str):
    try:
        data = serializer.loads(token)
    except BadSignature:
        abort(404)
    now = datetime.now(UTC).replace(tzinfo=None)
    db.session.add(Hit(checkpoint_id=data[0], key_version=data[1], created_at=now))
    db.session.commit()
    body = render_template("baseline.html", checkpoint_id=data[0])
    return body, 303, {"Location": f"/card/1?new={data[0]}"}


@app.get("/ping")
def ping():
    return "ok"
