"""Ids that signed tokens name are never handed out twice.

A printed checkpoint poster signs ``[checkpoint_id, key_version]``, a further code's
``[checkpoint_id, key_version, step, code_id]``, and a venue PIN is an HMAC of the
checkpoint's id and key version (rally/campaigns/qr.py, rally/pins/operations.py). A new row
with a deleted row's id starts again at key version 1: the deleted row's prints would work
again. SQLite reuses the highest deleted id of an ``INTEGER PRIMARY KEY`` unless the table
is ``AUTOINCREMENT``; PostgreSQL's sequences never go back.

Other signed things name no reusable id: paper cards and the card cookie carry the card's
random key, transfer and claim codes and invitations are random (stored hashed or unique),
register codes carry a random nonce, password-reset links and log-in sessions are bound to
the account's salted password hash.
"""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, func, select, text

from rally.campaigns.models import Campaign, Checkpoint, CheckpointCode
from rally.cards.models import Stamp
from rally.cards.reading import open_card
from rally.extensions import db
from rally.stamping.operations import grant_stamp
from rally.utils import utcnow

TOKEN_TABLES = ("checkpoint", "checkpoint_code")
BEFORE_AUTOINCREMENT = "b2f54410313b"
AUTOINCREMENT = "5f0c2a9d7e31"


def table_sql(table: str) -> str:
    return db.session.scalar(
        text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": table},
    )


def sqlite_only():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's sequences never reuse an id")


def test_token_tables_are_autoincrement_on_sqlite(ctx):
    sqlite_only()
    for table in TOKEN_TABLES:
        assert "AUTOINCREMENT" in table_sql(table), table


def newest_deleted_then_added(make):
    """Add a row, delete it (the newest), add another: both ids."""
    first = make()
    db.session.commit()
    first_id = first.id
    db.session.delete(first)
    db.session.commit()
    second = make()
    db.session.commit()
    return first_id, second.id


def test_a_new_code_never_takes_a_deleted_codes_id(ctx, make_campaign):
    _, checkpoints = make_campaign(stores=1)

    def make():
        code = CheckpointCode(checkpoint_id=checkpoints[0], label={"ja": "レジ", "en": "Register"})
        db.session.add(code)
        return code

    deleted, added = newest_deleted_then_added(make)
    assert added > deleted


def test_a_new_checkpoint_never_takes_a_deleted_checkpoints_id(ctx, make_campaign, make_store):
    campaign_id, _ = make_campaign(stores=1)
    stores = iter([make_store(), make_store()])

    def make():
        checkpoint = Checkpoint(campaign_id=campaign_id, store_id=next(stores))
        db.session.add(checkpoint)
        return checkpoint

    deleted, added = newest_deleted_then_added(make)
    assert added > deleted


def rows(table: str) -> list:
    return db.session.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()


def test_migration_keeps_the_rows_and_stops_id_reuse(app, make_campaign):
    # The rows are made with today's models, then the schema is taken back to before the
    # migration under test.
    with app.app_context():
        db.drop_all()
        upgrade()
    campaign_id, checkpoints = make_campaign()
    with app.app_context():
        for checkpoint_id in checkpoints:
            db.session.add(
                CheckpointCode(checkpoint_id=checkpoint_id, label={"ja": "レ", "en": "R"})
            )
        card = open_card(None)
        grant_stamp(card, db.session.get(Checkpoint, checkpoints[0]), utcnow())
        db.session.commit()
        downgrade(revision=BEFORE_AUTOINCREMENT)
        before = {table: rows(table) for table in (*TOKEN_TABLES, "stamp")}
        db.session.commit()  # no read left open across the rebuild

        upgrade(revision=AUTOINCREMENT)
        assert {table: rows(table) for table in before} == before
        db.session.commit()
        upgrade()
        if db.engine.dialect.name == "sqlite":
            for table in TOKEN_TABLES:
                assert "AUTOINCREMENT" in table_sql(table), table
            assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        newest = max(row.id for row in before["checkpoint_code"])
        db.session.execute(delete(CheckpointCode).where(CheckpointCode.id == newest))
        code = CheckpointCode(checkpoint_id=checkpoints[1], label={"ja": "新", "en": "New"})
        db.session.add(code)
        db.session.commit()
        assert code.id > newest
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 1
        assert db.session.get(Campaign, campaign_id).checkpoints[0].codes
        db.session.commit()

        downgrade(revision=BEFORE_AUTOINCREMENT)
        assert len(rows("checkpoint")) == len(before["checkpoint"])
        assert len(rows("checkpoint_code")) == len(before["checkpoint_code"])
        db.session.commit()
