"""Fixtures in the style of Flask's tutorial: a throwaway database file per test."""

import itertools
import os
import re
import shutil
import sqlite3
from datetime import timedelta

import pytest
from werkzeug.routing.rules import Rule

import rally.models  # noqa: F401 (tests that build models without an app need every mapper)
from rally import create_app
from rally.auth.models import Role, User
from rally.campaigns.models import Campaign, CampaignState, Checkpoint, RewardTier
from rally.circles.models import MemberState
from rally.extensions import db
from rally.passwords import password_stamp
from rally.stores.models import Category, Store, StoreStatus
from rally.utils import utcnow
from rally.visitors.models import Visitor
from tests import factories

_counter = itertools.count(1)

# Every test makes its app, and werkzeug compiles two URL builders (Python code through
# ``ast`` and ``compile``) for each of its ~300 routes: two thirds of ``create_app``'s time.
# In the suite a builder is compiled the first time its route is built, with werkzeug's
# own code, so it builds the same URL; test_every_route_compiles_its_builders compiles
# them all up front as a server does.
WERKZEUG_COMPILE_BUILDER = Rule._compile_builder


def _compile_builder_when_first_used(rule, append_unknown=True):
    builder = None

    def build(self, /, **values):
        nonlocal builder
        if builder is None:
            builder = WERKZEUG_COMPILE_BUILDER(self, append_unknown)
        return builder(self, **values)

    return build


Rule._compile_builder = _compile_builder_when_first_used

# Translatable fields of the models (one JSON column each, ``{language: text}``).
TEXT_FIELDS = (
    "name description address hours title body place terms rules quiz_question quiz_choices "
    "label reward text choices"
).split()
_TEXT_KEY = re.compile(rf"^({'|'.join(TEXT_FIELDS)})_(ja|en|zh_Hans|zh_Hant|ko)$")


def texts(values: dict) -> dict:
    """The test helpers' shorthand for translatable texts: ``name_en="Soba"`` changes one
    language of the helper's default name, ``name={"ko": ...}`` replaces it whole."""
    result, folded = {}, {}
    for key, value in values.items():
        match = _TEXT_KEY.match(key)
        if match:
            folded.setdefault(match[1], {})[match[2]] = value
        else:
            result[key] = value
    for field, by_language in folded.items():
        result.setdefault(field, by_language)
    return result


def from_form_keys(values: dict) -> dict:
    """A form's posted texts (``"title-ja": ...``) as typed inputs take them
    (``title={"ja": ...}``), for tests that post and call operations with the same data."""
    result: dict = {}
    for key, value in values.items():
        field, _, lang = key.partition("-")
        if lang and field in TEXT_FIELDS:
            result.setdefault(field, {})[lang] = value
        else:
            result[key] = value
    return result


PASSWORD = "correct horse battery"  # every user make_user creates, unless told otherwise
# The suite's password hashes: one PBKDF2 round instead of scrypt's deliberate cost.
TEST_PASSWORD_HASH = "pbkdf2:sha256:1"

# scripts/test runs the suite twice: on SQLite files, then on PostgreSQL through this URL.
POSTGRES_URL = os.environ.get("RALLY_TEST_DATABASE_URL")


def reset_postgres_schema() -> None:
    """Start each test from an empty database (Alembic's version table included)."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")


# What the public schema is made of (its tables, columns, constraints, indexes, triggers,
# types, functions and extensions, each with its oid): any DDL a test ran since changes it.
SCHEMA_FINGERPRINT = """
SELECT md5(coalesce(string_agg(item, ';' ORDER BY item), '')) FROM (
  SELECT 'c' || c.oid || c.relname || c.relkind::text || c.relnatts AS item
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL SELECT 'a' || a.attrelid || a.attname || a.atttypid || a.attnotnull
      || a.attisdropped || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0
  UNION ALL SELECT 'n' || n.oid || n.conname || pg_get_constraintdef(n.oid)
    FROM pg_constraint n WHERE n.connamespace = 'public'::regnamespace
  UNION ALL SELECT 'i' || i.indexrelid || pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL SELECT 't' || t.oid || t.tgname || t.tgenabled::text
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL SELECT 'y' || t.oid || t.typname FROM pg_type t
    WHERE t.typnamespace = 'public'::regnamespace
  UNION ALL SELECT 'e' || e.enumtypid || e.enumlabel || e.enumsortorder FROM pg_enum e
  UNION ALL SELECT 'p' || p.oid || p.proname || md5(p.prosrc) FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace
  UNION ALL SELECT 'x' || x.oid || x.extname || x.extversion FROM pg_extension x
  UNION ALL SELECT 'r' || r.oid || r.rulename FROM pg_rewrite r
    JOIN pg_class c ON c.oid = r.ev_class WHERE c.relnamespace = 'public'::regnamespace
) AS items
"""


class FreshPostgres:
    """The PostgreSQL database of each test, as ``DROP SCHEMA`` and ``create_all`` make it.

    Dropping and creating ~70 tables takes a second or more per test; when no test has
    changed the schema since (its :data:`SCHEMA_FINGERPRINT` is the one ``create_all``
    left), emptying every table (``TRUNCATE ... RESTART IDENTITY``, sequences from 1 again)
    and putting back the rows ``create_all`` inserts (``content_revision``) makes the same
    database. Any other schema (a migration test, a restored backup) is dropped and made
    again as before."""

    fingerprint: str | None = None
    seeded: dict = {}

    @classmethod
    def make(cls) -> None:
        with db.engine.connect() as connection:
            fingerprint = connection.exec_driver_sql(SCHEMA_FINGERPRINT).scalar_one()
        if fingerprint != cls.fingerprint:
            cls.fingerprint = None
            reset_postgres_schema()
            db.create_all()
            with db.engine.connect() as connection:
                cls.seeded = {
                    table: rows
                    for table in db.metadata.sorted_tables
                    if (rows := connection.execute(table.select()).mappings().all())
                }
                cls.fingerprint = connection.exec_driver_sql(SCHEMA_FINGERPRINT).scalar_one()
            return
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            for table, rows in cls.seeded.items():
                connection.execute(table.insert(), [dict(row) for row in rows])


@pytest.fixture
def fresh_postgres():
    """The :class:`FreshPostgres` the ``app`` fixture uses (this module as pytest loaded it)."""
    return FreshPostgres


@pytest.fixture
def database_url(tmp_path):
    return POSTGRES_URL or f"sqlite:///{tmp_path / 'rally.sqlite'}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file holding the empty schema (``db.create_all()``), made once per run:
    each test's database starts as a copy of it, which is what ``create_all`` would make."""
    path = tmp_path_factory.mktemp("template") / "rally.sqlite"
    template = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        }
    )
    with template.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()  # the last connection closed: the WAL is folded into the file
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path


@pytest.fixture
def app(database_url, tmp_path, request):
    from_template = database_url == f"sqlite:///{tmp_path / 'rally.sqlite'}"
    if from_template:
        shutil.copyfile(request.getfixturevalue("sqlite_template"), tmp_path / "rally.sqlite")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RALLY_BASE_URL": "http://rally.test",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            # Tests scan several shops within a second; tests/fraud/test_fraud.py sets it.
            "RALLY_MIN_STAMP_INTERVAL": 0,
            # Photos (the demo draws some) go to the test's folder, never to instance/.
            "RALLY_UPLOAD_FOLDER": str(tmp_path / "uploads"),
            # The demo makes a Web Push key if there is none: in the test's folder too.
            "RALLY_VAPID_KEY_FILE": str(tmp_path / "vapid_private_key"),
            # Jobs (mails) run when they are queued, after the request's commit: a test
            # reads the outbox right after the request. tests/jobs runs a real worker too.
            "RALLY_JOBS_IMMEDIATE": True,
            # A cheap hash for the suite's thousands of passwords (honoured only under
            # TESTING); tests/auth/test_password_hash.py proves production's scrypt.
            "RALLY_TEST_PASSWORD_HASH": TEST_PASSWORD_HASH,
        }
    )
    if POSTGRES_URL:
        with app.app_context():
            FreshPostgres.make()
    elif not from_template:
        with app.app_context():
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_limited_app(app):
    """A second app on the same database with rate limiting on (the suite turns it off),
    counting in memory from zero; ``settings`` set its limits."""
    from rally.extensions import limiter

    made = []

    def make(**settings):
        config = {key: app.config[key] for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
        limited = create_app(
            {
                **config,
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": "memory://",
                "RALLY_BASE_URL": app.config["RALLY_BASE_URL"],
                "RALLY_MIN_STAMP_INTERVAL": 0,
                "RALLY_JOBS_IMMEDIATE": True,
                "RALLY_TEST_PASSWORD_HASH": TEST_PASSWORD_HASH,
                **settings,
            }
        )
        limiter.reset()
        made.append(limited)
        return limited

    yield make
    limiter.reset()
    # Flask-Limiter keeps a RATELIMIT_DEFAULT it was once given on the one Limiter of the
    # process: forget it, or every later app would inherit that test's default limit.
    limiter.limit_manager.set_default_limits([])
    for limited in made:
        with limited.app_context():
            db.session.remove()
            db.engine.dispose()  # close its own pool's connections, not leave them to the GC


@pytest.fixture
def ctx(app):
    """An application context for tests that call operations directly."""
    with app.app_context():
        yield


@pytest.fixture
def make_user(app):
    def make(role=Role.merchant, password=PASSWORD, **kw):
        with app.app_context():
            user = User(email=kw.pop("email", f"user{next(_counter)}@example.jp"), role=role, **kw)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            return db.session.get(User, user.id)

    return make


@pytest.fixture
def make_store(app):
    def make(**kw):
        n = next(_counter)
        values = {
            "name_ja": f"テスト商店{n}",
            "name_en": f"Test Shop {n}",
            "category": Category.buy,
            "address_ja": f"東京都三鷹市下連雀{n}",
            "address_en": f"{n} Shimorenjaku, Mitaka",
            "status": StoreStatus.approved,
        }
        values.update(kw)
        with app.app_context():
            store = Store(**texts(values))
            db.session.add(store)
            db.session.commit()
            return store.id

    return make


@pytest.fixture
def make_campaign(app, make_store):
    """Create a campaign; returns ``(campaign_id, [checkpoint_ids])``."""

    def make(stores=3, state=CampaignState.published, starts=-1, ends=30, tiers=(2, 3), **kw):
        now = utcnow()
        with app.app_context():
            campaign = Campaign(
                starts_at=now + timedelta(days=starts),
                ends_at=now + timedelta(days=ends),
                state=state,
                **texts(
                    {"title_ja": "歳末スタンプラリー", "title_en": "Year-End Stamp Rally", **kw}
                ),
            )
            store_ids = [make_store() for _ in range(stores)]
            campaign.checkpoints = [Checkpoint(store_id=store_id) for store_id in store_ids]
            campaign.tiers = [
                RewardTier(threshold=n, name={"ja": f"景品{n}", "en": f"Prize {n}"}, stock=10)
                for n in tiers
            ]
            db.session.add(campaign)
            db.session.commit()
            return campaign.id, [cp.id for cp in campaign.checkpoints]

    return make


@pytest.fixture
def stamp_path(app):
    """The path part of a checkpoint's stamp URL, ``/s/<token>``."""
    from rally.stamping.tokens import checkpoint_token

    def path(checkpoint_id):
        with app.app_context():
            return "/s/" + checkpoint_token(db.session.get(Checkpoint, checkpoint_id))

    return path


# Users, logged-in clients and data that the tests of several rooms share.


@pytest.fixture
def add_member(app):
    """``add(circle_id, visitor_id, state=member, moderator=False)``: a circle membership
    (tests/factories.py); returns its id. Packages whose tests want other defaults define
    their own."""

    def add(circle_id, visitor_id, state=MemberState.member, moderator=False):
        return factories.add_member(app, circle_id, visitor_id, state=state, moderator=moderator)

    return add


@pytest.fixture
def admin(make_user):
    return make_user(role=Role.admin)


@pytest.fixture
def merchant(make_user):
    return make_user(role=Role.merchant)


@pytest.fixture
def other_merchant(make_user):
    return make_user(role=Role.merchant)


class AuthActions:
    """Log a test client in and out through the log-in form (flaskr's ``AuthActions``)."""

    def __init__(self, client):
        self._client = client

    def login(self, user, password=PASSWORD, next_url=None, client=None):
        """Log ``client`` (the test's ``client`` unless given) in as ``user``, a ``User`` or
        an e-mail address; returns the form's answer, which must be the redirect of a
        successful log-in."""
        email = getattr(user, "email", user)
        url = "/auth/login" + (f"?next={next_url}" if next_url else "")
        response = (client or self._client).post(url, data={"email": email, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return response

    def logout(self, client=None):
        return (client or self._client).post("/auth/logout")

    def new_client(self, user, password=PASSWORD):
        """A test client of its own, logged in as ``user`` (a second person in the test)."""
        client = self._client.application.test_client()
        self.login(user, password, client=client)
        return client


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def admin_client(auth, make_user):
    return auth.new_client(make_user(role=Role.admin))


@pytest.fixture
def merchant_client(auth, merchant):
    return auth.new_client(merchant)


@pytest.fixture
def visitor_client(app):
    """A client logged in as the visitor account ``visitor_id`` (a resident)."""

    def make(visitor_id):
        client = app.test_client()
        with app.app_context():
            stamp = password_stamp(db.session.get(Visitor, visitor_id).password_hash)
        with client.session_transaction() as session:
            session["visitor_id"] = visitor_id
            session["visitor_stamp"] = stamp
        return client

    return make


@pytest.fixture
def english():
    """Headers that make every page English, so tests read the source strings."""
    return {"Accept-Language": "en"}


@pytest.fixture
def own_store(make_store, merchant):
    return make_store(owner_id=merchant.id)


@pytest.fixture
def others_store(make_store, other_merchant):
    return make_store(owner_id=other_merchant.id, name_en="Somebody Else's Shop")


@pytest.fixture
def get_store(app):
    def get(store_id):
        with app.app_context():
            store = db.session.get(Store, store_id)
            db.session.expunge(store)
            return store

    return get


@pytest.fixture
def count(app):
    def count_rows(model):
        with app.app_context():
            return db.session.query(model).count()

    return count_rows


@pytest.fixture
def checkpoint_id(app, make_campaign, merchant):
    """A checkpoint of a published, running campaign whose store belongs to ``merchant``."""
    _, checkpoints = make_campaign(stores=2)
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoints[0])
        checkpoint.store.owner_id = merchant.id
        db.session.commit()
    return checkpoints[0]


@pytest.fixture
def stamps_of(app):
    """``[(card_id, code_id), ...]`` of the stamps at a checkpoint."""
    from rally.cards.models import Stamp

    def stamps(checkpoint_id):
        with app.app_context():
            return [
                (stamp.card_id, stamp.code_id)
                for stamp in db.session.scalars(
                    db.select(Stamp).where(Stamp.checkpoint_id == checkpoint_id)
                )
            ]

    return stamps


@pytest.fixture
def card_with_stamps(app):
    """Create a card holding stamps at the given checkpoints; returns the card id."""
    from rally.cards.reading import open_card
    from rally.stamping.operations import grant_stamp

    def make(checkpoint_ids):
        with app.app_context():
            card = open_card(None)
            for checkpoint_id in checkpoint_ids:
                grant_stamp(card, db.session.get(Checkpoint, checkpoint_id), utcnow())
            db.session.commit()
            return card.id

    return make


@pytest.fixture
def new_card(app):
    from rally.cards.models import Card

    def make():
        card = Card()
        db.session.add(card)
        db.session.flush()
        return card

    return make


@pytest.fixture
def areas_campaign(app, make_campaign):
    """A running campaign with two areas of two shops each; returns
    ``(campaign_id, {area name: [checkpoint ids]})``."""
    from rally.areas.models import Area

    def make(**kw):
        campaign_id, checkpoints = make_campaign(stores=4, **kw)
        with app.app_context():
            station = Area(name={"ja": "駅前通り", "en": "Station Street"}, position=1)
            river = Area(name={"ja": "川沿い", "en": "Riverside"}, position=2)
            db.session.add_all([station, river])
            db.session.flush()
            for i, checkpoint_id in enumerate(checkpoints):
                store = db.session.get(Checkpoint, checkpoint_id).store
                store.area_id = station.id if i < 2 else river.id
            db.session.commit()
        return campaign_id, {"station": checkpoints[:2], "river": checkpoints[2:]}

    return make


def campaign_of(campaign_id):
    return db.session.get(Campaign, campaign_id)


def checkpoint(checkpoint_id):
    return db.session.get(Checkpoint, checkpoint_id)


@pytest.fixture
def race():
    """Run ``count`` requests at the same moment, one thread each; their results in order.

    ``prepare(index)`` runs in the thread first (make its own test client, set cookies)
    and returns the action; every thread then waits at one barrier and acts at once. An
    exception in any thread fails the test here instead of vanishing with the thread.
    """
    import threading

    def run(count, prepare):
        barrier = threading.Barrier(count)
        results, errors = [None] * count, []

        def worker(index):
            try:
                action = prepare(index)
                barrier.wait()
                results[index] = action()
            except Exception as exc:
                barrier.abort()
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:  # the first real failure, not the others' broken barrier
            broken = threading.BrokenBarrierError
            raise next((e for e in errors if not isinstance(e, broken)), errors[0])
        return results

    return run


def in_thread(target):
    """Run ``target`` in a thread; its result or exception lands in the returned list."""
    import threading

    outcome = []

    def run():
        try:
            outcome.append(target())
        except Exception as error:  # reported by the test, not lost with the thread
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.fixture
def held_open_while(app):
    """``held_open_while(held, other)``: run ``held`` in its own request-like session (the
    write lock) and keep its transaction open while ``other`` runs in another thread as far
    as it can; then commit ``held`` and let ``other`` finish. Returns both outcomes (a
    result or an exception, each in a list).

    On PostgreSQL this is the moment two requests race; on SQLite ``other`` simply waits
    for the write lock."""
    import threading

    from rally.database import take_write_lock

    def run(held, other):
        ready, release = threading.Event(), threading.Event()

        def holding():
            with app.app_context():
                take_write_lock()
                result = held()
                db.session.flush()
                ready.set()
                release.wait(10)
                db.session.commit()
                return result

        holder, held_outcome = in_thread(holding)
        assert ready.wait(10), held_outcome
        runner, other_outcome = in_thread(other)
        runner.join(0.5)  # the other request goes as far as it can meanwhile
        release.set()
        holder.join(15)
        runner.join(15)
        # A thread still running would hold a connection into the next test's set-up.
        assert not holder.is_alive() and not runner.is_alive()
        return held_outcome, other_outcome

    return run
