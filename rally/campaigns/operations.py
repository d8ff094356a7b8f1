"""Business rules of campaigns: resolving a scanned token and granting stamps.

Functions here change state and ``flush()``; the request commits once.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from flask_babel import format_decimal
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from rally.cards.models import Card
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.stamping.models import Stamp
from rally.utils import next_local_midnight

from .models import (
    Campaign,
    CampaignKind,
    CampaignState,
    Checkpoint,
    CheckpointCode,
    QrMode,
    Recheck,
    RewardTier,
    TierBasis,
)
from .progress import CardProgress, CheckpointRow, TierProgress, build_progress
from .qr import InvalidToken, read_checkpoint_token, time_step


class StampError(RallyError):
    """A scan that cannot give a stamp; ``code`` says why."""

    @property
    def is_repeat(self) -> bool:
        """The card already holds this stamp for now (``already_stamped``, or
        ``checked_in_recently`` with repeat check-ins): a harmless repeat, not a refusal;
        ``self.stamp`` is the card's latest stamp there."""
        return self.code in ("already_stamped", "checked_in_recently")


@dataclass(frozen=True)
class ScanOutcome:
    checkpoint: Checkpoint
    card: Card
    stamp: Stamp
    created: bool


@cache
def _scan_loads() -> tuple:
    """One query for the checkpoint, its campaign and its place (all a scan needs); the
    options are built once (at first use: every model must be mapped by then)."""
    return (
        joinedload(Checkpoint.campaign),
        joinedload(Checkpoint.store),
        joinedload(Checkpoint.spot),
    )


@dataclass(frozen=True)
class ScanTarget:
    """What a scanned token names: the checkpoint, and which of its codes (None: its own)."""

    checkpoint: Checkpoint
    code_id: int | None


def resolve_checkpoint(token: str, now: datetime) -> Checkpoint:
    """:func:`resolve_scan` for callers that only need the checkpoint."""
    return resolve_scan(token, now).checkpoint


def resolve_scan(token: str, now: datetime, late_steps: int = 1) -> ScanTarget:
    """Find the checkpoint a scanned token names and check that it may stamp now.

    :param token: the token from the QR code's URL.
    :param now: the current time, naive UTC.
    :raise StampError: ``invalid_token`` (forged or damaged, no database access),
        ``token_revoked`` (the checkpoint's key was rotated), ``store_not_in_campaign``,
        ``campaign_not_started``, ``campaign_ended``; for campaigns whose shops show a
        rotating code: ``token_expired`` (older than ``late_steps`` 30-second steps) and
        ``rotating_code_required`` (a printed code where only the tablet's code counts).
    """
    try:
        data = read_checkpoint_token(token)
    except InvalidToken:
        raise StampError(
            _l("This QR code is not a valid Rally stamp code."), code="invalid_token", status=404
        ) from None
    checkpoint = db.session.get(Checkpoint, data.checkpoint_id, options=_scan_loads())
    if checkpoint is None:
        raise StampError(
            _l("This shop no longer takes part in the campaign."),
            code="store_not_in_campaign",
            status=404,
        )
    key_version = checkpoint.key_version
    if data.code_id is not None:
        code = db.session.get(CheckpointCode, data.code_id)
        key_version = code.key_version if code and code.checkpoint_id == checkpoint.id else None
    if key_version != data.key_version:
        raise StampError(
            _l("This QR code has been replaced by the shop. Please scan the current poster."),
            code="token_revoked",
            status=410,
        )
    if checkpoint.campaign.qr_mode is QrMode.rotating:
        check_campaign_open(checkpoint.campaign, now)
        check_rotating_step(data.step, now, late_steps)
    check_checkpoint_open(checkpoint, now)
    return ScanTarget(checkpoint, data.code_id)


def check_checkpoint_open(checkpoint: Checkpoint, now: datetime) -> None:
    """The checks of any stamp once its checkpoint is known (by token, PIN, ...).

    :raise StampError: ``campaign_not_started``, ``campaign_ended``,
        ``store_not_in_campaign``.
    """
    check_campaign_open(checkpoint.campaign, now)
    if not checkpoint.is_open:
        raise StampError(
            _l("This shop does not take part in the campaign at the moment."),
            code="store_not_in_campaign",
            status=404,
        )


def check_campaign_open(campaign: Campaign, now: datetime) -> None:
    """:raise StampError: ``campaign_not_started`` or ``campaign_ended``."""
    if campaign.state is CampaignState.draft or now < campaign.starts_at:
        raise StampError(
            _l("This campaign has not started yet."), code="campaign_not_started", status=403
        )
    if campaign.state is CampaignState.ended or now >= campaign.ends_at:
        raise StampError(_l("This campaign has ended."), code="campaign_ended", status=410)


def check_quiz_answer(checkpoint: Checkpoint, answer: int | None) -> None:
    """A checkpoint with a quiz gives its stamp for the right answer only.

    :param answer: the 1-based number of the chosen answer.
    :raise StampError: ``quiz_unanswered`` (no answer yet), ``wrong_answer``.
    """
    if not checkpoint.has_quiz:
        return
    if answer is None:
        raise StampError(
            _l("Answer the question to collect this stamp."), code="quiz_unanswered", status=200
        )
    if answer != checkpoint.quiz_answer:
        raise StampError(
            _l("That is not the right answer. Look around you and try again."),
            code="wrong_answer",
            status=422,
        )


def check_rotating_step(step: int | None, now: datetime, late_steps: int = 1) -> None:
    """Accept the current and the previous 30-second step (the visitor may have scanned just
    before the tablet changed); the next one too, for servers whose clocks differ slightly.

    :raise StampError: ``rotating_code_required`` or ``token_expired``.
    """
    if step is None:
        raise StampError(
            _l("This shop shows a changing code on its tablet. Please scan the code there."),
            code="rotating_code_required",
            status=403,
        )
    current = time_step(now)
    if not current - late_steps <= step <= current + 1:
        raise StampError(
            _l("This code has expired. Please scan the code on the shop's tablet again."),
            code="token_expired",
            status=410,
        )


def check_geofence(checkpoint: Checkpoint, position: tuple | None) -> None:
    """Refuse a stamp scanned too far from the shop, when the campaign has a geofence.

    :param position: ``(latitude, longitude, accuracy_m)`` from the browser, or ``None``
        when the visitor declined (the caller then flags the stamp instead).
    :raise StampError: ``outside_area``.
    """
    from rally.fraud.operations import distance_m

    store, radius = checkpoint.place, checkpoint.campaign.geofence_m
    if not radius or position is None or store.latitude is None or store.longitude is None:
        return
    latitude, longitude, accuracy = position
    # A phone's fix can be off by its stated accuracy; more than 100 m of doubt is not given.
    allowed = radius + min(max(accuracy or 0, 0), 100)
    if distance_m((latitude, longitude), (store.latitude, store.longitude)) > allowed:
        raise StampError(
            _l("You seem to be away from the shop. Please scan the code at the shop itself."),
            code="outside_area",
            status=403,
        )


def holds_stamp_for_good(card: Card | None, checkpoint: Checkpoint) -> bool:
    """Whether ``card`` already holds the one stamp ``checkpoint`` gives (once-only visit
    campaigns): a scan can then skip the quiz and say so at once."""
    campaign = checkpoint.campaign
    if card is None or campaign.is_purchase or campaign.recheck is not Recheck.once:
        return False
    return _latest_stamp(card, checkpoint) is not None


def card_by_key(key: str | None) -> Card | None:
    if not key:
        return None
    return db.session.scalar(_statements()["card_by_key"], {"key": key})


def open_card(card: Card | None, locale: str | None = None) -> Card:
    """Return ``card``, or a new anonymous card when the visitor has none yet.

    :param card: the card from the visitor's cookie, if any.
    :param locale: the language the visitor browses in now; kept on the card for messages
        and copied onto each new stamp for the dashboard's inbound measure.
    """
    if card is not None:
        if locale and card.locale != locale:
            card.locale = locale
        return card
    card = Card(locale=locale)
    db.session.add(card)
    db.session.flush()
    card.is_new = True  # no stamps yet: grant_stamp skips looking for them
    return card


def grant_stamp(
    card: Card,
    checkpoint: Checkpoint,
    now: datetime,
    *,
    count: int = 1,
    code_id: int | None = None,
    staff=None,
    nonce: str | None = None,
) -> Stamp:
    """Give ``card`` the stamp of ``checkpoint`` under the campaign's rules.

    One stamp per checkpoint: the unique ``(card_id, checkpoint_id, slot)`` with slot 0
    decides under concurrency, and losing the race is the same as having scanned before.
    Repeat check-ins (daily, or after some hours) and purchases take the slot after the
    card's last one at this checkpoint, so two simultaneous grants cannot both take it.

    Visitors' own scans are also refused too soon after the card's previous stamp and
    flagged for impossible travel (:mod:`rally.fraud.operations`); staff grants are not.

    :param count: stamps in this grant (a purchase at the register), 1 otherwise.
    :param code_id: the further code of the checkpoint that was scanned, if any.
    :param staff: the user giving the stamp at the register or on a paper card.
    :param nonce: a register's one-time purchase code; a second use is refused.
    :raise StampError: ``already_stamped`` (status 200: a harmless repeat, the existing
        stamp in ``error.stamp``); ``checked_in_recently`` (repeat check-ins: the next
        moment in ``error.next_at``); ``too_soon``; ``purchase_at_register`` (a visitor's
        own scan in a purchase campaign); ``too_many_stamps``; ``code_used``.
    """
    from rally.fraud.operations import check_pace, flag_impossible_travel, last_stamp

    campaign = checkpoint.campaign
    _check_count(campaign, count, by_staff=staff is not None)
    for attempt in range(3):
        latest = None if card.is_new else _latest_stamp(card, checkpoint)
        slot = next_slot(campaign, latest, now)
        if staff is None and attempt == 0:
            # Once, after the repeat checks (a repeat is answered as such, never too_soon),
            # not again when a lost race on the slot sends us round.
            previous = None if card.is_new else last_stamp(card)
            check_pace(previous, now, StampError)
            flag_impossible_travel(card, checkpoint, previous, now)
        stamp = Stamp(
            card_id=card.id,
            checkpoint_id=checkpoint.id,
            campaign_id=checkpoint.campaign_id,
            created_at=now,
            locale=card.locale,
            slot=slot,
            count=count,
            points=count * checkpoint.points,
            code_id=code_id,
            granted_by_id=staff.id if staff is not None else None,
            grant_nonce=nonce,
        )
        if card.is_new:
            # Nobody else can hold this card's stamps yet: no savepoint needed.
            _save_stamp(stamp)
            card.is_new = False
            return stamp
        try:
            with db.session.begin_nested():
                _save_stamp(stamp)
            return stamp
        except IntegrityError:
            if nonce is not None and _nonce_used(nonce):
                raise StampError(
                    _l("This purchase code has already been used."), code="code_used", status=409
                ) from None
            if campaign.recheck is Recheck.once and not campaign.is_purchase:
                break
            # A parallel grant took the slot: read it and decide again (it may now be too
            # soon for a repeat check-in, or the purchase takes the following slot).
    raise _already_stamped(_latest_stamp(card, checkpoint))


def _save_stamp(stamp: Stamp) -> None:
    """Insert ``stamp`` and count it in the dashboard's tallies, in the same transaction."""
    from rally.dashboard.tallies import record_stamp

    db.session.add(stamp)
    db.session.flush()
    record_stamp(stamp)


def _already_stamped(stamp: Stamp | None) -> StampError:
    error = StampError(
        _l("You already have this shop's stamp."), code="already_stamped", status=200
    )
    error.stamp = stamp
    return error


def _check_count(campaign: Campaign, count: int, by_staff: bool) -> None:
    if campaign.is_purchase and not by_staff:
        raise StampError(
            _l("In this campaign the shop's staff give the stamps at the register."),
            code="purchase_at_register",
            status=403,
        )
    limit = (campaign.max_stamps_per_purchase or 1) if campaign.is_purchase else 1
    if not 1 <= count <= limit:
        raise StampError(
            _l("A purchase earns at most %(num)d stamps in this campaign.", num=limit),
            code="too_many_stamps",
            status=400,
        )


def next_slot(campaign: Campaign, latest: Stamp | None, now: datetime) -> int:
    """The slot a new stamp takes, or :class:`StampError` when the rules allow none yet."""
    if latest is None:
        return 0
    if campaign.is_purchase:
        return latest.slot + 1
    next_at = next_check_in(campaign, latest.created_at)
    if next_at is None:
        raise _already_stamped(latest)
    if now < next_at:
        error = StampError(
            _l("You checked in here recently. You can collect this stamp again later."),
            code="checked_in_recently",
            status=200,
        )
        error.stamp = latest
        error.next_at = next_at
        raise error
    return latest.slot + 1


def next_check_in(campaign: Campaign, last_at: datetime) -> datetime | None:
    """When a card stamped at ``last_at`` may check in at the same place again (naive UTC);
    ``None`` when the campaign gives one stamp per checkpoint.

    Daily means from the next midnight in the district's time zone; hours are counted from
    the previous stamp.
    """
    if campaign.recheck is Recheck.daily:
        return next_local_midnight(last_at)
    if campaign.recheck is Recheck.hours and campaign.recheck_hours:
        return last_at + timedelta(hours=campaign.recheck_hours)
    return None


def _latest_stamp(card: Card, checkpoint: Checkpoint) -> Stamp | None:
    return db.session.scalar(
        select(Stamp)
        .where(Stamp.card_id == card.id, Stamp.checkpoint_id == checkpoint.id)
        .order_by(Stamp.slot.desc())
        .limit(1)
    )


def _nonce_used(nonce: str) -> bool:
    return db.session.scalar(select(Stamp.id).where(Stamp.grant_nonce == nonce)) is not None


def rotate_checkpoint_key(checkpoint: Checkpoint) -> None:
    """Revoke ``checkpoint``'s printed QR codes; a new poster must be printed."""
    checkpoint.key_version += 1
    db.session.flush()


def campaign_rows(campaign: Campaign) -> tuple[list[CheckpointRow], list]:
    """The campaign's checkpoints with their places, in the card's order (shops first,
    grouped by category, then the tourist spots), and the areas they lie in, in order."""
    from rally.areas.models import Area

    checkpoints = [
        CheckpointRow(
            *row[:11], kind=row[11] if row.store_id is not None else row[12], open=row[13]
        )
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
    from sqlalchemy import bindparam, case

    from rally.spots.models import Spot
    from rally.stores.models import Store, StoreStatus

    return {
        "checkpoint_rows": select(
            Checkpoint.id,
            Checkpoint.campaign_id,
            Checkpoint.store_id,
            Checkpoint.spot_id,
            Checkpoint.points,
            Checkpoint.stamp_image_filename,
            func.coalesce(Store.area_id, Spot.area_id),
            func.coalesce(Store.name_ja, Spot.name_ja),
            func.coalesce(Store.name_en, Spot.name_en),
            func.coalesce(Store.address_ja, Spot.address_ja),
            func.coalesce(Store.address_en, Spot.address_en),
            Store.category,
            Spot.kind,
            case(
                (Checkpoint.store_id.is_not(None), Store.status == StoreStatus.approved),
                else_=Spot.published,
            ),
        )
        .outerjoin(Store, Checkpoint.store_id == Store.id)
        .outerjoin(Spot, Checkpoint.spot_id == Spot.id)
        .where(Checkpoint.campaign_id == bindparam("campaign_id"))
        .order_by(Checkpoint.spot_id.is_not(None), Store.category, Store.id, Spot.id),
        "card_stamps": select(*CARD_STAMP_COLUMNS).where(
            Stamp.card_id == bindparam("card_id"), Stamp.campaign_id == bindparam("campaign_id")
        ),
        "card_by_key": select(Card).where(Card.key == bindparam("key")),
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


def open_campaigns(now: datetime) -> list[Campaign]:
    """Published campaigns running at ``now``, ending soonest first."""
    return list(
        db.session.scalars(
            select(Campaign)
            .where(
                Campaign.state == CampaignState.published,
                Campaign.starts_at <= now,
                Campaign.ends_at > now,
            )
            .order_by(Campaign.ends_at)
        )
    )


# --- The association's side: creating, editing, publishing and ending campaigns ---------

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
    name_ja: str
    name_en: str
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

    title_ja: str
    title_en: str
    rules_ja: str
    rules_en: str
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


def create_campaign(data: CampaignInput) -> Campaign:
    """Create a draft campaign with its checkpoints and reward tiers.

    :param data: the validated form values.
    :raise CampaignError: ``end_before_start``, ``store_not_approved``, and the rules'
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
        ``end_before_start``, ``no_checkpoints`` (a published campaign keeps one store at
        least), ``start_after_stamps`` / ``end_before_stamps`` (stamps already
        given would fall outside the campaign), ``checkpoint_has_stamps`` (removing a shop
        whose stamps visitors hold), ``store_not_approved``, ``unknown_tier``; for a published
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

    campaign.title_ja = data.title_ja.strip()
    campaign.title_en = data.title_en.strip()
    campaign.rules_ja = data.rules_ja.strip()
    campaign.rules_en = data.rules_en.strip()
    campaign.starts_at = data.starts_at
    campaign.ends_at = data.ends_at
    campaign.qr_mode = data.qr_mode
    campaign.geofence_m = data.geofence_m
    campaign.kind = data.kind
    purchase = data.kind is CampaignKind.purchase
    campaign.yen_per_stamp = data.yen_per_stamp if purchase else None
    campaign.max_stamps_per_purchase = data.max_stamps_per_purchase if purchase else None
    campaign.recheck = data.recheck
    campaign.recheck_hours = data.recheck_hours if data.recheck is Recheck.hours else None
    campaign.stamps_per_area = data.stamps_per_area
    _forget_tallies(removed)
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
        tier.name_ja = row.name_ja.strip()
        tier.name_en = row.name_en.strip()
        if tier.id is None:
            tier.stock = row.stock
        tiers.append(tier)
    campaign.tiers = sorted(tiers, key=lambda tier: tier.threshold)


def _forget_tallies(checkpoints: list[Checkpoint]) -> None:
    """The dashboard's hourly rows of checkpoints about to go. They hold no stamp (a
    checkpoint with stamps stays), but a voided card leaves its hours at zero."""
    from rally.dashboard.models import StampTally

    ids = [checkpoint.id for checkpoint in checkpoints if checkpoint.id is not None]
    if ids:
        db.session.execute(delete(StampTally).where(StampTally.checkpoint_id.in_(ids)))


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
    from rally.spots.models import Spot
    from rally.stores.models import Store, StoreStatus

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
    from rally.spots.models import Spot
    from rally.stores.models import Store

    if not any(tier.basis is TierBasis.all_areas for tier in campaign.tiers):
        return
    areas = {cp.area_id for cp in current.values()}
    # Under a share lock: a merchant moving one of these places at the same moment
    # (rally.areas.operations.check_area_kept locks its row) is waited for, or waits.
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


def _let_go_of_tiers(tiers: list[RewardTier]) -> None:
    """Before a draft's tiers are removed: their lotteries, never drawn and without entries,
    go with them; a tier something else holds on to stays.

    :raise CampaignError: ``tier_in_use``.
    """
    from rally.lottery.models import Lottery, LotteryEntry
    from rally.rewards.models import Claim

    ids = [tier.id for tier in tiers]
    if not ids:
        return
    held = db.session.scalar(
        select(Claim.id).where(Claim.tier_id.in_(ids)).limit(1)
    ) or db.session.scalar(
        select(Lottery.id)
        .where(Lottery.tier_id.in_(ids))
        .where(Lottery.drawn_at.is_not(None) | Lottery.id.in_(select(LotteryEntry.lottery_id)))
        .limit(1)
    )
    if held is not None:
        raise CampaignError(
            _l(
                "This reward has claims, or a lottery already entered or drawn; it cannot be "
                "removed."
            ),
            code="tier_in_use",
        )
    db.session.execute(delete(Lottery).where(Lottery.tier_id.in_(ids)))


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
        _let_go_of_tiers([existing[i] for i in existing if i not in kept])
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


def publish_campaign(campaign: Campaign, now: datetime) -> None:
    """Open a draft campaign to visitors (they can scan from its start).

    :raise CampaignError: ``no_checkpoints``, ``already_over`` (its end has passed).
    :raise StateError: ``illegal_transition`` (not a draft).
    """
    if campaign.state is CampaignState.draft:
        if not campaign.checkpoints:
            raise CampaignError(
                _l("Add at least one participating store before publishing."),
                code="no_checkpoints",
            )
        if campaign.ends_at <= now:
            raise CampaignError(
                _l("This campaign's end has already passed; change its dates first."),
                code="already_over",
            )
    campaign.publish()
    db.session.flush()


def end_campaign(campaign: Campaign) -> None:
    """Close a published campaign now: no more stamps, the campaign can no longer change.

    :raise StateError: ``illegal_transition`` (not published).
    """
    campaign.end()
    db.session.flush()


def stamp_counts(campaign: Campaign) -> dict[int, int]:
    """Number of stamps per checkpoint id of ``campaign`` (a purchase may give several)."""
    return dict(
        db.session.execute(
            select(Stamp.checkpoint_id, func.sum(Stamp.count))
            .where(Stamp.campaign_id == campaign.id)
            .group_by(Stamp.checkpoint_id)
        ).all()
    )
