"""Where a card stands in a tier's lottery: the one reading the card page shows and
:func:`rally.lottery.operations.enter_lottery` agrees with."""

from dataclasses import dataclass
from enum import Enum


class Outcome(Enum):
    """What the card page says of a lottery the card's tier has."""

    won = "won"
    #: The card won, but the association voided it after the draw: the prize went with it.
    prize_cancelled = "prize_cancelled"
    lost = "lost"
    entered = "entered"
    #: Drawn without this card in it.
    drawn_without_card = "drawn_without_card"
    #: Not drawn yet, and the card has not entered.
    open = "open"


@dataclass(frozen=True)
class LotteryStanding:
    outcome: Outcome
    #: The card may add an entry (one per time it reached the tier) before the draw.
    can_enter: bool


def lottery_standing(
    lottery, entries: list, prizes: list, reached: int, period_over: bool = False
) -> LotteryStanding:
    """A card that reached the tier ``reached`` times, with its ``entries`` in ``lottery``
    and the ``prizes`` (claims) it won; ``period_over``: past the campaign's claim deadline
    (no more entries: the lottery can no longer be drawn)."""
    if any(entry.won for entry in entries):
        outcome = Outcome.won if prizes else Outcome.prize_cancelled
    elif entries:
        outcome = Outcome.lost if lottery.is_drawn else Outcome.entered
    else:
        outcome = Outcome.drawn_without_card if lottery.is_drawn else Outcome.open
    return LotteryStanding(outcome, entry_due(lottery, entries, reached) and not period_over)


def entry_due(lottery, entries: list, reached: int) -> bool:
    """Whether the card may add an entry: one per time it reached the tier, before the
    draw (:func:`rally.lottery.operations.enter_lottery` adds exactly that one)."""
    return not lottery.is_drawn and len(entries) < reached
