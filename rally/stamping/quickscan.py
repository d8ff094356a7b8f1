"""The common scan, read and written as plain rows: the hottest path of a rally.

Most scans are a phone collecting the one stamp of a shop in a visit campaign: no quiz, no
geofence, no further code. :func:`quick_scan` serves exactly those with a handful of
statements prepared once (one ``SELECT`` for the checkpoint, its campaign and its place, the
``INSERT`` of the card and the stamp, the two tally upserts) instead of the ORM's unit of
work, which cost about twice as much CPU per scan (bench/README.md). The rules are the same
functions the full path uses (:mod:`.operations`, :mod:`.signals`); anything
else, including every refusal of the checkpoint, is answered ``None`` so that the caller
takes the full path (:func:`.operations.resolve_scan`, :func:`.operations.grant_stamp`),
which gives the translated reason.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, bindparam, literal_column, select, text, update

from rally.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignState,
    Checkpoint,
    QrMode,
    Recheck,
)
from rally.cards.models import Card, Stamp, new_card_key
from rally.database import DriverSQL, driver_sql, driver_write_transaction
from rally.extensions import db
from rally.stamping.operations import (
    StampError,
    check_campaign_open,
    check_pace,
    check_rotating_step,
    next_slot,
)
from rally.stamping.signals import Visit, stamp_given, stamp_scanned
from rally.stamping.tallies import record_stamp_on, tally_of, with_tallies
from rally.stamping.tokens import InvalidToken, read_checkpoint_token


@dataclass(frozen=True)
class QuickScan:
    """What the scan's answer needs: where to send the visitor and which card to remember."""

    campaign_id: int
    checkpoint_id: int
    card_key: str
    created: bool  # False: the card already held this stamp


@cache
def _statements(driver: DriverSQL) -> dict[str, str]:
    """Every statement of the quick scan as the driver's SQL, compiled once per process."""

    def named(member) -> ColumnElement:
        # An enum stored by name, written into the SQL: the driver gets no parameter for it.
        return literal_column(f"'{member.name}'")

    cp, campaign = Checkpoint.__table__, Campaign.__table__
    stamp, card = Stamp.__table__, Card.__table__
    is_open, latitude, longitude = Checkpoint.is_open, Checkpoint.latitude, Checkpoint.longitude
    places = Checkpoint.with_places(cp)
    statements = {
        "checkpoint": select(
            cp.c.id,
            cp.c.campaign_id,
            cp.c.key_version,
            cp.c.points,
            cp.c.quiz_answer,
            is_open.label("is_open"),
            latitude.label("latitude"),
            longitude.label("longitude"),
            campaign.c.state,
            campaign.c.starts_at,
            campaign.c.ends_at,
            campaign.c.qr_mode,
            campaign.c.geofence_m,
            (campaign.c.kind == named(CampaignKind.purchase)).label("is_purchase"),
            campaign.c.recheck,
            campaign.c.recheck_hours,
        )
        .select_from(places.join(campaign, campaign.c.id == cp.c.campaign_id))
        .where(cp.c.id == bindparam("checkpoint_id")),
        "card": select(card.c.id, card.c.locale).where(card.c.key == bindparam("key")),
        "new_card": text(
            'INSERT INTO card ("key", locale, paper, created_at)'
            " VALUES (:key, :locale, false, :created_at) RETURNING id"
        ),
        "card_locale": update(card)
        .where(card.c.id == bindparam("card_id"))
        .values(locale=bindparam("locale")),
        "latest_here": select(stamp.c.slot, stamp.c.created_at)
        .where(
            and_(
                stamp.c.card_id == bindparam("card_id"),
                stamp.c.checkpoint_id == bindparam("checkpoint_id"),
            )
        )
        .order_by(stamp.c.slot.desc())
        .limit(literal_column("1"))
        .offset(literal_column("0")),  # constants in the SQL (SQLite adds an OFFSET)
        "previous": select(stamp.c.checkpoint_id, stamp.c.created_at, latitude, longitude)
        .select_from(stamp.join(places, cp.c.id == stamp.c.checkpoint_id))
        .where(stamp.c.card_id == bindparam("card_id"))
        .order_by(stamp.c.created_at.desc())
        .limit(literal_column("1"))
        .offset(literal_column("0")),  # constants in the SQL (SQLite adds an OFFSET)
        # A parallel scan of the same card may have taken the slot: then nothing is inserted
        # and no row comes back (SQLite 3.35+ and PostgreSQL both speak this).
        "stamp": text(_INSERT_STAMP + " RETURNING id"),
    }
    if driver.name == "postgresql":  # the stamp and its tallies in one round trip
        statements["stamp"] = with_tallies(_INSERT_STAMP + _RETURNING_FOR_TALLIES)
        # A new visitor's card, its first stamp and the tallies: one round trip too.
        statements["first_stamp"] = with_tallies(
            _INSERT_FIRST_STAMP + _RETURNING_FOR_TALLIES, before=_NEW_CARD + ", "
        )
    return {name: driver.sql(statement) for name, statement in statements.items()}


_INSERT_STAMP = (
    "INSERT INTO stamp (card_id, checkpoint_id, campaign_id, created_at, locale, slot, count,"
    " points) VALUES (:card_id, :checkpoint_id, :campaign_id, :created_at, :locale, :slot,"
    " :count, :points) ON CONFLICT (card_id, checkpoint_id, slot) DO NOTHING"
)
_NEW_CARD = (
    'card_made AS (INSERT INTO card ("key", locale, paper, created_at)'
    " VALUES (:key, :locale, false, :created_at) RETURNING id)"
)
_INSERT_FIRST_STAMP = (  # a new card's: no slot taken yet
    "INSERT INTO stamp (card_id, checkpoint_id, campaign_id, created_at, locale, slot, count,"
    " points) VALUES ((SELECT id FROM card_made), :checkpoint_id, :campaign_id, :created_at,"
    " :locale, :slot, :count, :points)"
)
_RETURNING_FOR_TALLIES = " RETURNING id, campaign_id, checkpoint_id, card_id, created_at, count"


def quick_scan(token: str, card_key: str | None, locale: str, now: datetime) -> QuickScan | None:
    """Give the stamp of a plain checkpoint, or ``None`` when the full path must decide.

    The statements run on the DB-API cursor of the session's connection, in the session's
    transaction (``BEGIN IMMEDIATE`` on SQLite), which the caller commits; except for a new
    visitor (no card cookie) while the session holds no transaction: then they run in a
    transaction of their own (:func:`rally.database.driver_write_transaction`), committed
    here before returning.

    :param card_key: the card key from the visitor's (verified) cookie, if any.
    :param locale: the language the visitor browses in (kept on the card and the stamp).
    :raise StampError: ``too_soon`` (the card's previous stamp was a moment ago).
    """
    try:
        data = read_checkpoint_token(token)
    except InvalidToken:
        return None
    if data.code_id is not None:
        return None
    # (No session made for the question: a new visitor's scan never needs one.)
    in_transaction = db.session.registry.has() and db.session().in_transaction()
    if card_key is None and not in_transaction:
        # A new visitor: a new card and its first stamp are all the scan writes (no signal
        # is sent for a first stamp, so no receiver adds rows to the session). They are
        # written and committed on a connection straight from the pool, before the answer
        # is built, without the session's transaction bookkeeping.
        engine = db.engine
        driver = driver_sql(engine.dialect)
        with driver_write_transaction(engine) as cursor:
            return _scan(cursor, driver, _statements(driver), data, None, locale, now)
    conn = db.session.connection()
    driver = driver_sql(conn.dialect)
    sql = _statements(driver)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        return _scan(cursor, driver, sql, data, card_key, locale, now)
    finally:
        cursor.close()


def _scan(cursor, driver, sql, data, card_key, locale, now) -> QuickScan | None:
    cursor.execute(sql["checkpoint"], {"checkpoint_id": data.checkpoint_id})
    target = _target(cursor.fetchone(), driver)
    if not _plain_and_open(target, data, now):
        return None
    card = None
    if card_key:
        cursor.execute(sql["card"], {"key": card_key})
        card = cursor.fetchone()
    at = driver.to_db(now)
    if card is None and driver.name == "postgresql":
        # The card, its first stamp and both tallies in one statement (one round trip).
        card_key = new_card_key()
        stamp = _NewStamp(None, target.id, target.campaign_id, now, locale, 0, target.points)
        params = {**stamp._asdict(), "key": card_key, "created_at": at, **tally_of(stamp)}
        del params["card_id"]
        cursor.execute(sql["first_stamp"], params)
        cursor.fetchone()  # the stamp's id: a new card holds no stamp it could conflict with
        stamp_given.send(target.id, channel="visitor")
        return QuickScan(target.campaign_id, target.id, card_key, True)
    if card is None:
        card_key = new_card_key()
        cursor.execute(sql["new_card"], {"key": card_key, "locale": locale, "created_at": at})
        card_id = cursor.fetchone()[0]
        slot = 0
    else:
        card_id, card_locale = card
        if card_locale != locale:
            cursor.execute(sql["card_locale"], {"card_id": card_id, "locale": locale})
        cursor.execute(sql["latest_here"], {"card_id": card_id, "checkpoint_id": target.id})
        latest = cursor.fetchone()
        latest = latest and _Latest(latest[0], driver.from_db(latest[1]))
        try:
            slot = next_slot(target, latest, now)
        except StampError as error:
            if error.is_repeat:
                return QuickScan(target.campaign_id, target.id, card_key, False)
            raise
        cursor.execute(sql["previous"], {"card_id": card_id})
        previous = cursor.fetchone()
        visit = previous and Visit(
            previous[0], driver.from_db(previous[1]), previous[2], previous[3]
        )
        check_pace(visit, now)
        stamp_scanned.send(
            target,
            card_id=card_id,
            here=(target.latitude, target.longitude),
            previous=visit,
            now=now,
        )
    stamp = _NewStamp(card_id, target.id, target.campaign_id, now, locale, slot, target.points)
    tallied = driver.name == "postgresql"  # the statement adds to the tallies itself
    params = {**stamp._asdict(), "created_at": at, **(tally_of(stamp) if tallied else {})}
    cursor.execute(sql["stamp"], params)
    if cursor.fetchone() is None:
        # A parallel scan of the same card took this slot a moment ago: this one is the
        # repeat (as the full path decides when it reads that slot back).
        return QuickScan(target.campaign_id, target.id, card_key, False)
    if not tallied:
        record_stamp_on(cursor, driver, stamp)
    stamp_given.send(target.id, channel="visitor")
    return QuickScan(target.campaign_id, target.id, card_key, True)


class _Latest(NamedTuple):
    """The card's latest stamp at this checkpoint, as :func:`.operations.next_slot` reads it."""

    slot: int
    created_at: datetime


class _Target(NamedTuple):
    """The checkpoint with its campaign and place: it stands for both in the shared checks
    (it has their attribute names: id, campaign_id, state, starts_at, recheck, ...)."""

    id: int
    campaign_id: int
    key_version: int
    points: int
    quiz_answer: int | None
    is_open: bool
    latitude: float | None
    longitude: float | None
    state: CampaignState
    starts_at: datetime
    ends_at: datetime
    qr_mode: QrMode
    geofence_m: int | None
    is_purchase: bool
    recheck: Recheck
    recheck_hours: int | None


def _target(row, driver: DriverSQL) -> _Target | None:
    """The driver's row as :class:`_Target`: enums by name, datetimes, booleans."""
    if row is None:
        return None
    (id_, campaign_id, key_version, points, quiz, is_open, lat, lon) = row[:8]
    (state, starts_at, ends_at, qr_mode, geofence_m, is_purchase, recheck, hours) = row[8:]
    return _Target(
        id_,
        campaign_id,
        key_version,
        points,
        quiz,
        bool(is_open),
        lat,
        lon,
        CampaignState[state],
        driver.from_db(starts_at),
        driver.from_db(ends_at),
        QrMode[qr_mode],
        geofence_m,
        bool(is_purchase),
        Recheck[recheck],
        hours,
    )


def _plain_and_open(row, data, now: datetime) -> bool:
    """A checkpoint the quick path may stamp: the token's key is current, the place and
    the campaign are open, and it asks for nothing more (quiz, location, purchase)."""
    if row is None or row.key_version != data.key_version or not row.is_open:
        return False
    if row.quiz_answer is not None or row.geofence_m or row.is_purchase:
        return False
    try:
        check_campaign_open(row, now)
        if row.qr_mode is QrMode.rotating:
            check_rotating_step(data.step, now)
    except StampError:
        return False
    return True


class _NewStamp(NamedTuple):
    """A stamp as inserted; also what :func:`rally.dashboard.tallies.record_stamp` reads."""

    card_id: int | None  # None: the card is inserted by the same statement
    checkpoint_id: int
    campaign_id: int
    created_at: datetime
    locale: str
    slot: int
    points: int
    count: int = 1
