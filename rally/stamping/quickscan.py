"""The common scan, read and written as plain rows: the hottest path of a rally.

Most scans are a phone collecting the one stamp of a shop in a visit campaign: no quiz, no
geofence, no further code. :func:`quick_scan` serves exactly those with a handful of
statements prepared once (one ``SELECT`` for the checkpoint, its campaign and its place, the
``INSERT`` of the card and the stamp, the two tally upserts) instead of the ORM's unit of
work, which cost about twice as much CPU per scan (bench/README.md). The rules are the same
functions the full path uses (:mod:`.operations`, :mod:`rally.fraud.checks`); anything
else, including every refusal of the checkpoint, is answered ``None`` so that the caller
takes the full path (:func:`.operations.resolve_scan`, :func:`.operations.grant_stamp`),
which gives the translated reason.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import DateTime, and_, bindparam, case, insert, select, text, update

from rally.campaigns.models import Campaign, CampaignKind, Checkpoint, QrMode
from rally.cards.models import Card, Stamp, new_card_key
from rally.dashboard.tallies import record_stamp
from rally.extensions import db
from rally.fraud.checks import Visit, flag_travel
from rally.stamping.operations import (
    StampError,
    check_campaign_open,
    check_pace,
    check_rotating_step,
    next_slot,
)
from rally.stamping.tokens import InvalidToken, read_checkpoint_token


@dataclass(frozen=True)
class QuickScan:
    """What the scan's answer needs: where to send the visitor and which card to remember."""

    campaign_id: int
    checkpoint_id: int
    card_key: str
    created: bool  # False: the card already held this stamp


@cache
def _statements() -> dict:
    """Every statement of the quick scan, built once per process (their compiled SQL is
    cached by SQLAlchemy, so each scan only binds parameters)."""
    from rally.spots.models import Spot
    from rally.stores.models import Store, StoreStatus

    cp, campaign = Checkpoint.__table__, Campaign.__table__
    store, spot, stamp, card = Store.__table__, Spot.__table__, Stamp.__table__, Card.__table__
    is_open = case(
        (cp.c.store_id.is_not(None), store.c.status == StoreStatus.approved),
        else_=spot.c.published,
    )
    latitude = case((cp.c.store_id.is_not(None), store.c.latitude), else_=spot.c.latitude)
    longitude = case((cp.c.store_id.is_not(None), store.c.longitude), else_=spot.c.longitude)
    places = cp.outerjoin(store, store.c.id == cp.c.store_id).outerjoin(
        spot, spot.c.id == cp.c.spot_id
    )
    return {
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
            (campaign.c.kind == CampaignKind.purchase).label("is_purchase"),
            campaign.c.recheck,
            campaign.c.recheck_hours,
        )
        .select_from(places.join(campaign, campaign.c.id == cp.c.campaign_id))
        .where(cp.c.id == bindparam("checkpoint_id")),
        "card": select(card.c.id, card.c.locale).where(card.c.key == bindparam("key")),
        "new_card": insert(card).returning(card.c.id),
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
        .limit(1),
        "previous": select(stamp.c.checkpoint_id, stamp.c.created_at, latitude, longitude)
        .select_from(stamp.join(places, cp.c.id == stamp.c.checkpoint_id))
        .where(stamp.c.card_id == bindparam("card_id"))
        .order_by(stamp.c.created_at.desc())
        .limit(1),
        # A parallel scan of the same card may have taken the slot: then nothing is inserted
        # and no row comes back (SQLite 3.35+ and PostgreSQL both speak this).
        "stamp": text(
            "INSERT INTO stamp (card_id, checkpoint_id, campaign_id, created_at, locale, slot,"
            " count, points) VALUES (:card_id, :checkpoint_id, :campaign_id, :created_at,"
            " :locale, :slot, :count, :points)"
            " ON CONFLICT (card_id, checkpoint_id, slot) DO NOTHING RETURNING id"
        ).bindparams(bindparam("created_at", type_=DateTime)),
    }


def quick_scan(token: str, card_key: str | None, locale: str, now: datetime) -> QuickScan | None:
    """Give the stamp of a plain checkpoint, or ``None`` when the full path must decide.

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
    sql = _statements()
    conn = db.session.connection()
    # The row stands for the checkpoint and its campaign in the shared checks (it has their
    # attribute names: id, campaign_id, state, starts_at, recheck, is_purchase, ...).
    target = conn.execute(sql["checkpoint"], {"checkpoint_id": data.checkpoint_id}).first()
    if not _plain_and_open(target, data, now):
        return None
    card = conn.execute(sql["card"], {"key": card_key}).first() if card_key else None
    if card is None:
        card_key = new_card_key()
        card_id = conn.execute(
            sql["new_card"], {"key": card_key, "locale": locale, "created_at": now}
        ).scalar_one()
        slot = 0
    else:
        card_id = card.id
        if card.locale != locale:
            conn.execute(sql["card_locale"], {"card_id": card_id, "locale": locale})
        latest = conn.execute(
            sql["latest_here"], {"card_id": card_id, "checkpoint_id": target.id}
        ).first()
        try:
            slot = next_slot(target, latest, now)
        except StampError as error:
            if error.is_repeat:
                return QuickScan(target.campaign_id, target.id, card_key, False)
            raise
        previous = conn.execute(sql["previous"], {"card_id": card_id}).first()
        visit = previous and Visit(*previous)
        check_pace(visit, now)
        flag_travel(card_id, target, (target.latitude, target.longitude), visit, now)
    stamp = _NewStamp(card_id, target.id, target.campaign_id, now, locale, slot, target.points)
    if conn.execute(sql["stamp"], stamp._asdict()).first() is None:
        # A parallel scan of the same card took this slot a moment ago: this one is the
        # repeat (as the full path decides when it reads that slot back).
        return QuickScan(target.campaign_id, target.id, card_key, False)
    record_stamp(stamp)
    return QuickScan(target.campaign_id, target.id, card_key, True)


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

    card_id: int
    checkpoint_id: int
    campaign_id: int
    created_at: datetime
    locale: str
    slot: int
    points: int
    count: int = 1
