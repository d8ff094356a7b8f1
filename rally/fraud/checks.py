"""Flags on suspicious stamps, raised from the stamping room's signals.

A flag never refuses a stamp: the association decides (:mod:`.review`). The stamping room
announces each visitor's scan (:data:`rally.stamping.signals.stamp_scanned`) and a declined
location (:data:`rally.stamping.signals.location_declined`); the receivers here write the
flag in the stamp's own transaction.
"""

from datetime import datetime

from flask import current_app

from rally.extensions import db
from rally.fraud.models import FlagKind, FraudFlag
from rally.stamping.signals import Visit, location_declined, stamp_scanned
from rally.utils import distance_m


@stamp_scanned.connect
def flag_travel(
    checkpoint,
    *,
    card_id: int,
    here: tuple[float | None, float | None],
    previous: Visit | None,
    now: datetime,
    **extra,
) -> FraudFlag | None:
    """Flag a stamp further from the card's previous one than anyone could walk.

    :param checkpoint: anything with ``id`` and ``campaign_id``.
    :param here: the checkpoint's place (latitude, longitude).
    :param previous: the card's most recent stamp before this one, if any.
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


@location_declined.connect
def flag_no_location(checkpoint, *, card_id: int, now: datetime, **extra) -> FraudFlag:
    """The visitor declined to share their location where the campaign asks for it."""
    flag = FraudFlag(
        card_id=card_id,
        campaign_id=checkpoint.campaign_id,
        kind=FlagKind.no_location,
        detail={"to_checkpoint_id": checkpoint.id},
        created_at=now,
    )
    db.session.add(flag)
    return flag
