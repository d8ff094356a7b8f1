"""The lottery room's answers to what the campaigns room announces."""

from sqlalchemy import delete, select

from rally.campaigns.editing import tier_in_use
from rally.campaigns.signals import tiers_removing
from rally.extensions import db
from rally.lottery.models import Lottery, LotteryEntry


@tiers_removing.connect
def let_go_of_lotteries(campaign, *, tiers, **extra) -> None:
    """A removed tier's lottery, never drawn and without entries, goes with it; one already
    entered or drawn keeps the tier.

    :raise CampaignError: ``tier_in_use``.
    """
    ids = [tier.id for tier in tiers]
    held = db.session.scalar(
        select(Lottery.id)
        .where(Lottery.tier_id.in_(ids))
        .where(Lottery.drawn_at.is_not(None) | Lottery.id.in_(select(LotteryEntry.lottery_id)))
        .limit(1)
    )
    if held is not None:
        raise tier_in_use()
    db.session.execute(delete(Lottery).where(Lottery.tier_id.in_(ids)))
