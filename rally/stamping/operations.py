"""A scan, a PIN, the register or a paper card becomes a stamp: resolving a scanned token,
the checks a stamp must pass, and :func:`grant_stamp`, the one place that writes a stamp.

Functions here change state and ``flush()``; the request commits once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from rally.campaigns.models import (
    Campaign,
    CampaignState,
    Checkpoint,
    CheckpointCode,
    QrMode,
    Recheck,
)
from rally.cards.models import Card, Stamp
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.stamping.signals import Visit, stamp_given, stamp_scanned
from rally.stamping.tallies import record_stamp
from rally.stamping.tokens import InvalidToken, read_checkpoint_token, time_step
from rally.utils import distance_m, next_local_midnight


class StampError(RallyError):
    """A scan that cannot give a stamp; ``code`` says why."""

    @property
    def is_repeat(self) -> bool:
        """The card already holds this stamp for now (``already_stamped``, or
        ``checked_in_recently`` with repeat check-ins): a harmless repeat, not a refusal;
        ``self.stamp`` is the card's latest stamp there."""
        return self.code in ("already_stamped", "checked_in_recently")


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
    if Campaign.is_over(campaign, now):
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
    announced to the fraud checks (:data:`.signals.stamp_scanned`); staff grants are not.

    :param count: stamps in this grant (a purchase at the register), 1 otherwise.
    :param code_id: the further code of the checkpoint that was scanned, if any.
    :param staff: the user giving the stamp at the register or on a paper card.
    :param nonce: a register's one-time purchase code; a second use is refused.
    :raise StampError: ``already_stamped`` (status 200: a harmless repeat, the existing
        stamp in ``error.stamp``); ``checked_in_recently`` (repeat check-ins: the next
        moment in ``error.next_at``); ``too_soon``; ``purchase_at_register`` (a visitor's
        own scan in a purchase campaign); ``too_many_stamps``; ``code_used``.
    """
    campaign = checkpoint.campaign
    _check_count(campaign, count, by_staff=staff is not None)
    for attempt in range(3):
        latest = None if card.is_new else _latest_stamp(card, checkpoint)
        slot = next_slot(campaign, latest, now)
        if staff is None and attempt == 0:
            # Once, after the repeat checks (a repeat is answered as such, never too_soon),
            # not again when a lost race on the slot sends us round.
            previous = None if card.is_new else last_visit(card)
            check_pace(previous, now)
            place = checkpoint.place
            stamp_scanned.send(
                checkpoint,
                card_id=card.id,
                here=(place.latitude, place.longitude),
                previous=previous,
                now=now,
            )
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
            _announce(stamp, staff)
            return stamp
        try:
            with db.session.begin_nested():
                _save_stamp(stamp)
            _announce(stamp, staff)
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


def _announce(stamp: Stamp, staff) -> None:
    stamp_given.send(stamp.checkpoint_id, channel="visitor" if staff is None else "staff")


def last_visit(card: Card) -> Visit | None:
    """Where and when the card's most recent stamp was given, in any campaign."""
    stamp = db.session.scalar(
        select(Stamp).where(Stamp.card_id == card.id).order_by(Stamp.created_at.desc()).limit(1)
    )
    if stamp is None:
        return None
    place = stamp.checkpoint.place
    return Visit(stamp.checkpoint_id, stamp.created_at, place.latitude, place.longitude)


def check_pace(last: Visit | None, now: datetime) -> None:
    """Refuse a visitor's stamp that follows the card's last one too closely: stamps come
    one shop at a time.

    :param last: the card's most recent stamp (:func:`last_visit`).
    :raise StampError: ``too_soon`` within ``RALLY_MIN_STAMP_INTERVAL`` seconds.
    """
    interval = current_app.config["RALLY_MIN_STAMP_INTERVAL"]
    if interval and last is not None and now - last.created_at < timedelta(seconds=interval):
        raise StampError(
            _l("Stamps come one shop at a time. Please try again in a moment."),
            code="too_soon",
            status=429,
        )


def _save_stamp(stamp: Stamp) -> None:
    """Insert ``stamp`` and count it in the dashboard's tallies, in the same transaction."""
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
