"""Everything one campaign's card page shows, decided here so the template only prints it.

Whether a reward can be claimed and where the card stands in a lottery come from the
rewards and lottery rooms' rules (:mod:`rally.rewards.rules`, :mod:`rally.lottery.rules`),
the same the claim and the entry enforce.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from rally.campaigns.models import Campaign, RewardTier
from rally.campaigns.progress import CardProgress, TierProgress, card_progress
from rally.cards.models import Card
from rally.i18n import current_language
from rally.lottery.operations import lotteries_on_card
from rally.lottery.rules import LotteryStanding, lottery_standing
from rally.questionnaires.operations import questionnaire_done
from rally.rewards.operations import claims_of_card
from rally.rewards.rules import ClaimStanding, claim_period_over, claim_standing
from rally.stamping.operations import next_check_in

from .rows import AreaRows, PlaceRow, area_rows, place_rows, read_card
from .sheet import campaign_sheet


@dataclass(frozen=True)
class TierRow:
    """A reward tier on the card: how far the card got, its claims, its lottery."""

    progress: TierProgress
    claims: list
    claim: ClaimStanding
    lottery: object | None  # the tier's Lottery, if it has one
    entries: list
    prizes: list
    standing: LotteryStanding | None

    @property
    def tier(self) -> RewardTier:
        return self.progress.tier

    @property
    def reached(self) -> int:
        return self.progress.reached


#: The card shows this many of the places still to visit first; the rest are folded.
NEXT_PLACES = 5
#: A card without areas shows its stamps unfolded up to this many places.
OPEN_STAMPS = 12


@dataclass
class CardPage:
    """The template's context (``vars(page)``)."""

    campaign: Campaign
    card: Card | None
    progress: CardProgress
    places: dict[int, PlaceRow]
    groups: list[AreaRows]
    tiers: list[TierRow]
    show_points: bool
    over: bool
    moved: bool
    highlighted: object | None
    is_new: bool
    next_at: datetime | None
    questionnaire_done: bool
    #: A visit campaign still collecting: a visitor whose camera fails may type a PIN.
    offers_pin: bool
    #: A purchase campaign still collecting: staff give the stamps by the card's number.
    stamps_at_register: bool
    #: Rewards are claimed and handed over until then (None: no deadline).
    claims_until: datetime | None
    #: Past ``claims_until``: nothing more is claimed or handed over.
    claim_period_over: bool
    #: The reward the card is closest to (fewest to go), or None when none is ahead.
    next_goal: TierRow | None = None
    #: The first places to visit: in the areas closest to completion first.
    next_places: list[PlaceRow] | None = None
    #: How many other places are still to visit (listed folded).
    more_places: int = 0


def card_page(
    campaign_id: int,
    card_key: str | None,
    now: datetime,
    *,
    highlight: int | None = None,
    is_new: bool = False,
    moved: bool = False,
) -> CardPage | None:
    """The card page of ``campaign_id`` for the card behind ``card_key``; ``None`` for a
    campaign that does not exist or is still a draft (the page answers 404).

    :param highlight: the checkpoint whose stamp was just given (``is_new``) or found again.
    :param moved: the scan said this phone's card moved away.
    """
    visitor = read_card(card_key, campaign_id)
    sheet = campaign_sheet(campaign_id, visitor.revision)
    if sheet is None or sheet.campaign.is_draft:
        return None
    campaign, card = sheet.campaign, visitor.card
    progress = card_progress(card, campaign, sheet.rows, visitor.stamps)
    over = campaign.is_over(now)
    highlighted = progress.stamps.get(highlight)
    next_at = None
    if highlighted is not None and not is_new:
        next_at = next_check_in(campaign, highlighted.created_at)
    places = place_rows(progress, sheet.place_texts(current_language()))
    groups = unfolded_groups(area_rows(progress, places), highlight if highlighted else None)
    next_places = places_to_visit_first(progress, places)
    tiers = progress.tiers()
    # Claims and lottery entries only show beside a reached tier: most cards have none yet.
    reached = any(row.reached for row in tiers)
    claims = claims_of_card(card, campaign.id) if reached and visitor.has_claims else {}
    lotteries = lotteries_on_card(card, campaign.id, sheet.lotteries) if reached else {}
    period_over = claim_period_over(campaign, now)
    tier_rows = [_tier_row(row, claims, lotteries, period_over) for row in tiers]
    return CardPage(
        campaign=campaign,
        card=card,
        progress=progress,
        places=places,
        groups=groups,
        tiers=tier_rows,
        show_points=sheet.show_points,
        over=over,
        # A signed cookie whose card is gone: moved to another phone, or taken back by a new
        # password of its account.
        moved=moved or (card is None and card_key is not None),
        highlighted=highlighted,
        is_new=is_new,
        next_at=next_at,
        questionnaire_done=bool(card and campaign.questions and questionnaire_done(card, campaign)),
        offers_pin=campaign.is_collecting(now) and not campaign.is_purchase,
        stamps_at_register=campaign.is_purchase and not over,
        claims_until=campaign.claims_until,
        claim_period_over=period_over,
        next_goal=next_goal(tier_rows),
        next_places=next_places,
        more_places=len(progress.to_visit) - len(next_places),
    )


def next_goal(rows: list[TierRow]) -> TierRow | None:
    """The tier the card will reach next: fewest to go among those still ahead (a repeating
    tier always is), the first listed on a tie."""
    ahead = [
        row for row in rows if row.progress.to_go > 0 and (not row.reached or row.tier.repeats)
    ]
    return min(ahead, key=lambda row: row.progress.to_go, default=None)


def places_to_visit_first(progress: CardProgress, places: dict[int, PlaceRow]) -> list[PlaceRow]:
    """Up to :data:`NEXT_PLACES` places still to visit: those of the areas closest to
    completion first (a completed or closed area's places last), else in the card's order."""
    rank = {}
    for area in progress.areas:
        waiting = area.area is not None and area.counted and not area.complete
        for checkpoint in area.checkpoints:
            rank[checkpoint.id] = (0, area.to_go) if waiting else (1, 0)
    ordered = sorted(progress.to_visit, key=lambda cp: rank.get(cp.id, (1, 0)))  # stable
    return [places[cp.id] for cp in ordered[:NEXT_PLACES]]


def unfolded_groups(groups: list[AreaRows], highlight: int | None) -> list[AreaRows]:
    """Which groups of stamps show unfolded: the one holding the stamp just scanned, and a
    card without areas that fits on a screen (:data:`OPEN_STAMPS`)."""
    small = len(groups) == 1 and len(groups[0].places) <= OPEN_STAMPS
    return [
        replace(group, open=small or any(p.checkpoint_id == highlight for p in group.places))
        for group in groups
    ]


def _tier_row(row: TierProgress, claims: dict, lotteries: dict, period_over: bool) -> TierRow:
    tier_claims = claims.get(row.tier.id, [])
    lottery, entries, prizes = lotteries.get(row.tier.id, (None, [], []))
    return TierRow(
        progress=row,
        claims=tier_claims,
        claim=claim_standing(
            row.tier,
            row.reached,
            tier_claims,
            has_lottery=lottery is not None,
            period_over=period_over,
        ),
        lottery=lottery,
        entries=entries,
        prizes=prizes,
        standing=lottery and lottery_standing(lottery, entries, prizes, row.reached, period_over),
    )
