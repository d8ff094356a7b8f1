"""Translatable texts in one JSON column each: ``name = {"ja": ..., "en": ...}`` replaces the
``name_ja`` / ``name_en`` pairs, so a text may be written in any of the site's languages
(RALLY_LANGUAGES) and a new language needs no migration.

Every pair is copied into its new column, blank texts left out (a text in no language is
``{}``); the downgrade writes the Japanese and English texts back (texts in other languages
have no column to go back to). JSONB on PostgreSQL, JSON (text) on SQLite; SQLite drops the
old columns in batch mode, keeping AUTOINCREMENT on the tables that have it.

Revision ID: c7e2a91d4b10
Revises: e5b19a7c2d41
Create Date: 2026-12-06 03:20:00.000000

"""
import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'c7e2a91d4b10'
down_revision = 'e5b19a7c2d41'
branch_labels = None
depends_on = None

# table -> [(field, the old pair's type, the old pair's server default)]
FIELDS = {
    'store': [
        ('name', sa.String(120), None),
        ('description', sa.Text(), None),
        ('address', sa.String(255), None),
        ('hours', sa.String(255), None),
    ],
    'area': [('name', sa.String(120), None)],
    'spot': [
        ('name', sa.String(120), None),
        ('description', sa.Text(), None),
        ('address', sa.String(255), None),
        ('hours', sa.String(255), None),
    ],
    'news_post': [('title', sa.String(200), None), ('body', sa.Text(), None)],
    'event': [
        ('title', sa.String(200), None),
        ('body', sa.Text(), None),
        ('place', sa.String(255), None),
    ],
    'coupon': [('title', sa.String(200), None), ('terms', sa.Text(), None)],
    'campaign': [('title', sa.String(200), None), ('rules', sa.Text(), None)],
    'checkpoint': [('quiz_question', sa.Text(), ''), ('quiz_choices', sa.Text(), '')],
    'checkpoint_code': [('label', sa.String(120), None)],
    'reward_tier': [('name', sa.String(200), None)],
    'claim': [('reward', sa.String(200), '')],
    'question': [('text', sa.Text(), None), ('choices', sa.Text(), None)],
}
# Tables whose ids SQLite must never hand out twice (revision 5f0c2a9d7e31).
AUTOINCREMENT = {'checkpoint', 'checkpoint_code'}
PAIR = ('ja', 'en')
BATCH = 500


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def _batch(table):
    kwargs = {'sqlite_autoincrement': True} if table in AUTOINCREMENT else {}
    return op.batch_alter_table(table, table_kwargs=kwargs)


def _texts(values):
    """``{code: text}`` without blank texts."""
    return {code: text.strip() for code, text in values if text and text.strip()}


def _rows(connection, table, columns):
    return connection.execute(
        sa.select(*(sa.column(name) for name in ['id', *columns])).select_from(sa.table(table))
    ).all()


def upgrade():
    connection = op.get_bind()
    for table, fields in FIELDS.items():
        for field, _old_type, _default in fields:
            op.add_column(
                table,
                sa.Column(field, _json(), nullable=False, server_default=sa.text("'{}'")),
            )
        old = [f'{field}_{lang}' for field, _t, _d in fields for lang in PAIR]
        target = sa.table(table, sa.column('id'), *(sa.column(f, _json()) for f, _t, _d in fields))
        update = (
            target.update()
            .where(target.c.id == sa.bindparam('row_id'))
            .values({f: sa.bindparam(f'new_{f}') for f, _t, _d in fields})
        )
        rows = []
        for row in _rows(connection, table, old):
            values = {'row_id': row.id}
            for field, _t, _d in fields:
                values[f'new_{field}'] = _texts(
                    (lang, getattr(row, f'{field}_{lang}')) for lang in PAIR
                )
            rows.append(values)
        for start in range(0, len(rows), BATCH):
            connection.execute(update, rows[start : start + BATCH])
        with _batch(table) as batch:
            for column in old:
                batch.drop_column(column)


def downgrade():
    connection = op.get_bind()
    for table, fields in FIELDS.items():
        for field, old_type, default in fields:
            for lang in PAIR:
                op.add_column(
                    table,
                    sa.Column(
                        f'{field}_{lang}',
                        old_type,
                        nullable=True,
                        server_default=None if default is None else sa.text("''"),
                    ),
                )
        new = [field for field, _t, _d in fields]
        target = sa.table(
            table,
            sa.column('id'),
            *(sa.column(f'{f}_{lang}') for f, _t, _d in fields for lang in PAIR),
        )
        update = (
            target.update()
            .where(target.c.id == sa.bindparam('row_id'))
            .values(
                {
                    f'{f}_{lang}': sa.bindparam(f'old_{f}_{lang}')
                    for f, _t, _d in fields
                    for lang in PAIR
                }
            )
        )
        rows = []
        for row in _rows(connection, table, new):
            values = {'row_id': row.id}
            for field in new:
                texts = getattr(row, field) or {}
                if isinstance(texts, str):  # SQLite hands JSON back as text here
                    texts = json.loads(texts)
                for lang in PAIR:
                    values[f'old_{field}_{lang}'] = texts.get(lang, '')
            rows.append(values)
        for start in range(0, len(rows), BATCH):
            connection.execute(update, rows[start : start + BATCH])
        with _batch(table) as batch:
            for field, old_type, _default in fields:
                for lang in PAIR:
                    batch.alter_column(
                        f'{field}_{lang}', existing_type=old_type, nullable=False
                    )
            for field in new:
                batch.drop_column(field)
