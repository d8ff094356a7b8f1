"""When a card may claim a reward: the one rule the card page shows and
:func:`rally.rewards.operations.claim_reward` enforces (as Indico's
``Registration.can_be_withdrawn``)."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ClaimStanding:
    """Where a card stands with one reward tier's first-come prize."""

    #: The tier gives a first-come prize (not a lottery-only tier).
    first_come: bool
    #: The next occurrence the card may claim (1 for a tier reached once), or None.
    next_occurrence: int | None
    #: Reached again, but the stock has run out.
    out_of_stock: bool


def claim_period_over(campaign, now: datetime) -> bool:
    """Past the campaign's ``claims_until``: no reward or prize is claimed or handed over
    any more (a campaign without one has no deadline)."""
    return campaign.claims_until is not None and now >= campaign.claims_until


def is_first_come(tier, has_lottery: bool) -> bool:
    """A tier drawn by lottery is claimed first-come only when it also has a stock (a prize
    beside the lottery); without one it is won in the lottery only."""
    return not has_lottery or tier.stock is not None


def claim_standing(
    tier, reached: int, claims: list, has_lottery: bool, period_over: bool = False
) -> ClaimStanding:
    """A card that reached ``tier`` ``reached`` times and holds ``claims`` of it;
    ``period_over``: past the campaign's claim deadline (:func:`claim_period_over`)."""
    first_come = is_first_come(tier, has_lottery)
    due = first_come and len(claims) < reached and not period_over
    return ClaimStanding(
        first_come=first_come,
        next_occurrence=len(claims) + 1 if due and tier.stock != 0 else None,
        out_of_stock=due and tier.stock == 0,
    )
