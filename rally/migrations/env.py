import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from rally.search.models import include_object as search_index_left_out

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
# Without disabling the app's loggers: a migration run in-process (``flask init-db``, the
# tests) must not silence rally.* warnings for the rest of the process.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives
    # The search index (an FTS5 table, a pg_trgm index) is made by DDL, not by a model:
    # autogenerate must not offer to drop it.
    conf_args.setdefault("include_object", search_index_left_out)

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = _foreign_keys_off(connection)
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)

        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite is not None:
                    # What the rebuilt tables' rows point at must still be there.
                    broken = sqlite.execute("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migrations left broken references: {broken[:10]!r}")
        finally:
            if sqlite is not None:
                sqlite.execute("PRAGMA foreign_keys=ON")


def _foreign_keys_off(connection):
    """On SQLite, switch foreign keys off for the migrations; return the DB-API connection.

    A batch rebuild drops and renames a table: with foreign keys on, dropping a table that
    rows point at fails (or would cascade). The pragma only works outside a transaction, so
    it is set on the driver's connection before Alembic begins one (rally.database runs the
    driver without implicit transactions).
    """
    if connection.dialect.name != "sqlite":
        return None
    dbapi_connection = connection.connection.dbapi_connection
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")
    return dbapi_connection


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
