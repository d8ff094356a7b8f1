"""The search index over posts: FTS5 trigram on SQLite, pg_trgm on PostgreSQL (issue 19).

The same statements as rally/search/models.py (which db.create_all() runs after creating the
post table), written out so that this migration never changes; on SQLite the visible posts
already there are indexed too.

Revision ID: a4d2e8c61f93
Revises: a7d2e4c91b05
Create Date: 2026-12-06 06:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4d2e8c61f93'
down_revision = 'a7d2e4c91b05'
branch_labels = None
depends_on = None

STATEMENTS = {
    'sqlite': (
        "CREATE VIRTUAL TABLE IF NOT EXISTS post_fts USING fts5(text, content='post', content_rowid='id', tokenize='trigram')",
        "INSERT INTO post_fts (rowid, text) SELECT id, text FROM post WHERE state = 'visible'",
        "CREATE TRIGGER IF NOT EXISTS post_fts_insert AFTER INSERT ON post WHEN new.state = 'visible' BEGIN INSERT INTO post_fts (rowid, text) VALUES (new.id, new.text); END",
        "CREATE TRIGGER IF NOT EXISTS post_fts_update AFTER UPDATE OF text, state ON post BEGIN INSERT INTO post_fts (post_fts, rowid, text) SELECT 'delete', old.id, old.text WHERE old.state = 'visible'; INSERT INTO post_fts (rowid, text) SELECT new.id, new.text WHERE new.state = 'visible'; END",
        "CREATE TRIGGER IF NOT EXISTS post_fts_delete AFTER DELETE ON post WHEN old.state = 'visible' BEGIN INSERT INTO post_fts (post_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    ),
    'postgresql': (
        'CREATE EXTENSION IF NOT EXISTS pg_trgm',
        'CREATE INDEX IF NOT EXISTS ix_post_text_trgm ON post USING gin (text gin_trgm_ops)',
    ),
}
DROPS = {
    'sqlite': (
        'DROP TRIGGER IF EXISTS post_fts_insert',
        'DROP TRIGGER IF EXISTS post_fts_update',
        'DROP TRIGGER IF EXISTS post_fts_delete',
        'DROP TABLE IF EXISTS post_fts',
    ),
    'postgresql': (
        'DROP INDEX IF EXISTS ix_post_text_trgm',
    ),
}


def upgrade():
    for statement in STATEMENTS.get(op.get_bind().dialect.name, ()):
        op.execute(statement)


def downgrade():
    for statement in DROPS.get(op.get_bind().dialect.name, ()):
        op.execute(statement)
