"""A card's progress in a campaign under its rules: stamps, points, areas and tiers.

Pure computation over rows loaded once (:func:`rally.campaigns.operations.card_progress`),
so the card page, claims and lottery entries all count the same way.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import bindparam, func, select

from rally.areas.models import Area
from rally.campaigns.models import Campaign, Checkpoint, RewardTier, TierBasis
from rally.cards.models import Card, Stamp
from rally.extensions import db
from rally.i18n import Translated
from rally.spots.models import Spot
from rally.stores.models import Store


@dataclass(frozen=True, eq=False)
class CheckpointRow(Translated):
    """What a card shows of a checkpoint and its place, read as one plain row per checkpoint
    (the card page lists up to 60: whole ORM objects for each cost more than the page)."""

    id: int
    campaign_id: int
    store_id: int | None
    spot_id: int | None
    points: int
    stamp_image_filename: str | None
    area_id: int | None
    name: dict[str, str]
    address: dict[str, str]
    # The store's category or the spot's kind (a TitledEnum with a translated label).
    kind: object
    # An approved store or a published spot. A suspended store stays on the card (its
    # stamps count) but no stamp can be collected there, so it is neither to visit nor
    # needed to complete the card.
    open: bool = True

    @property
    def place(self) -> "CheckpointRow":
        """The row stands for its place too: ``tr("name")``, ``tr("address")``, ``area_id``."""
        return self

    @property
    def place_label(self) -> str:
        return self.kind.label


@dataclass(frozen=True)
class AreaProgress:
    """Stamps of one area; ``area`` is ``None`` for places outside any area."""

    area: object | None
    checkpoints: list[CheckpointRow]
    stamps: int
    required: int
    visited: int
    # False: every place of the area is closed (a suspended store) and the card has not
    # completed the area: it is shown, but not needed for "every area".
    counted: bool = True

    @property
    def complete(self) -> bool:
        return self.area is not None and self.counted and self.stamps >= self.required

    @property
    def to_go(self) -> int:
        return max(0, self.required - self.stamps)


@dataclass(frozen=True)
class TierProgress:
    """Where a card stands against one tier.

    ``reached`` counts the times the tier was reached: 0 or 1, or any number for a
    repeating tier ("every 7 points"); ``to_go`` is what the next one still needs.
    """

    tier: RewardTier
    value: int
    reached: int
    to_go: int
    target: int


@dataclass(frozen=True)
class CardProgress:
    """What the card page shows for one campaign."""

    campaign: Campaign
    checkpoints: list[CheckpointRow]
    # checkpoint id -> the card's latest stamp there (a row: id, checkpoint_id, created_at,
    # slot, count, points)
    stamps: dict[int, Stamp]
    # checkpoint id -> stamps collected there (several with repeat check-ins or purchases)
    counts: dict[int, int] = field(default_factory=dict)
    points: int = 0
    areas: list[AreaProgress] = field(default_factory=list)

    @property
    def collected(self) -> int:
        """Checkpoints visited at least once."""
        return len(self.stamps)

    @property
    def counted(self) -> list[CheckpointRow]:
        """The places a full card needs: those open now, and any the card has a stamp from."""
        return [cp for cp in self.checkpoints if cp.open or cp.id in self.stamps]

    @property
    def total(self) -> int:
        return len(self.counted)

    @property
    def stamp_total(self) -> int:
        return sum(self.counts.values())

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.collected == self.total

    @property
    def to_visit(self) -> list[CheckpointRow]:
        return [cp for cp in self.checkpoints if cp.open and cp.id not in self.stamps]

    @property
    def has_areas(self) -> bool:
        return any(area.area is not None for area in self.areas)

    @property
    def areas_complete(self) -> int:
        return sum(1 for area in self.areas if area.complete)

    @property
    def area_total(self) -> int:
        return sum(1 for area in self.areas if area.area is not None and area.counted)

    def value_of(self, basis: TierBasis) -> int:
        if basis is TierBasis.points:
            return self.points
        if basis in (TierBasis.areas, TierBasis.all_areas):
            return self.areas_complete
        return self.stamp_total

    def tier(self, tier: RewardTier) -> TierProgress:
        value = self.value_of(tier.basis)
        target = self.area_total if tier.basis is TierBasis.all_areas else tier.threshold
        if target <= 0:
            # A zero threshold is reached from the start, once; "every area" of a campaign
            # without areas never is.
            reached = int(tier.basis is not TierBasis.all_areas)
            return TierProgress(tier, value, reached, 0, target)
        if tier.repeats and tier.basis is not TierBasis.all_areas:
            reached = value // target
            to_go = target - value % target
        else:
            reached = int(value >= target)
            to_go = max(0, target - value)
        return TierProgress(tier, value, reached, to_go, target)

    def tiers(self) -> list[TierProgress]:
        return [self.tier(tier) for tier in self.campaign.tiers]


def build_progress(
    campaign: Campaign, checkpoints: list[CheckpointRow], stamps: list[Stamp], areas: list
) -> CardProgress:
    """Count ``stamps`` (one card's, in ``campaign``) against the campaign's rules.

    :param checkpoints: the campaign's checkpoints with their places, in page order.
    :param areas: the district's areas, in their order.
    """
    latest: dict[int, Stamp] = {}
    counts: dict[int, int] = defaultdict(int)
    points = 0
    for stamp in stamps:
        counts[stamp.checkpoint_id] += stamp.count
        points += stamp.points
        current = latest.get(stamp.checkpoint_id)
        if current is None or stamp.slot > current.slot:
            latest[stamp.checkpoint_id] = stamp

    by_area: dict[int | None, list[CheckpointRow]] = defaultdict(list)
    for checkpoint in checkpoints:
        by_area[checkpoint.area_id].append(checkpoint)
    required = max(campaign.stamps_per_area or 1, 1)
    area_rows = []
    for area in [*areas, None]:
        members = by_area.get(area.id if area is not None else None)
        if not members:
            continue
        area_rows.append(
            AreaProgress(
                area=area,
                checkpoints=members,
                stamps=sum(counts.get(cp.id, 0) for cp in members),
                required=required,
                visited=sum(1 for cp in members if cp.id in latest),
                # An area only a suspended place could complete is not needed, unless the
                # card has completed it already.
                counted=any(cp.open for cp in members)
                or sum(counts.get(cp.id, 0) for cp in members) >= required,
            )
        )
    return CardProgress(
        campaign=campaign,
        checkpoints=checkpoints,
        stamps=latest,
        counts=dict(counts),
        points=points,
        areas=area_rows,
    )


# --- Reading a card's progress from the database ------------------------------------------


def campaign_rows(campaign: Campaign) -> tuple[list[CheckpointRow], list]:
    """The campaign's checkpoints with their places, in the card's order (shops first,
    grouped by category, then the tourist spots), and the areas they lie in, in order."""

    checkpoints = [
        CheckpointRow(*row[:9], kind=row[9] if row.store_id is not None else row[10], open=row[11])
        for row in db.session.execute(
            _statements()["checkpoint_rows"], {"campaign_id": campaign.id}
        )
    ]
    area_ids = {cp.area_id for cp in checkpoints} - {None}
    areas = []
    if area_ids:
        areas = list(
            db.session.scalars(
                select(Area).where(Area.id.in_(area_ids)).order_by(Area.position, Area.id)
            )
        )
    return checkpoints, areas


def card_progress(
    card: Card | None,
    campaign: Campaign,
    rows: tuple[list, list] | None = None,
    stamps: list | None = None,
) -> CardProgress:
    """Stamps of ``card`` in ``campaign`` beside the campaign's checkpoints, areas and tiers.

    :param rows: :func:`campaign_rows` of the campaign, when the caller has them already.
    :param stamps: the card's stamps in the campaign, when the caller has read them already.
    """
    checkpoints, areas = rows or campaign_rows(campaign)
    if stamps is not None:
        return build_progress(campaign, checkpoints, stamps, areas)
    stamps = []
    if card is not None:
        # Plain rows (id, checkpoint_id, created_at, slot, count, points), as for checkpoints.
        stamps = list(
            db.session.execute(
                _statements()["card_stamps"], {"card_id": card.id, "campaign_id": campaign.id}
            )
        )
    return build_progress(campaign, checkpoints, stamps, areas)


# What the card page reads of each of a card's stamps (rally.campaigns.cardpage reads them too).
CARD_STAMP_COLUMNS = (
    Stamp.id,
    Stamp.checkpoint_id,
    Stamp.created_at,
    Stamp.slot,
    Stamp.count,
    Stamp.points,
)


@cache
def _statements() -> dict:
    """The card page's queries, built once (each page only binds its parameters)."""
    return {
        "checkpoint_rows": select(
            Checkpoint.id,
            Checkpoint.campaign_id,
            Checkpoint.store_id,
            Checkpoint.spot_id,
            Checkpoint.points,
            Checkpoint.stamp_image_filename,
            func.coalesce(Store.area_id, Spot.area_id),
            func.coalesce(Store.name, Spot.name),
            func.coalesce(Store.address, Spot.address),
            Store.category,
            Spot.kind,
            Checkpoint.is_open,
        )
        .outerjoin(Store, Checkpoint.store_id == Store.id)
        .outerjoin(Spot, Checkpoint.spot_id == Spot.id)
        .where(Checkpoint.campaign_id == bindparam("campaign_id"))
        .order_by(Checkpoint.spot_id.is_not(None), Store.category, Store.id, Spot.id),
        "card_stamps": select(*CARD_STAMP_COLUMNS).where(
            Stamp.card_id == bindparam("card_id"), Stamp.campaign_id == bindparam("campaign_id")
        ),
    }


def tier_progress(card: Card, tier: RewardTier) -> TierProgress:
    """How often ``card`` has reached ``tier`` (claims and lottery entries count on this)."""
    return card_progress(card, tier.campaign).tier(tier)


def campaigns_of_card(card: Card) -> list[Campaign]:
    """Campaigns in which ``card`` holds at least one stamp, newest first."""
    return list(
        db.session.scalars(
            select(Campaign)
            .join(Stamp, Stamp.campaign_id == Campaign.id)
            .where(Stamp.card_id == card.id)
            .group_by(Campaign.id)
            .order_by(func.max(Stamp.created_at).desc())
        )
    )
