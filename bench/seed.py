"""Data for the benchmark: campaigns built through Rally's models, and one million stamps
inserted in bulk through the database driver (executemany on SQLite, COPY on PostgreSQL).

Every function runs inside an application context of the benchmark's app.
"""

import random
import secrets
from datetime import timedelta

from sqlalchemy import text

from rally.auth.models import Role, User
from rally.campaigns.models import Campaign, CampaignState, Checkpoint, RewardTier
from rally.cards.models import Card, Stamp
from rally.extensions import db
from rally.stores.models import Category, Store, StoreStatus
from rally.utils import utcnow

ADMIN_EMAIL = "bench-admin@example.jp"
ADMIN_PASSWORD = "correct horse battery"
CATEGORIES = list(Category)


def create_schema() -> None:
    """Rally's tables (``db.create_all``: the migrations may lag behind new models) and the
    baseline app's one table."""
    db.create_all()
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "sqlite":
            key = "id INTEGER PRIMARY KEY"
        else:
            key = "id BIGSERIAL PRIMARY KEY"
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS bench_hit ({key}, checkpoint_id INTEGER NOT NULL,"
            " key_version INTEGER NOT NULL, created_at TIMESTAMP NOT NULL)"
        )


def make_campaign(stores: int, *, days_before: int = 1, days_after: int = 30) -> Campaign:
    """A published campaign with ``stores`` approved stores (one checkpoint each), three
    reward tiers, running from ``days_before`` days ago to ``days_after`` days ahead."""
    now = utcnow()
    run = db.session.scalar(db.select(db.func.count()).select_from(Campaign)) + 1
    campaign = Campaign(
        title={"ja": f"ベンチマーク・スタンプラリー{run}", "en": f"Benchmark Stamp Rally {run}"},
        rules={
            "ja": "お店でQRコードを読み取ってスタンプを集めましょう。",
            "en": "Scan the QR code in each shop to collect its stamp.",
        },
        starts_at=now - timedelta(days=days_before),
        ends_at=now + timedelta(days=days_after),
        state=CampaignState.published,
    )
    for n in range(stores):
        store = Store(
            name={"ja": f"ベンチ商店{run}-{n + 1}", "en": f"Bench Shop {run}-{n + 1}"},
            category=CATEGORIES[n % len(CATEGORIES)],
            address={"ja": f"東京都三鷹市下連雀3-{n + 1}", "en": f"3-{n + 1} Shimorenjaku, Mitaka"},
            description={"ja": "商店街の老舗です。", "en": "A long-standing shop of the district."},
            status=StoreStatus.approved,
        )
        campaign.checkpoints.append(Checkpoint(store=store))
    campaign.tiers = [
        RewardTier(threshold=n, name={"ja": f"景品{n}", "en": f"Prize {n}"}, stock=1000)
        for n in (5, 15, stores)
    ]
    db.session.add(campaign)
    db.session.commit()
    return campaign


def make_admin() -> None:
    if db.session.scalar(db.select(User).where(User.email == ADMIN_EMAIL)):
        return
    user = User(email=ADMIN_EMAIL, role=Role.admin)
    user.set_password(ADMIN_PASSWORD)
    db.session.add(user)
    db.session.commit()


def count(table: str) -> int:
    return db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _plan_cards(cards: int, stamps: int, checkpoints: int, rng: random.Random) -> list[int]:
    """Stamps per card: mostly a few, some many (a funnel worth drawing), summing exactly."""
    mean = stamps / cards
    sizes = [min(checkpoints, max(1, round(rng.expovariate(1 / mean)))) for _ in range(cards)]
    difference = stamps - sum(sizes)
    i = 0
    while difference:
        step = 1 if difference > 0 else -1
        j = i % cards
        if 1 <= sizes[j] + step <= checkpoints:
            sizes[j] += step
            difference -= step
        i += 1
    return sizes


def bulk_stamps(campaign: Campaign, stamps: int, cards: int, days: int = 30, seed: int = 6):
    """Insert ``stamps`` stamps of ``cards`` new cards into ``campaign``, spread over the
    last ``days`` days (each card at most one stamp per checkpoint, as Rally enforces).

    When the dashboard keeps running tallies (``rally.dashboard.tallies``), they are rebuilt
    from the inserted stamps, as after any bulk import.

    :return: seconds spent inserting (and rebuilding the tallies).
    """
    import time

    rng = random.Random(seed)
    checkpoint_ids = [cp.id for cp in campaign.checkpoints]
    now = utcnow()
    start = now - timedelta(days=days)
    span = int((now - start).total_seconds()) - 3600
    sizes = _plan_cards(cards, stamps, len(checkpoint_ids), rng)
    first_card = (db.session.scalar(db.select(db.func.max(Card.id))) or 0) + 1
    card_columns = set(Card.__table__.c.keys())
    stamp_columns = set(Stamp.__table__.c.keys())
    sqlite = db.engine.dialect.name == "sqlite"

    def when(moment):
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment

    card_rows, stamp_rows = [], []
    for offset, size in enumerate(sizes):
        card_id = first_card + offset
        locale = "en" if rng.random() < 0.15 else "ja"
        born = start + timedelta(seconds=rng.randrange(span))
        card_rows.append((card_id, secrets.token_urlsafe(24), locale, when(born)))
        moments = sorted(rng.randrange(span) for _ in range(size))
        for checkpoint_id, second in zip(rng.sample(checkpoint_ids, size), moments, strict=True):
            stamp_rows.append(
                (
                    card_id,
                    checkpoint_id,
                    campaign.id,
                    when(start + timedelta(seconds=second)),
                    locale,
                )
            )
    card_names = ["id", "key", "locale", "created_at"]
    stamp_names = ["card_id", "checkpoint_id", "campaign_id", "created_at", "locale"]
    keep_card = [i for i, name in enumerate(card_names) if name in card_columns]
    keep_stamp = [i for i, name in enumerate(stamp_names) if name in stamp_columns]
    card_names = [card_names[i] for i in keep_card]
    stamp_names = [stamp_names[i] for i in keep_stamp]
    if len(keep_card) < 4:
        card_rows = [tuple(row[i] for i in keep_card) for row in card_rows]
    if len(keep_stamp) < 5:
        stamp_rows = [tuple(row[i] for i in keep_stamp) for row in stamp_rows]
    db.session.commit()

    began = time.perf_counter()
    raw = db.engine.raw_connection()
    try:
        driver = raw.driver_connection
        if sqlite:
            driver.execute("BEGIN IMMEDIATE")
            for table, names, rows in (
                ("card", card_names, card_rows),
                ("stamp", stamp_names, stamp_rows),
            ):
                marks = ", ".join("?" * len(names))
                driver.executemany(
                    f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows
                )
            driver.execute("COMMIT")
        else:
            with driver.cursor() as cursor:
                for table, names, rows in (
                    ("card", card_names, card_rows),
                    ("stamp", stamp_names, stamp_rows),
                ):
                    with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('card', 'id'),"
                    " (SELECT max(id) FROM card))"
                )
            driver.commit()
            # What autovacuum does soon after a bulk insert: statistics and the visibility
            # map (index-only scans).
            driver.autocommit = True
            driver.execute("VACUUM ANALYZE card")
            driver.execute("VACUUM ANALYZE stamp")
            driver.autocommit = False
    finally:
        raw.close()
    rebuild = _tally_rebuilder()
    if rebuild is not None:  # the dashboard's running tallies, bypassed by the bulk insert
        rebuild(campaign.id)
        db.session.commit()
    return time.perf_counter() - began


def _tally_rebuilder():
    try:
        from rally.stamping.tallies import rebuild_tallies
    except ImportError:
        return None
    return rebuild_tallies
