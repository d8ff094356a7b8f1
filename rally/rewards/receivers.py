"""The rewards room's answers to what the campaigns room announces."""

from sqlalchemy import select

from rally.campaigns.editing import tier_in_use
from rally.campaigns.signals import tiers_removing
from rally.extensions import db
from rally.rewards.models import Claim


@tiers_removing.connect
def keep_claimed_tiers(campaign, *, tiers, **extra) -> None:
    """A tier visitors claimed stays: its claims name it.

    :raise CampaignError: ``tier_in_use``.
    """
    ids = [tier.id for tier in tiers]
    if db.session.scalar(select(Claim.id).where(Claim.tier_id.in_(ids)).limit(1)) is not None:
        raise tier_in_use()
