"""Pace and travel checks on new stamps, and voiding a card's stamps."""

import math
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from rally.campaigns.models import Card, Checkpoint, RewardTier, Stamp
from rally.errors import RallyError, StateError
from rally.extensions import db
from rally.i18n import _l
from rally.pagination import paginate

from .models import FlagKind, FlagResolution, FraudFlag


class FlagError(StateError):
    """A flag cannot be resolved (it already is)."""


def _already_resolved() -> FlagError:
    return FlagError(
        _l("This flag has already been resolved: nothing was changed."),
        code="already_resolved",
    )


def _claim_flag(flag: FraudFlag, resolution: FlagResolution, now: datetime) -> None:
    """Resolve ``flag`` if nobody has: ``UPDATE ... WHERE resolved_at IS NULL`` decides.

    Of any number of simultaneous resolutions exactly one changes the row (on PostgreSQL
    the others wait on its row lock, then find it resolved).

    :raise FlagError: ``already_resolved``.
    """
    claimed = db.session.execute(
        update(FraudFlag)
        .where(FraudFlag.id == flag.id, FraudFlag.resolved_at.is_(None))
        .values(resolved_at=now, resolution=resolution)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(flag)
        raise _already_resolved()


def last_stamp(card: Card) -> Stamp | None:
    """The card's most recent stamp, in any campaign."""
    return db.session.scalar(
        select(Stamp).where(Stamp.card_id == card.id).order_by(Stamp.created_at.desc()).limit(1)
    )


def check_pace(last: Stamp | None, now: datetime, error_class: type[RallyError]) -> None:
    """Refuse a new stamp that follows the card's last one too closely.

    :param last: the card's most recent stamp (:func:`last_stamp`).
    :raise error_class: ``too_soon`` within ``RALLY_MIN_STAMP_INTERVAL`` seconds.
    """
    interval = current_app.config["RALLY_MIN_STAMP_INTERVAL"]
    if interval and last is not None and now - last.created_at < timedelta(seconds=interval):
        raise error_class(
            _l("Stamps come one shop at a time. Please try again in a moment."),
            code="too_soon",
            status=429,
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


class Voided(NamedTuple):
    """What a void removed: the card's stamps in the campaign, its claims not handed over."""

    stamps: int
    claims: int


def void_card(flag: FraudFlag, now: datetime) -> Voided:
    """Void the stamps of the flagged card in the flag's campaign.

    Unredeemed claims of that card in the campaign (rewards and lottery prizes) are
    cancelled and the rewards' stock given back; redeemed ones stay on record. The card
    leaves the campaign's lotteries not drawn yet. Every open flag of the card in the campaign is
    resolved as voided, with these counts (the resolved list words them per language).

    Locking: the card's row first (``FOR NO KEY UPDATE``: voids of one card run one after
    another, scans are not held up), then the flag is claimed (:func:`_claim_flag`) before
    anything is deleted; a lost claim deletes nothing.

    :return: the stamps removed and the claims cancelled.
    :raise FlagError: ``already_resolved`` (voided or dismissed before).
    """
    from rally.dashboard.tallies import forget_card
    from rally.lottery.operations import withdraw_card
    from rally.rewards.models import Claim, ClaimKind

    card_id, campaign_id = flag.card_id, flag.campaign_id
    db.session.execute(select(Card.id).where(Card.id == card_id).with_for_update(key_share=True))
    _claim_flag(flag, FlagResolution.voided, now)
    open_claims = db.session.scalars(
        select(Claim).where(
            Claim.card_id == card_id, Claim.campaign_id == campaign_id, Claim.redeemed_at.is_(None)
        )
    ).all()
    for claim in open_claims:
        if claim.kind is ClaimKind.reward:  # a lottery prize took nothing from the stock
            db.session.execute(
                update(RewardTier)
                .where(RewardTier.id == claim.tier_id, RewardTier.stock.is_not(None))
                .values(stock=RewardTier.stock + 1)
            )
        db.session.delete(claim)
    forget_card(card_id, campaign_id)
    withdraw_card(card_id, campaign_id)
    removed = db.session.execute(
        delete(Stamp).where(Stamp.card_id == card_id, Stamp.campaign_id == campaign_id)
    ).rowcount
    db.session.execute(
        update(FraudFlag)
        .where(
            FraudFlag.card_id == card_id,
            FraudFlag.campaign_id == campaign_id,
            or_(FraudFlag.id == flag.id, FraudFlag.resolved_at.is_(None)),
        )
        .values(
            resolved_at=now,
            resolution=FlagResolution.voided,
            stamps_voided=removed,
            claims_cancelled=len(open_claims),
        )
    )
    db.session.flush()
    return Voided(removed, len(open_claims))


def dismiss_flag(flag: FraudFlag, now: datetime) -> None:
    """The association looked and found nothing wrong.

    :raise FlagError: ``already_resolved`` (voided or dismissed before).
    """
    _claim_flag(flag, FlagResolution.dismissed, now)
    db.session.refresh(flag)


def flags_page(page: int, per_page: int, with_resolved: bool = False):
    """One page of the flags, newest first: the open ones, or all of them.

    :param page: the page asked for (clamped to those that exist, as every list pages).
    """
    query = select(FraudFlag).order_by(FraudFlag.created_at.desc(), FraudFlag.id.desc())
    if not with_resolved:
        query = query.where(FraudFlag.resolved_at.is_(None))
    return paginate(query, page, per_page)


def open_flag_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(FraudFlag).where(FraudFlag.resolved_at.is_(None))
    )
