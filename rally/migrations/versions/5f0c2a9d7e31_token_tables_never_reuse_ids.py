"""checkpoint, checkpoint_code: ids are never reused (AUTOINCREMENT on SQLite).

A printed poster's signed token names the checkpoint's or the further code's id and its key
version. Without AUTOINCREMENT, SQLite gives a new row the highest deleted id again, with key
version 1: the deleted code's poster stamped again. SQLite cannot add AUTOINCREMENT to a
table, so both tables are rebuilt (batch mode copies every row, ids included; env.py turns
foreign keys off around SQLite migrations so the rebuild neither fails nor cascades).
PostgreSQL's sequences never hand out an id twice: nothing to do there.

Revision ID: 5f0c2a9d7e31
Revises: b2f54410313b
Create Date: 2026-12-06 00:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5f0c2a9d7e31'
down_revision = 'b2f54410313b'
branch_labels = None
depends_on = None

TABLES = ('checkpoint', 'checkpoint_code')


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for table in TABLES:
        # Reflection brings the columns, constraints (CHECK included) and indexes along.
        with op.batch_alter_table(
            table, recreate='always', table_kwargs={'sqlite_autoincrement': autoincrement}
        ):
            pass


def upgrade():
    _rebuild(True)


def downgrade():
    _rebuild(False)
