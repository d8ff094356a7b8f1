"""Keeping the dashboard's tallies in step with the stamps (same transaction)."""

from datetime import UTC, datetime

from sqlalchemy import case, delete, func, insert, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from rally.campaigns.models import Stamp
from rally.extensions import db

from .models import CardTally, StampTally


def hour_of(moment: datetime) -> int:
    """Whole hours since 1970 for a naive UTC datetime."""
    return int(moment.replace(tzinfo=UTC).timestamp()) // 3600


def _upsert(model, values: dict, index: list[str], set_: dict) -> None:
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(**values)
    db.session.execute(statement.on_conflict_do_update(index_elements=index, set_=set_))


def record_stamp(stamp: Stamp) -> None:
    """Add a new stamp to both tallies (an atomic upsert each, safe under concurrency)."""
    _upsert(
        StampTally,
        {
            "campaign_id": stamp.campaign_id,
            "hour": hour_of(stamp.created_at),
            "checkpoint_id": stamp.checkpoint_id,
            "stamps": 1,
        },
        ["campaign_id", "hour", "checkpoint_id"],
        {"stamps": StampTally.stamps + 1},
    )
    english = stamp.locale == "en"
    _upsert(
        CardTally,
        {
            "campaign_id": stamp.campaign_id,
            "card_id": stamp.card_id,
            "stamps": 1,
            "english": english,
            "first_at": stamp.created_at,
            "last_at": stamp.created_at,
        },
        ["campaign_id", "card_id"],
        {
            "stamps": CardTally.stamps + 1,
            "english": true() if english else CardTally.english,
            "last_at": func.max(CardTally.last_at, stamp.created_at)
            if db.engine.dialect.name == "sqlite"
            else func.greatest(CardTally.last_at, stamp.created_at),
        },
    )


def forget_card(card_id: int, campaign_id: int) -> None:
    """Take a card's stamps in a campaign out of the tallies (before they are deleted)."""
    stamps = db.session.execute(
        select(Stamp.checkpoint_id, Stamp.created_at).where(
            Stamp.card_id == card_id, Stamp.campaign_id == campaign_id
        )
    ).all()
    for checkpoint_id, created_at in stamps:
        db.session.execute(
            update(StampTally)
            .where(
                StampTally.campaign_id == campaign_id,
                StampTally.hour == hour_of(created_at),
                StampTally.checkpoint_id == checkpoint_id,
            )
            .values(stamps=StampTally.stamps - 1)
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
            select(Stamp.campaign_id, hour, Stamp.checkpoint_id, func.count())
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
                func.count(),
                english,
                func.min(Stamp.created_at),
                func.max(Stamp.created_at),
            )
            .where(Stamp.campaign_id == campaign_id)
            .group_by(Stamp.campaign_id, Stamp.card_id),
        )
    )
    db.session.flush()
