"""``flask backup`` and ``flask restore``: a round trip gives back every row of every table
and every upload's bytes, on SQLite and on PostgreSQL; SQLite's copy is consistent while
the site writes; a database that holds data is not overwritten unless forced."""

import io
import itertools
import sqlite3
import tarfile
import threading

import pytest
from flask_migrate import stamp
from PIL import Image
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from rally import create_app
from rally.demo import seed_demo
from rally.extensions import db
from rally.ops.backup import read_manifest
from rally.ops.health import head_revisions
from rally.storage import save_upload, storage
from rally.ugc.photos import save_ugc_photo
from rally.utils import utcnow
from tests.conftest import POSTGRES_URL
from tests.ops.conftest import use_bucket

_targets = itertools.count(1)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (20, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def seed(app) -> None:
    """The demo district (stores' and spots' pictures, circles, posts...), a post photo, a
    stamp design and a resident's photo, at the newest migration."""
    with app.app_context():
        stamp()
        seed_demo(utcnow())
        db.session.commit()
        save_ugc_photo(jpeg())
        save_upload("stamps", b"\x89PNG design", ".png")
        save_upload("residents", jpeg(), ".jpg")


def tables(app) -> dict[str, list[tuple]]:
    """Every row of every table, all columns, in a stable order."""
    with app.app_context():
        names = sorted(inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            return {
                name: sorted(
                    (tuple(row) for row in connection.exec_driver_sql(f'SELECT * FROM "{name}"')),
                    key=repr,
                )
                for name in names
            }


def files(app) -> dict[str, bytes]:
    with app.app_context():
        uploads = storage()
        return {key: uploads.read(key) for key in uploads.keys()}


@pytest.fixture
def empty_app(app, tmp_path):
    """Another app on an empty database (a new file, or a new PostgreSQL database on the
    same server) and an empty uploads folder."""
    created = None
    if POSTGRES_URL:
        created = f"rally_restore_{next(_targets)}"
        admin = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {created}")
            connection.exec_driver_sql(f"CREATE DATABASE {created}")
        url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(database=created)
        url = url.render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    target = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "RALLY_BASE_URL": "http://rally.test",
            "RALLY_UPLOAD_FOLDER": str(tmp_path / "restored-uploads"),
        }
    )
    yield target
    with target.app_context():
        db.session.remove()
        db.engine.dispose()
    if created:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {created} WITH (FORCE)")
        admin.dispose()


def backup(app, path) -> str:
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def restore(app, path, *options):
    return app.test_cli_runner().invoke(args=["restore", str(path), *options])


def test_round_trip_gives_back_every_row_and_every_file(app, empty_app, tmp_path):
    seed(app)
    archive = tmp_path / "rally.tar.gz"
    output = backup(app, archive)
    assert "Backup written to" in output
    manifest = read_manifest(str(archive))
    assert manifest.alembic_revision in head_revisions()
    assert manifest.database == ("postgresql" if POSTGRES_URL else "sqlite")
    assert manifest.storage == "local" and manifest.created_at.endswith("+00:00")
    source_files = files(app)
    assert manifest.uploads == len(source_files)
    assert {key.split("/")[0] for key in source_files} >= {
        "stores",
        "spots",
        "ugc",
        "stamps",
        "residents",
    }

    result = restore(empty_app, archive, "--yes")
    assert result.exit_code == 0, result.output

    before, after = tables(app), tables(empty_app)
    assert before.keys() == after.keys()
    assert sum(map(len, before.values())) > 100 and before["store"]
    for name in before:
        assert after[name] == before[name], name
    assert files(empty_app) == source_files


def test_a_database_with_data_is_refused_unless_forced(app, empty_app, tmp_path):
    seed(app)
    archive = tmp_path / "rally.tar.gz"
    backup(app, archive)
    before = tables(app)
    refused = restore(app, archive, "--yes")
    assert refused.exit_code == 1
    assert "The database is not empty" in refused.output and "--force" in refused.output
    assert tables(app) == before

    assert restore(empty_app, archive, "--yes").exit_code == 0
    with empty_app.app_context():
        db.session.execute(db.text("DELETE FROM reaction"))
        db.session.commit()
    assert restore(empty_app, archive, "--yes").exit_code == 1
    forced = restore(empty_app, archive, "--yes", "--force")
    assert forced.exit_code == 0, forced.output
    assert tables(empty_app) == before  # the deleted rows are back


def test_restore_asks_before_it_writes(app, empty_app, tmp_path):
    seed(app)
    archive = tmp_path / "rally.tar.gz"
    backup(app, archive)
    declined = empty_app.test_cli_runner().invoke(args=["restore", str(archive)], input="n\n")
    assert declined.exit_code == 1 and "Aborted" in declined.output
    with empty_app.app_context():
        assert inspect(db.engine).get_table_names() == []


def test_what_is_not_a_backup_is_refused(empty_app, tmp_path):
    bogus = tmp_path / "photo.tar.gz"
    with tarfile.open(bogus, "w:gz") as archive:
        archive.add(__file__, arcname="manifest.py")
    result = restore(empty_app, bogus, "--yes")
    assert result.exit_code == 1 and "is not a Rally backup" in result.output


def test_a_backup_of_the_bucket_restores_into_another(app, empty_app, s3_server, tmp_path):
    use_bucket(app, s3_server)
    seed(app)
    archive = tmp_path / "rally.tar.gz"
    backup(app, archive)
    assert read_manifest(str(archive)).storage == "s3"
    source_files = files(app)
    assert len(source_files) > 30
    use_bucket(empty_app, s3_server)
    assert restore(empty_app, archive, "--yes").exit_code == 0
    assert files(empty_app) == source_files


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's online backup API")
def test_sqlite_backup_is_consistent_while_the_site_writes(app, tmp_path):
    path = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    setup = sqlite3.connect(path)
    setup.execute("CREATE TABLE scratch (n INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
    setup.executemany(
        "INSERT INTO scratch VALUES (?, ?)", ((n, "x" * 500) for n in range(1, 20001))
    )
    setup.commit()
    setup.close()
    started, stop, errors, written = threading.Event(), threading.Event(), [], []

    def writer():
        connection = sqlite3.connect(path, timeout=10)
        n = 20000
        try:
            while not stop.is_set():
                n += 1
                connection.execute("INSERT INTO scratch VALUES (?, ?)", (n, "y" * 500))
                connection.commit()
                written.append(n)
                started.set()
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    started.wait(10)
    during = len(written)
    try:
        backup(app, tmp_path / "rally.tar.gz")
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(written) > during  # the site kept writing while the copy was made
    with tarfile.open(tmp_path / "rally.tar.gz") as archive:
        copy_path = tmp_path / "copy.sqlite"
        copy_path.write_bytes(archive.extractfile("database.sqlite").read())
    copy = sqlite3.connect(copy_path)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    count, low, high = copy.execute("SELECT count(*), min(n), max(n) FROM scratch").fetchone()
    copy.close()
    assert (low, count) == (1, high)  # a snapshot: every row up to one moment, none missing
    assert 20000 <= high <= written[-1]
