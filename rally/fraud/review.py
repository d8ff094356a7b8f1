"""The association reviews fraud flags: voiding a flagged card's stamps (the one place that
undoes claims, lottery entries and tallies together) or dismissing the flag.
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, func, or_, select, update

from rally.campaigns.models import RewardTier
from rally.cards.models import Card, Stamp
from rally.errors import StateError
from rally.extensions import db
from rally.fraud.models import FlagResolution, FraudFlag
from rally.i18n import _l
from rally.lottery.operations import withdraw_card
from rally.pagination import paginate
from rally.rewards.models import Claim, ClaimKind
from rally.stamping.tallies import forget_card


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
