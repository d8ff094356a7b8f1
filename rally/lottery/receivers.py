"""The lottery room's answers to what the campaigns and visitors rooms announce."""

from sqlalchemy import delete, func, select

from rally.campaigns.editing import tier_in_use
from rally.campaigns.signals import tiers_removing
from rally.extensions import db
from rally.lottery.models import Lottery, LotteryEntry
from rally.visitors.signals import account_deleting, counting_withdrawals


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


@account_deleting.connect
def withdraw_account(visitor, **extra) -> tuple[int, int]:
    """Take a deleted account's entries out of the lotteries not drawn yet: a winner could
    not be told. Return how many were withdrawn, and how many stay (those of drawn
    lotteries: a published result must stay verifiable).

    Received from :func:`rally.visitors.operations.delete_account`, which has locked the
    account's row for update: an entry in flight (its insert holds a key lock on the row,
    see :func:`rally.lottery.operations.enter_lottery`) was waited for and is seen here;
    an entry arriving later waits for the deletion and finds the account gone. The entries
    are read under the lotteries' share lock, as
    :func:`rally.lottery.operations.withdraw_card` does, so a draw at the same moment counts
    them all or none.
    """
    entered = select(LotteryEntry.lottery_id).where(LotteryEntry.visitor_id == visitor.id)
    open_lotteries = db.session.scalars(
        select(Lottery.id)
        .where(Lottery.id.in_(entered), Lottery.drawn_at.is_(None))
        .with_for_update(read=True)
    ).all()
    withdrawn = 0
    if open_lotteries:
        withdrawn = db.session.execute(
            delete(LotteryEntry).where(
                LotteryEntry.visitor_id == visitor.id,
                LotteryEntry.lottery_id.in_(open_lotteries),
            )
        ).rowcount
    kept = db.session.scalar(
        select(func.count()).select_from(LotteryEntry).where(LotteryEntry.visitor_id == visitor.id)
    )
    return withdrawn, kept


@counting_withdrawals.connect
def open_entries_of(visitor, **extra) -> int:
    """How many of ``visitor``'s lottery entries wait for a draw (deleting the account
    withdraws them)."""
    return db.session.scalar(
        select(func.count())
        .select_from(LotteryEntry)
        .join(Lottery, Lottery.id == LotteryEntry.lottery_id)
        .where(LotteryEntry.visitor_id == visitor.id, Lottery.drawn_at.is_(None))
    )
