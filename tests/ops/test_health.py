"""/healthz answers while the process does; /readyz only when the database answers at the
newest migration and every further check passes."""

from flask_migrate import stamp
from sqlalchemy import text

from rally.extensions import db
from rally.ops import health


def at_head(app):
    with app.app_context():
        stamp()  # the tests' schema comes from the models: say it is the newest migration


def test_healthz_answers_without_the_database(tmp_path):
    from rally import create_app

    broken = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no/such/folder/rally.sqlite",
            "RALLY_UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    client = broken.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json() == {
        "status": "unavailable",
        "checks": {"database": "failed", "migrations": "skipped", "jobs": "skipped"},
    }
    with broken.app_context():
        db.engine.dispose()


def test_readyz_is_ok_at_the_newest_migration(app, client):
    at_head(app)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "jobs": "ok"},
    }
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_refuses_a_database_without_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"] == "no migration applied"


def test_readyz_refuses_a_database_behind_the_code(app, client):
    at_head(app)
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = 'a4e7d2c91b00'"))
        db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {
        "database": "ok",
        "migrations": "not at the newest migration",
        "jobs": "ok",
    }


def test_the_head_is_this_codes_newest_migration():
    heads = health.head_revisions()
    assert len(heads) == 1
    assert health.head_revisions() is heads  # read once per process


def test_a_further_check_joins_readyz(app, client, monkeypatch):
    at_head(app)

    def queue():
        raise ConnectionError("redis://secret@host")

    monkeypatch.setattr(health, "READINESS_CHECKS", [*health.READINESS_CHECKS, ("jobs", queue)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "migrations": "ok", "jobs": "failed"}
    assert "secret" not in response.text  # a failure's details stay in the logs


def test_probes_are_not_rate_limited_and_set_no_cookie(app, make_limited_app):
    at_head(app)
    limited = make_limited_app(RATELIMIT_DEFAULT="2 per minute")
    client = limited.test_client()
    assert client.get("/privacy").status_code == 200  # the default limit applies elsewhere...
    client.get("/privacy")
    assert client.get("/privacy").status_code == 429
    for _ in range(5):  # ...but never to the probes
        for path in ("/healthz", "/readyz"):
            response = client.get(path)
            assert response.status_code == 200
            assert "Set-Cookie" not in response.headers


def test_probes_answer_get_only(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_readyz_refuses_an_unreachable_job_queue(tmp_path, database_url):
    """With the queue on Redis (several servers) and nothing answering there, the server is
    not ready: a request would commit work that no worker could ever be handed."""
    import socket

    from rally import create_app

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RALLY_UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "RALLY_JOBS_IMMEDIATE": False,
            "RALLY_REDIS_URL": f"redis://127.0.0.1:{port}/0",
        }
    )
    with app.app_context():
        db.create_all()
        stamp()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "jobs": "failed",
    }
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def test_readyz_reaches_the_default_job_queue_file(tmp_path, database_url):
    from rally import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RALLY_UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "RALLY_JOBS_IMMEDIATE": False,
            "RALLY_JOBS_FILE": str(tmp_path / "jobs.sqlite"),
        }
    )
    with app.app_context():
        db.create_all()
        stamp()
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["jobs"] == "ok"
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
