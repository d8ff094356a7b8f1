"""Keeping the dashboard's tallies in step with the stamps (same transaction)."""

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    TextClause,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    text,
    update,
)

from rally.campaigns.signals import checkpoints_removing
from rally.cards.models import Stamp
from rally.database import DriverSQL
from rally.extensions import db
from rally.stamping.models import CardTally, StampTally


def hour_of(moment: datetime) -> int:
    """Whole hours since 1970 for a naive UTC datetime."""
    return int(moment.replace(tzinfo=UTC).timestamp()) // 3600


# Plain SQL that SQLite (3.24+) and PostgreSQL both understand: the scan path runs these
# for every new stamp, and a prepared text statement costs far less than building the ORM's.
_STAMP_TALLY_UPSERT = (
    "ON CONFLICT (campaign_id, hour, checkpoint_id) "
    "DO UPDATE SET stamps = stamp_tally.stamps + excluded.stamps"
)
_CARD_TALLY_UPSERT = (
    "ON CONFLICT (campaign_id, card_id) DO UPDATE SET "
    "stamps = card_tally.stamps + excluded.stamps, "
    "english = card_tally.english OR excluded.english, "
    "last_at = CASE WHEN excluded.last_at > card_tally.last_at "
    "THEN excluded.last_at ELSE card_tally.last_at END"
)
_ADD_TO_STAMP_TALLY = text(
    "INSERT INTO stamp_tally (campaign_id, hour, checkpoint_id, stamps) "
    f"VALUES (:campaign_id, :hour, :checkpoint_id, :count) {_STAMP_TALLY_UPSERT}"
)
_ADD_TO_CARD_TALLY = text(
    "INSERT INTO card_tally (campaign_id, card_id, stamps, english, first_at, last_at) "
    f"VALUES (:campaign_id, :card_id, :count, :english, :at, :at) {_CARD_TALLY_UPSERT}"
).bindparams(bindparam("english", type_=Boolean), bindparam("at", type_=DateTime))


def with_tallies(stamp_insert: str, before: str = "") -> TextClause:
    """PostgreSQL: ``stamp_insert`` and both tally upserts as one statement (one round trip
    instead of three, in the same transaction).

    :param stamp_insert: an ``INSERT INTO stamp ... RETURNING id, campaign_id, checkpoint_id,
        card_id, created_at, count``; the tallies add what it inserted, nothing if it
        inserted nothing (a conflict). The statement returns the stamp's id, if any, and
        takes the parameters ``hour`` and ``english`` besides the insert's (:func:`tally_of`).
    :param before: common table expressions the insert reads (``name AS (...), ``): a
        data-modifying one may only stand at the statement's top level.
    """
    return text(
        f"WITH {before}new AS ({stamp_insert}), "
        "by_hour AS (INSERT INTO stamp_tally (campaign_id, hour, checkpoint_id, stamps) "
        f"SELECT campaign_id, :hour, checkpoint_id, count FROM new {_STAMP_TALLY_UPSERT}), "
        "by_card AS (INSERT INTO card_tally "
        "(campaign_id, card_id, stamps, english, first_at, last_at) "
        "SELECT campaign_id, card_id, count, :english, created_at, created_at FROM new "
        f"{_CARD_TALLY_UPSERT}) "
        "SELECT id FROM new"
    )


def tally_of(stamp) -> dict:
    """The parameters :func:`with_tallies` adds to the stamp's."""
    return {"hour": hour_of(stamp.created_at), "english": stamp.locale == "en"}


def record_stamp(stamp: Stamp) -> None:
    """Add a new stamp to both tallies (an atomic upsert each, safe under concurrency)."""
    # Plain statements on the session's connection: nothing here for the ORM to do.
    connection = db.session.connection()
    connection.execute(
        _ADD_TO_STAMP_TALLY,
        {
            "campaign_id": stamp.campaign_id,
            "hour": hour_of(stamp.created_at),
            "checkpoint_id": stamp.checkpoint_id,
            "count": stamp.count,
        },
    )
    connection.execute(
        _ADD_TO_CARD_TALLY,
        {
            "campaign_id": stamp.campaign_id,
            "card_id": stamp.card_id,
            "english": stamp.locale == "en",
            "at": stamp.created_at,
            "count": stamp.count,
        },
    )


def record_stamp_on(cursor, driver: DriverSQL, stamp) -> None:
    """:func:`record_stamp` on a DB-API ``cursor`` of the session's connection (the quick
    scan's): the same upserts in the same transaction, without SQLAlchemy's execution."""
    cursor.execute(
        driver.sql(_ADD_TO_STAMP_TALLY),
        {
            "campaign_id": stamp.campaign_id,
            "hour": hour_of(stamp.created_at),
            "checkpoint_id": stamp.checkpoint_id,
            "count": stamp.count,
        },
    )
    cursor.execute(
        driver.sql(_ADD_TO_CARD_TALLY),
        {
            "campaign_id": stamp.campaign_id,
            "card_id": stamp.card_id,
            "english": stamp.locale == "en",
            "at": driver.to_db(stamp.created_at),
            "count": stamp.count,
        },
    )


def forget_card(card_id: int, campaign_id: int) -> None:
    """Take a card's stamps in a campaign out of the tallies (before they are deleted)."""
    stamps = db.session.execute(
        select(Stamp.checkpoint_id, Stamp.created_at, Stamp.count).where(
            Stamp.card_id == card_id, Stamp.campaign_id == campaign_id
        )
    ).all()
    for checkpoint_id, created_at, count in stamps:
        db.session.execute(
            update(StampTally)
            .where(
                StampTally.campaign_id == campaign_id,
                StampTally.hour == hour_of(created_at),
                StampTally.checkpoint_id == checkpoint_id,
            )
            .values(stamps=StampTally.stamps - count)
        )
    db.session.execute(
        delete(CardTally).where(CardTally.campaign_id == campaign_id, CardTally.card_id == card_id)
    )


def rebuild_tallies(campaign_id: int) -> None:
    """Recompute a campaign's tallies from its stamps (after a bulk import)."""
    for model in (StampTally, CardTally):
        db.session.execute(delete(model).where(model.campaign_id == campaign_id))
    if db.engine.dialect.name == "sqlite":
        hour = func.cast(func.strftime("%s", Stamp.created_at), db.BigInteger) // 3600
    else:
        hour = func.cast(func.extract("epoch", Stamp.created_at), db.BigInteger) // 3600
    db.session.execute(
        insert(StampTally).from_select(
            ["campaign_id", "hour", "checkpoint_id", "stamps"],
            select(Stamp.campaign_id, hour, Stamp.checkpoint_id, func.sum(Stamp.count))
            .where(Stamp.campaign_id == campaign_id)
            .group_by(Stamp.campaign_id, hour, Stamp.checkpoint_id),
        )
    )
    english = func.max(case((Stamp.locale == "en", 1), else_=0)) == 1
    db.session.execute(
        insert(CardTally).from_select(
            ["campaign_id", "card_id", "stamps", "english", "first_at", "last_at"],
            select(
                Stamp.campaign_id,
                Stamp.card_id,
                func.sum(Stamp.count),
                english,
                func.min(Stamp.created_at),
                func.max(Stamp.created_at),
            )
            .where(Stamp.campaign_id == campaign_id)
            .group_by(Stamp.campaign_id, Stamp.card_id),
        )
    )
    db.session.flush()


@checkpoints_removing.connect
def forget_checkpoints(campaign, *, checkpoints, **extra) -> None:
    """The hourly rows of checkpoints about to leave a campaign. They hold no stamp (a
    checkpoint with stamps stays), but a voided card leaves its hours at zero."""
    ids = [checkpoint.id for checkpoint in checkpoints if checkpoint.id is not None]
    if ids:
        db.session.execute(delete(StampTally).where(StampTally.checkpoint_id.in_(ids)))
