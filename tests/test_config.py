"""Configuration sources and start-up checks."""

import pytest

from rally import create_app, normalise_database_url


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("RALLY_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})


def test_production_with_secret_key_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("RALLY_ENV", "production")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.secret_key == "from-the-environment"


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("RALLY_BASE_URL", "https://stamp.example.jp")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["RALLY_BASE_URL"] == "https://stamp.example.jp"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite")


def test_development_generates_a_persistent_secret(monkeypatch, tmp_path):
    import rally

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("RALLY_ENV", raising=False)
    # Point the instance folder at a temporary directory.
    original = rally.Flask

    def flask_in_tmp(*args, **kwargs):
        return original(*args, instance_path=str(tmp_path / "instance"), **kwargs)

    monkeypatch.setattr(rally, "Flask", flask_in_tmp)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert len(first.secret_key) == 64
    assert first.secret_key == second.secret_key
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgres://u:p@db/rally", "postgresql+psycopg://u:p@db/rally"),
        ("postgresql://u@localhost/rally", "postgresql+psycopg://u@localhost/rally"),
        ("postgresql+psycopg://u@h/r", "postgresql+psycopg://u@h/r"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_uses_psycopg3(url, expected):
    assert normalise_database_url(url) == expected


def test_sqlite_runs_in_wal_with_foreign_keys(app):
    from rally.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite pragmas")
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_postgres_runs_through_psycopg3(app):
    from rally.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("runs in the PostgreSQL pass of scripts/test")
        assert db.engine.dialect.driver == "psycopg"
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"


@pytest.mark.parametrize(("proxies", "seen"), [(0, "10.0.0.1"), (1, "203.0.113.7")])
def test_visitor_address_behind_the_proxy(tmp_path, proxies, seen):
    """Per-address rate limits key on ``remote_addr``: behind nginx, the visitor's address."""
    from flask import request

    app = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
            "RALLY_PROXIES": proxies,
        }
    )
    app.add_url_rule("/address", "address", lambda: request.remote_addr)
    response = app.test_client().get(
        "/address",
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert response.get_data(as_text=True) == seen
