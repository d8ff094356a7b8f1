"""The association reviews fraud flags: voiding a flagged card's stamps (the one place that
undoes claims, lottery entries and tallies together) or dismissing the flag.
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, func, select, update

from rally.campaigns.models import RewardTier
from rally.cards.models import Stamp
from rally.extensions import db
from rally.fraud.models import FlagResolution, FraudFlag
from rally.pagination import paginate


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

    :return: the stamps removed and the claims cancelled.
    """
    from rally.dashboard.tallies import forget_card
    from rally.lottery.operations import withdraw_card
    from rally.rewards.models import Claim, ClaimKind

    card_id, campaign_id = flag.card_id, flag.campaign_id
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
            FraudFlag.resolved_at.is_(None),
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
    """The association looked and found nothing wrong."""
    flag.resolved_at = now
    flag.resolution = FlagResolution.dismissed
    db.session.flush()


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
