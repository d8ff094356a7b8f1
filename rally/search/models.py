"""The full-text index over posts, one per database, kept by the database itself.

Japanese has no spaces between words, so the index is of character trigrams, not words:
any substring of three characters or more is found through it, ``公園で`` as well as
``Park``.

- SQLite: an FTS5 table with the ``trigram`` tokenizer (case-insensitive) holding the text
  of visible posts, as "external content" (the text is stored once, in ``post``); triggers
  on ``post`` add, replace and remove entries as posts are written, edited, hidden,
  restored and deleted, whoever writes them (an operation, a bulk ``UPDATE``, a
  migration).
- PostgreSQL: ``pg_trgm``'s GIN index on ``post.text``, which ``ILIKE '%...%'`` uses.

Neither is a mapped table: the statements below run after ``post`` is created, by
``db.create_all()`` (the tests), and in the migration that added them (a4d2e8c61f93, which
writes the same statements out). The objects are named in :data:`INDEX_OBJECTS` so that the
comparison of migrations with models leaves them out (``include_object``).
"""

from sqlalchemy import DDL, event

from rally.threads.models import Post

#: The SQLite FTS5 table (and its shadow tables) and the PostgreSQL index.
FTS_TABLE = "post_fts"
TRGM_INDEX = "ix_post_text_trgm"
INDEX_OBJECTS = frozenset(
    {FTS_TABLE, TRGM_INDEX}
    | {f"{FTS_TABLE}_{shadow}" for shadow in ("data", "idx", "docsize", "config", "content")}
)

# Only visible posts are indexed; the search still filters on the state (a post hidden
# between the index's answer and the row's read is not shown).
SQLITE_INDEX = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "text, content='post', content_rowid='id', tokenize='trigram')",
    f"INSERT INTO {FTS_TABLE} (rowid, text) SELECT id, text FROM post WHERE state = 'visible'",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON post "
    f"WHEN new.state = 'visible' BEGIN "
    f"INSERT INTO {FTS_TABLE} (rowid, text) VALUES (new.id, new.text); END",
    # One trigger for both halves of an update: SQLite does not promise an order between
    # two triggers on the same event.
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF text, state ON post "
    f"BEGIN "
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, text) "
    f"SELECT 'delete', old.id, old.text WHERE old.state = 'visible'; "
    f"INSERT INTO {FTS_TABLE} (rowid, text) "
    f"SELECT new.id, new.text WHERE new.state = 'visible'; END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON post "
    f"WHEN old.state = 'visible' BEGIN "
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); "
    f"END",
)
SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_update",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_INDEX = (
    # A trusted extension since PostgreSQL 13: the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON post USING gin (text gin_trgm_ops)",
)
POSTGRES_DROP = (f"DROP INDEX IF EXISTS {TRGM_INDEX}",)


def include_object(object_, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: the search index is made by DDL, not described by a model."""
    return name not in INDEX_OBJECTS


for _dialect, _creates, _drops in (
    ("sqlite", SQLITE_INDEX, SQLITE_DROP),
    ("postgresql", POSTGRES_INDEX, POSTGRES_DROP),
):
    for _statement in _creates:
        event.listen(Post.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
    for _statement in _drops:
        event.listen(Post.__table__, "before_drop", DDL(_statement).execute_if(dialect=_dialect))
