"""Pace and travel checks on new stamps: verdicts and flags for the stamping room.

A flag never refuses a stamp: the association decides (:mod:`.review`).
"""

import math
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select

from rally.campaigns.models import Checkpoint
from rally.cards.models import Card, Stamp
from rally.extensions import db
from rally.fraud.models import FlagKind, FraudFlag


def last_stamp(card: Card) -> Stamp | None:
    """The card's most recent stamp, in any campaign."""
    return db.session.scalar(
        select(Stamp).where(Stamp.card_id == card.id).order_by(Stamp.created_at.desc()).limit(1)
    )


def too_soon(last, now: datetime) -> bool:
    """Whether a new stamp follows the card's last one within ``RALLY_MIN_STAMP_INTERVAL``
    seconds: stamps come one shop at a time (the stamping room refuses it as ``too_soon``).

    :param last: the card's most recent stamp (:func:`last_stamp`), or a :class:`Visit`.
    """
    interval = current_app.config["RALLY_MIN_STAMP_INTERVAL"]
    return bool(
        interval and last is not None and now - last.created_at < timedelta(seconds=interval)
    )


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


class Visit(NamedTuple):
    """Where and when a card's stamp was given: what the travel check compares."""

    checkpoint_id: int
    created_at: datetime
    latitude: float | None
    longitude: float | None


def flag_impossible_travel(
    card: Card, checkpoint: Checkpoint, previous: Stamp | None, now: datetime
) -> FraudFlag | None:
    """Flag (never refuse) a stamp further from the previous one than anyone could walk.

    :param previous: the card's most recent stamp before this one (:func:`last_stamp`).
    The stamp is kept: the association decides.
    """
    if previous is None:
        return None
    there, here = previous.checkpoint.place, checkpoint.place
    return flag_travel(
        card.id,
        checkpoint,
        (here.latitude, here.longitude),
        Visit(previous.checkpoint_id, previous.created_at, there.latitude, there.longitude),
        now,
    )


def flag_travel(
    card_id: int,
    checkpoint,
    here: tuple[float | None, float | None],
    previous: Visit | None,
    now: datetime,
) -> FraudFlag | None:
    """:func:`flag_impossible_travel` from plain values (the scan path reads rows).

    :param checkpoint: anything with ``id`` and ``campaign_id``.
    :param here: the checkpoint's place (latitude, longitude).
    """
    if previous is None or None in (*here, previous.latitude, previous.longitude):
        return None
    metres = distance_m((previous.latitude, previous.longitude), here)
    seconds = max((now - previous.created_at).total_seconds(), 1.0)
    speed_kmh = metres / seconds * 3.6
    if speed_kmh <= current_app.config["RALLY_MAX_TRAVEL_SPEED_KMH"] or metres < 200:
        return None
    flag = FraudFlag(
        card_id=card_id,
        campaign_id=checkpoint.campaign_id,
        kind=FlagKind.impossible_travel,
        detail={
            "from_checkpoint_id": previous.checkpoint_id,
            "to_checkpoint_id": checkpoint.id,
            "metres": round(metres),
            "seconds": round(seconds),
        },
        created_at=now,
    )
    db.session.add(flag)
    return flag


def flag_no_location(card: Card, checkpoint: Checkpoint, now: datetime) -> FraudFlag:
    """The visitor declined to share their location where the campaign asks for it."""
    flag = FraudFlag(
        card_id=card.id,
        campaign_id=checkpoint.campaign_id,
        kind=FlagKind.no_location,
        detail={"to_checkpoint_id": checkpoint.id},
        created_at=now,
    )
    db.session.add(flag)
    return flag
