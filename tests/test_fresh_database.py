"""Each test's PostgreSQL database is the one DROP SCHEMA and create_all make: emptied
tables when the schema is untouched, made again after any DDL (tests/conftest.py)."""

import pytest
from sqlalchemy import select

from rally.campaigns.models import ContentRevision
from rally.extensions import db
from rally.search.models import TRGM_INDEX
from tests.conftest import POSTGRES_URL, SCHEMA_FINGERPRINT

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="SQLite copies a schema file")

DDL = [
    "CREATE TABLE extra (id int)",
    "CREATE TABLE alembic_version (version_num varchar(32))",
    "ALTER TABLE post ALTER COLUMN text DROP NOT NULL",
    "ALTER TABLE content_revision ALTER COLUMN value SET DEFAULT 5",
    "ALTER TABLE post DROP CONSTRAINT pk_post CASCADE",
    f"DROP INDEX {TRGM_INDEX}",
    "CREATE INDEX ix_extra ON post (id)",
    "CREATE FUNCTION extra() RETURNS int AS 'SELECT 1' LANGUAGE sql",
]


def fingerprint() -> str:
    with db.engine.connect() as connection:
        return connection.exec_driver_sql(SCHEMA_FINGERPRINT).scalar_one()


@pytest.mark.parametrize("ddl", DDL)
def test_any_ddl_makes_the_schema_again(app, fresh_postgres, ddl):
    with app.app_context():
        fresh = fresh_postgres.fingerprint
        assert fingerprint() == fresh
        with db.engine.begin() as connection:
            connection.exec_driver_sql(ddl)
        assert fingerprint() != fresh
        fresh_postgres.make()
        assert fingerprint() == fresh_postgres.fingerprint not in (fresh, None)
        with db.engine.connect() as connection:
            assert (
                connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_class WHERE relname IN ('extra', 'alembic_version')"
                ).scalar_one()
                == 0
            )


def test_emptied_tables_are_as_create_all_leaves_them(app, fresh_postgres, make_user):
    with app.app_context():
        fresh = fresh_postgres.fingerprint
        first = make_user()
        db.session.execute(db.update(ContentRevision).values(value=7))
        db.session.commit()
        fresh_postgres.make()
        assert fresh_postgres.fingerprint == fresh  # emptied, not made again
        assert db.session.execute(select(ContentRevision.id, ContentRevision.value)).all() == [
            (1, 0)
        ]
        db.session.remove()
        assert make_user().id == first.id  # sequences start again
