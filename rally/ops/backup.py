"""Backup and restore: one ``.tar.gz`` holding the database, every upload and a manifest.

- ``manifest.json``: format, app version, Alembic revision, created_at (UTC), database kind,
  storage kind, the number of uploads;
- ``database.sqlite`` (SQLite, copied through SQLite's online backup API: a consistent
  snapshot while the site serves) or ``database.dump`` (PostgreSQL, ``pg_dump -Fc``);
- ``uploads/<folder>/<name>``: every upload of the storage (a local folder's files or a
  bucket's objects, rally/storage.py).

A restore goes into an empty database (no table) and writes the uploads back; a database
that holds tables is refused unless forced (then SQLite's file is replaced whole and
PostgreSQL's objects from the dump are dropped and made again).
"""

import glob
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from rally.errors import RallyError
from rally.extensions import db
from rally.storage import key_of, storage

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite"
POSTGRES_MEMBER = "database.dump"
UPLOADS = "uploads/"


class BackupError(RallyError):
    """A backup or restore refused (codes ``not_empty``, ``wrong_database``,
    ``not_a_backup``, ``pg_tool_missing``, ``pg_tool_failed``)."""


@dataclass(frozen=True)
class Manifest:
    format: int
    app_version: str
    alembic_revision: str | None
    created_at: str
    database: str
    storage: str
    uploads: int


def app_version() -> str:
    try:
        return metadata.version("rally")
    except metadata.PackageNotFoundError:  # run from a source tree
        return "unknown"


def _database_kind() -> str:
    return db.engine.dialect.name


def _alembic_revision() -> str | None:
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return None
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def pg_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: on PATH, else the newest of Debian's
    ``/usr/lib/postgresql/<version>/bin`` (as scripts/test-postgres finds the server)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    if not candidates:
        raise BackupError(
            f"{name} was not found (install Debian's postgresql-client).", code="pg_tool_missing"
        )
    return max(candidates, key=lambda path: _version_key(path.split("/")[-3]))


def _version_key(version: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore, the password in the environment (never
    on a command line others can read)."""
    args = ["--dbname", url.set(drivername="postgresql", password=None).render_as_string()]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tool = os.path.basename(command[0])
        raise BackupError(
            f"{tool} failed: {done.stderr.strip()[-2000:]}", code="pg_tool_failed", status=500
        )


def _sqlite_path() -> str:
    path = db.engine.url.database
    if not path or path == ":memory:":
        raise BackupError(
            "An in-memory SQLite database cannot be backed up.", code="wrong_database"
        )
    return path


def _dump_database(folder: str) -> str:
    if _database_kind() == "sqlite":
        target = os.path.join(folder, SQLITE_MEMBER)
        source = sqlite3.connect(_sqlite_path())
        copy = sqlite3.connect(target)
        try:
            # Page by page, consistent: writers that commit meanwhile make it start again
            # on their pages, never leave it half old, half new.
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    target = os.path.join(folder, POSTGRES_MEMBER)
    args, env = _libpq(db.engine.url)
    _run([pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", *args, "-f", target], env)
    return target


def make_backup(output: str) -> Manifest:
    """Write the backup archive to ``output``; return its manifest."""
    store = storage()
    keys = list(store.keys())
    manifest = Manifest(
        format=FORMAT,
        app_version=app_version(),
        alembic_revision=_alembic_revision(),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        database=_database_kind(),
        storage=store.kind,
        uploads=len(keys),
    )
    with tempfile.TemporaryDirectory(prefix="rally-backup-") as folder:
        dump = _dump_database(folder)
        partial = output + ".partial"
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest.__dict__, indent=2).encode())
            archive.add(dump, arcname=os.path.basename(dump))
            for key in keys:
                try:
                    data = store.read(key)
                except FileNotFoundError:  # deleted since the listing: not part of it
                    continue
                _add_bytes(archive, UPLOADS + key, data)
        os.replace(partial, output)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def read_manifest(path: str) -> Manifest:
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            data = json.loads(member.read()) if member else None
    except (OSError, tarfile.TarError, KeyError, ValueError):
        data = None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Rally backup.", code="not_a_backup")
    return Manifest(**{name: data.get(name) for name in Manifest.__dataclass_fields__})


def database_is_empty() -> bool:
    return not inspect(db.engine).get_table_names()


def restore_backup(path: str, force: bool = False) -> Manifest:
    """Restore the archive at ``path`` into this app's database and storage.

    :param force: restore over a database that holds tables.
    :raise BackupError: ``not_a_backup``, ``wrong_database`` (a PostgreSQL backup into SQLite
        or the reverse), ``not_empty``, ``pg_tool_missing``, ``pg_tool_failed``.
    """
    manifest = read_manifest(path)
    kind = _database_kind()
    if manifest.database != kind:
        raise BackupError(
            f"This backup holds a {manifest.database} database; this server uses {kind}.",
            code="wrong_database",
        )
    if not force and not database_is_empty():
        raise BackupError(
            "The database is not empty: restore into an empty database, or pass --force "
            "to replace what it holds.",
            code="not_empty",
        )
    with (
        tempfile.TemporaryDirectory(prefix="rally-restore-") as folder,
        tarfile.open(path, "r:gz") as archive,
    ):
        member = SQLITE_MEMBER if kind == "sqlite" else POSTGRES_MEMBER
        dump = os.path.join(folder, member)
        source = archive.extractfile(member)
        if source is None:
            raise BackupError(f"{path} holds no {member}.", code="not_a_backup")
        with open(dump, "wb") as handle:
            shutil.copyfileobj(source, handle)
        _load_database(dump, force)
        _restore_uploads(archive)
    return manifest


def _load_database(dump: str, force: bool) -> None:
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps the old schema or file open
    if _database_kind() == "sqlite":
        source = sqlite3.connect(dump)
        target = sqlite3.connect(_sqlite_path())
        try:
            source.backup(target)  # the whole file, replaced page by page
        finally:
            target.close()
            source.close()
        return
    args, env = _libpq(db.engine.url)
    extra = ["--clean", "--if-exists"] if force else []
    command = [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
    _run([*command, *extra, *args, dump], env)


def _restore_uploads(archive: tarfile.TarFile) -> int:
    store = storage()
    count = 0
    for member in archive:
        if not member.isfile() or not member.name.startswith(UPLOADS):
            continue
        folder, _, name = member.name[len(UPLOADS) :].partition("/")
        try:
            key = key_of(folder, name)  # nothing outside the uploads, whatever the archive says
        except ValueError:
            continue
        source = archive.extractfile(member)
        if source is not None:
            store.save(key, source.read())
            count += 1
    return count


def default_output_name(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"rally-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"


__all__ = [
    "BackupError",
    "Manifest",
    "make_backup",
    "restore_backup",
    "read_manifest",
    "database_is_empty",
    "default_output_name",
    "pg_tool",
]
