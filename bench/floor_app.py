"""The floor of Rally's scan: the least any version of it could do, for ``bench/ab.py``.

Rally's app as gunicorn serves it (``rally_wsgi``: every extension, hook and the same
database), with the scan view replaced by what a new visitor's scan cannot do without:
the scan's two rate limits (per address, per card: the real view's decorators; any scan
Rally could ship has them, and the benchmark turns limiting off for both apps alike),
verify the token, make a card key and its signed cookie, ``INSERT`` the card and the stamp
in one transaction (``BEGIN IMMEDIATE`` on SQLite) through the plain DB-API connection,
answer 303. No check of the checkpoint or the campaign, no dashboard tallies, no visitor's
language, no ORM, no SQLAlchemy execution: not a scan Rally could ship, a bound on what
rewriting the real one could gain.

``python bench/ab.py baseline_app floor_app --rounds 3`` (add ``--database-url`` for
PostgreSQL). bench/README.md reports what it gave.
"""

import secrets
from datetime import UTC, datetime

from flask import redirect
from itsdangerous import URLSafeSerializer
from rally_wsgi import app

from rally.cards.cookie import COOKIE_SALT, card_limit_key
from rally.extensions import db, limiter
from rally.stamping.tokens import TOKEN_SALT

tokens = URLSafeSerializer(app.secret_key, salt=TOKEN_SALT)
cookies = URLSafeSerializer(app.secret_key, salt=COOKIE_SALT)

with app.app_context():
    SQLITE = db.engine.dialect.name == "sqlite"
MARK = "?" if SQLITE else "%s"
CARD = f"INSERT INTO card (key, locale, paper, created_at) VALUES ({MARK}, 'ja', false, {MARK})"
STAMP = (
    "INSERT INTO stamp (card_id, checkpoint_id, campaign_id, created_at, locale, slot, count,"
    f" points) SELECT {MARK}, id, campaign_id, {MARK}, 'ja', 0, 1, points FROM checkpoint"
    f" WHERE id = {MARK}"
)


@limiter.limit(lambda: app.config["RALLY_SCAN_LIMIT_PER_ADDRESS"])
@limiter.limit(lambda: app.config["RALLY_SCAN_LIMIT_PER_CARD"], key_func=card_limit_key)
def floor_scan(token: str):
    checkpoint_id = tokens.loads(token)[0]
    now = datetime.now(UTC).replace(tzinfo=None)
    at = now.strftime("%Y-%m-%d %H:%M:%S.%f") if SQLITE else now
    key = secrets.token_urlsafe(24)
    connection = db.engine.raw_connection()  # from the pool, back to it at close()
    try:
        cursor = connection.cursor()
        if SQLITE:
            cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(CARD + " RETURNING id", (key, at))
        card_id = cursor.fetchone()[0]
        cursor.execute(STAMP, (card_id, at, checkpoint_id))
        connection.commit()
    finally:
        connection.close()
    response = redirect(f"/card/1?new={checkpoint_id}", 303)
    response.set_cookie("rally_card", cookies.dumps(key), httponly=True, samesite="Lax")
    return response


app.view_functions["stamping.scan"] = floor_scan
