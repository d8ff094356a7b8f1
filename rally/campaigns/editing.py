"""The association edits a campaign: its dates, rules, places and reward tiers.

Functions here change state and ``flush()``; the request commits once.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import format_decimal
from sqlalchemy import func, select, update

from rally.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignState,
    Checkpoint,
    QrMode,
    Recheck,
    RewardTier,
    TierBasis,
)
from rally.campaigns.signals import checkpoints_removing, tiers_removing
from rally.cards.models import Stamp
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.i18n.content import clean_texts
from rally.spots.models import Spot
from rally.stores.models import Store, StoreStatus

# Bounds of the campaign rules, checked by the form and again here.
MAX_RECHECK_HOURS = 720


class CampaignError(RallyError):
    """A refused change to a campaign; ``code`` says why."""

    status = 409


# A tier row whose form did not say which stock it showed (a hand-made request).
UNKNOWN_STOCK = object()


@dataclass(frozen=True)
class TierInput:
    """One reward tier row as entered; ``id`` names an existing tier, ``None`` a new one."""

    id: int | None
    threshold: int
    name: dict[str, str]
    stock: int | None
    # What the threshold counts; ``all_areas`` ignores the threshold.
    basis: TierBasis = TierBasis.stamps
    # Reached again at every multiple of the threshold ("every 7 points").
    repeats: bool = False
    # The stock the form showed: an existing tier's stock is written only if ``stock``
    # differs from it, and only if it is still what is left (see :func:`_save_stock`).
    stock_seen: object = UNKNOWN_STOCK


@dataclass(frozen=True)
class CampaignInput:
    """Validated values of the campaign form. Times are naive UTC."""

    title: dict[str, str]
    rules: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    store_ids: list[int]
    tiers: list[TierInput]
    qr_mode: QrMode = QrMode.static
    geofence_m: int | None = None
    spot_ids: list[int] = field(default_factory=list)
    kind: CampaignKind = CampaignKind.visit
    # Purchase campaigns only: one stamp per this many yen, at most this many per purchase.
    yen_per_stamp: int | None = None
    max_stamps_per_purchase: int | None = None
    recheck: Recheck = Recheck.once
    recheck_hours: int | None = None
    stamps_per_area: int = 1
    # Rewards are claimed and handed over until then (naive UTC, on or after ``ends_at``).
    claims_until: datetime | None = None


def create_campaign(data: CampaignInput) -> Campaign:
    """Create a draft campaign with its checkpoints and reward tiers.

    :param data: the validated form values.
    :raise CampaignError: ``end_before_start``, ``claims_before_end``,
        ``store_not_approved``, and the rules'
        codes: ``purchase_rule_incomplete``, ``recheck_hours_invalid``,
        ``stamps_per_area_invalid``.
    """
    campaign = Campaign(state=CampaignState.draft)
    _save(campaign, data)
    db.session.add(campaign)
    db.session.flush()
    return campaign


def update_campaign(campaign: Campaign, data: CampaignInput) -> None:
    """Change a draft or published campaign without taking anything from a visitor.

    Every rule is checked before anything changes, so a refusal leaves the campaign as it was.

    :param campaign: the campaign to change.
    :param data: the validated form values.
    :raise CampaignError: ``campaign_ended`` (an ended campaign is archived),
        ``end_before_start``, ``claims_before_end`` (rewards exchanged only until before the
        end), ``no_checkpoints`` (a published campaign keeps one store at least),
        ``start_after_stamps`` / ``end_before_stamps`` (stamps already given would fall
        outside the campaign), ``checkpoint_has_stamps`` (removing a shop whose stamps
        visitors hold), ``store_not_approved``, ``unknown_tier``; for a published
        campaign: ``tier_requirement_raised``, ``tier_removed`` and ``tier_rule_changed``
        (a tier's basis changed, or its repeating switched off), ``area_requirement_raised``
        (more stamps per area), ``area_added`` (a place in a new area, when a reward
        counts every area); for a draft: ``tier_in_use`` (a removed tier has claims or a
        lottery drawn or entered); ``kind_has_stamps`` (visit
        or purchase changed once visitors hold stamps); the rules' codes
        ``purchase_rule_incomplete``, ``recheck_hours_invalid``, ``stamps_per_area_invalid``.
    """
    if campaign.state is CampaignState.ended:
        raise CampaignError(
            _l("An ended campaign can no longer be changed."), code="campaign_ended"
        )
    _save(campaign, data)
    db.session.flush()


def _save(campaign: Campaign, data: CampaignInput) -> None:
    if data.ends_at <= data.starts_at:
        raise CampaignError(
            _l("The campaign must end after it starts."), code="end_before_start", status=400
        )
    if data.claims_until is not None and data.claims_until < data.ends_at:
        raise CampaignError(
            _l("Rewards can be exchanged only until the campaign's end or later."),
            code="claims_before_end",
            status=400,
        )
    if campaign.state is CampaignState.published and not (data.store_ids or data.spot_ids):
        raise CampaignError(
            _l("A published campaign needs at least one participating store."),
            code="no_checkpoints",
        )
    _check_rules(data)
    if campaign.id is not None:
        _check_stamps_inside(campaign, data)
        _check_kind_kept(campaign, data)
    if (
        campaign.state is CampaignState.published
        and data.stamps_per_area > campaign.stamps_per_area
    ):
        raise CampaignError(
            _l("A published campaign cannot ask for more stamps per area than before."),
            code="area_requirement_raised",
        )
    removed, added = _checkpoint_changes(campaign, data.store_ids, data.spot_ids)
    tier_plan = _tier_changes(campaign, data.tiers)
    for tier, row in tier_plan:
        if tier is not None:
            _save_stock(tier, row)

    campaign.title = clean_texts(data.title)
    campaign.rules = clean_texts(data.rules)
    campaign.starts_at = data.starts_at
    campaign.ends_at = data.ends_at
    campaign.claims_until = data.claims_until
    campaign.qr_mode = data.qr_mode
    campaign.geofence_m = data.geofence_m
    campaign.kind = data.kind
    purchase = data.kind is CampaignKind.purchase
    campaign.yen_per_stamp = data.yen_per_stamp if purchase else None
    campaign.max_stamps_per_purchase = data.max_stamps_per_purchase if purchase else None
    campaign.recheck = data.recheck
    campaign.recheck_hours = data.recheck_hours if data.recheck is Recheck.hours else None
    campaign.stamps_per_area = data.stamps_per_area
    if removed:
        checkpoints_removing.send(campaign, checkpoints=removed)
    for checkpoint in removed:
        campaign.checkpoints.remove(checkpoint)
    for kind, place_id in added:
        campaign.checkpoints.append(Checkpoint(**{f"{kind}_id": place_id}))
    tiers = []
    for tier, row in tier_plan:
        tier = tier or RewardTier()
        tier.basis = row.basis
        tier.repeats = row.repeats and row.basis is not TierBasis.all_areas
        # "Every area" has no number of its own; 1 keeps the column valid and sorts it first.
        tier.threshold = row.threshold if row.threshold else 1
        tier.name = clean_texts(row.name)
        if tier.id is None:
            tier.stock = row.stock
        tiers.append(tier)
    campaign.tiers = sorted(tiers, key=lambda tier: tier.threshold)


def _save_stock(tier: RewardTier, row: TierInput) -> None:
    """Write the stock the admin typed, if they changed it, unless a claim or a void changed
    it since the form showed it. The stock is what is left, and claims take from it all the
    time: writing back the form's number would give out prizes that do not exist.

    :raise CampaignError: ``stock_changed``.
    """
    seen = tier.stock if row.stock_seen is UNKNOWN_STOCK else row.stock_seen
    if row.stock == seen:
        return
    still = RewardTier.stock.is_(None) if seen is None else RewardTier.stock == seen
    written = db.session.execute(
        update(RewardTier)
        .where(RewardTier.id == tier.id, still)
        .values(stock=row.stock)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(tier, ["stock"])
    if written != 1:
        raise CampaignError(
            _l(
                "The stock of “%(reward)s” changed while you were editing: %(left)s left now. "
                "Please check it and save again.",
                reward=tier.tr("name"),
                left=_l("unlimited") if tier.stock is None else format_decimal(tier.stock),
            ),
            code="stock_changed",
            status=409,
        )


def _check_rules(data: CampaignInput) -> None:
    """The campaign's own rules: purchase steps, the re-check-in interval, area completion."""
    if data.kind is CampaignKind.purchase and not (
        (data.yen_per_stamp or 0) >= 1 and (data.max_stamps_per_purchase or 0) >= 1
    ):
        raise CampaignError(
            _l("A purchase campaign needs the yen per stamp and the most stamps per purchase."),
            code="purchase_rule_incomplete",
            status=400,
        )
    if data.recheck is Recheck.hours and not (
        data.recheck_hours is not None and 1 <= data.recheck_hours <= MAX_RECHECK_HOURS
    ):
        raise CampaignError(
            _l("Please enter 1 to %(num)d hours between two stamps.", num=MAX_RECHECK_HOURS),
            code="recheck_hours_invalid",
            status=400,
        )
    if data.stamps_per_area < 1:
        raise CampaignError(
            _l("An area needs at least one stamp to be completed."),
            code="stamps_per_area_invalid",
            status=400,
        )
    for row in data.tiers:
        if row.basis is not TierBasis.all_areas and not (row.threshold or 0) >= 1:
            raise CampaignError(
                _l("Every reward tier needs a number of at least 1."),
                code="tier_threshold_invalid",
                status=400,
            )


def _check_kind_kept(campaign: Campaign, data: CampaignInput) -> None:
    """Visit or purchase decides what a stamp means: it stays once visitors hold stamps."""
    if data.kind is campaign.kind:
        return
    stamped = db.session.scalar(select(Stamp.id).where(Stamp.campaign_id == campaign.id).limit(1))
    if stamped is not None:
        raise CampaignError(
            _l("Visitors already hold stamps: visit or purchase can no longer change."),
            code="kind_has_stamps",
        )


def _check_stamps_inside(campaign: Campaign, data: CampaignInput) -> None:
    first, last = db.session.execute(
        select(func.min(Stamp.created_at), func.max(Stamp.created_at)).where(
            Stamp.campaign_id == campaign.id
        )
    ).one()
    if first is not None and data.starts_at > first:
        raise CampaignError(
            _l("Visitors already collected stamps before this start; choose an earlier start."),
            code="start_after_stamps",
        )
    if last is not None and data.ends_at <= last:
        raise CampaignError(
            _l("Visitors already collected stamps after this end; choose a later end."),
            code="end_before_stamps",
        )


def _checkpoint_changes(
    campaign: Campaign, store_ids: list[int], spot_ids: list[int]
) -> tuple[list[Checkpoint], list[tuple[str, int]]]:
    """The checkpoints to remove and the ``("store" | "spot", id)`` places to add.

    Refuses what would lose stamps, and places that are not approved or not public.
    """
    wanted = {("store", i) for i in store_ids} | {("spot", i) for i in spot_ids}
    current = {
        ("store", cp.store_id) if cp.store_id is not None else ("spot", cp.spot_id): cp
        for cp in campaign.checkpoints
    }
    removed = [cp for place, cp in current.items() if place not in wanted]
    if removed:
        stamped = db.session.scalar(
            select(Stamp.checkpoint_id)
            .where(Stamp.checkpoint_id.in_([cp.id for cp in removed if cp.id is not None]))
            .limit(1)
        )
        if stamped is not None:
            raise CampaignError(
                _l("Visitors already hold stamps from a shop you removed; it must stay."),
                code="checkpoint_has_stamps",
            )
    added = sorted(wanted - set(current))
    new_stores = {place_id for kind, place_id in added if kind == "store"}
    if new_stores:
        approved = set(
            db.session.scalars(
                select(Store.id).where(
                    Store.id.in_(new_stores), Store.status == StoreStatus.approved
                )
            )
        )
        if approved != new_stores:
            raise CampaignError(
                _l("Only approved stores can take part in a campaign."),
                code="store_not_approved",
            )
    new_spots = {place_id for kind, place_id in added if kind == "spot"}
    if new_spots:
        shown = set(
            db.session.scalars(select(Spot.id).where(Spot.id.in_(new_spots), Spot.published))
        )
        if shown != new_spots:
            raise CampaignError(
                _l("Only spots shown to the public can take part in a campaign."),
                code="spot_not_published",
            )
    if added and campaign.state is CampaignState.published:
        _check_no_new_area(campaign, current, new_stores, new_spots)
    return removed, added


def _check_no_new_area(campaign: Campaign, current: dict, new_stores, new_spots) -> None:
    """A published campaign with a reward for "every area" gains no area: a visitor who had
    a stamp in every area would lose the reward reached.

    :raise CampaignError: ``area_added``.
    """
    if not any(tier.basis is TierBasis.all_areas for tier in campaign.tiers):
        return
    areas = {cp.area_id for cp in current.values()}
    # Under a share lock: a merchant moving one of these places at the same moment
    # (rally.campaigns.places.check_area_kept locks its row) is waited for, or waits.
    new_areas = set(
        db.session.scalars(
            select(Store.area_id).where(Store.id.in_(new_stores or [])).with_for_update(read=True)
        )
    ) | set(
        db.session.scalars(
            select(Spot.area_id).where(Spot.id.in_(new_spots or [])).with_for_update(read=True)
        )
    )
    if new_areas - areas - {None}:
        raise CampaignError(
            _l(
                "This campaign gives a reward for a stamp in every area: a place in an area "
                "it does not cover yet would take that reward back from visitors."
            ),
            code="area_added",
        )


def tier_in_use() -> "CampaignError":
    """The refusal a room answers :data:`.signals.tiers_removing` with when it holds on to a
    tier (a claim, a lottery already entered or drawn)."""
    return CampaignError(
        _l("This reward has claims, or a lottery already entered or drawn; it cannot be removed."),
        code="tier_in_use",
    )


def _tier_changes(campaign: Campaign, rows: list[TierInput]) -> list[tuple]:
    """Pair each row with its existing tier; refuses what a published campaign promised."""
    existing = {tier.id: tier for tier in campaign.tiers}
    plan = []
    for row in rows:
        tier = None
        if row.id is not None:
            tier = existing.get(row.id)
            if tier is None:
                raise CampaignError(
                    _l("This reward tier does not belong to the campaign."),
                    code="unknown_tier",
                    status=400,
                )
        plan.append((tier, row))
    kept = {tier.id: row for tier, row in plan if tier is not None}
    if campaign.state is not CampaignState.published:
        removed = [existing[i] for i in existing if i not in kept]
        if removed:
            tiers_removing.send(campaign, tiers=removed)
    else:
        if set(kept) != set(existing):
            raise CampaignError(
                _l("A reward tier of a published campaign cannot be removed."),
                code="tier_removed",
            )
        for tier_id, row in kept.items():
            tier = existing[tier_id]
            if row.basis is not tier.basis or (tier.repeats and not row.repeats):
                raise CampaignError(
                    _l(
                        "A published campaign's reward keeps what it counts, and a repeating "
                        "reward keeps repeating."
                    ),
                    code="tier_rule_changed",
                )
            if tier.basis is TierBasis.all_areas:
                continue
            if row.threshold > tier.threshold:
                raise CampaignError(
                    _l("A published campaign's reward cannot require more stamps than before."),
                    code="tier_requirement_raised",
                )
    return plan
