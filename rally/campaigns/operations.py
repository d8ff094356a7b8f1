"""Business rules of campaigns: resolving a scanned token and granting stamps.

Functions here change state and ``flush()``; the request commits once.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l

from .models import Campaign, CampaignState, Card, Checkpoint, Stamp
from .qr import InvalidToken, read_checkpoint_token


class StampError(RallyError):
    """A scan that cannot give a stamp; ``code`` says why."""


@dataclass(frozen=True)
class ScanOutcome:
    checkpoint: Checkpoint
    card: Card
    stamp: Stamp
    created: bool


def resolve_checkpoint(token: str, now: datetime) -> Checkpoint:
    """Find the checkpoint a scanned token names and check that it may stamp now.

    :param token: the token from the QR code's URL.
    :param now: the current time, naive UTC.
    :raise StampError: ``invalid_token`` (forged or damaged, no database access),
        ``token_revoked`` (the checkpoint's key was rotated), ``store_not_in_campaign``,
        ``campaign_not_started``, ``campaign_ended``.
    """
    try:
        checkpoint_id, key_version = read_checkpoint_token(token)
    except InvalidToken:
        raise StampError(
            _l("This QR code is not a valid Rally stamp code."), code="invalid_token", status=404
        ) from None
    checkpoint = db.session.get(Checkpoint, checkpoint_id)
    if checkpoint is None:
        raise StampError(
            _l("This shop no longer takes part in the campaign."),
            code="store_not_in_campaign",
            status=404,
        )
    if checkpoint.key_version != key_version:
        raise StampError(
            _l("This QR code has been replaced by the shop. Please scan the current poster."),
            code="token_revoked",
            status=410,
        )
    check_campaign_open(checkpoint.campaign, now)
    if not checkpoint.store.is_approved:
        raise StampError(
            _l("This shop does not take part in the campaign at the moment."),
            code="store_not_in_campaign",
            status=404,
        )
    return checkpoint


def check_campaign_open(campaign: Campaign, now: datetime) -> None:
    """:raise StampError: ``campaign_not_started`` or ``campaign_ended``."""
    if campaign.state is CampaignState.draft or now < campaign.starts_at:
        raise StampError(
            _l("This campaign has not started yet."), code="campaign_not_started", status=403
        )
    if campaign.state is CampaignState.ended or now >= campaign.ends_at:
        raise StampError(_l("This campaign has ended."), code="campaign_ended", status=410)


def card_by_key(key: str | None) -> Card | None:
    if not key:
        return None
    return db.session.scalar(select(Card).where(Card.key == key))


def open_card(card: Card | None, locale: str | None = None) -> Card:
    """Return ``card``, or a new anonymous card when the visitor has none yet.

    :param card: the card from the visitor's cookie, if any.
    :param locale: the visitor's language, kept for later messages.
    """
    if card is not None:
        return card
    card = Card(locale=locale)
    db.session.add(card)
    db.session.flush()
    return card


def grant_stamp(card: Card, checkpoint: Checkpoint, now: datetime) -> Stamp:
    """Give ``card`` the stamp of ``checkpoint``, once.

    The unique constraint on ``(card_id, checkpoint_id)`` decides under concurrency: the
    insert runs in a savepoint, and losing the race is the same as having scanned before.

    :raise StampError: ``already_stamped`` (status 200: a harmless repeat) with the
        existing stamp in ``error.stamp``.
    """
    existing = _existing_stamp(card, checkpoint)
    if existing is None:
        stamp = Stamp(
            card_id=card.id,
            checkpoint_id=checkpoint.id,
            campaign_id=checkpoint.campaign_id,
            created_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(stamp)
            return stamp
        except IntegrityError:
            existing = _existing_stamp(card, checkpoint)
    error = StampError(
        _l("You already have this shop's stamp."), code="already_stamped", status=200
    )
    error.stamp = existing
    raise error


def _existing_stamp(card: Card, checkpoint: Checkpoint) -> Stamp | None:
    return db.session.scalar(
        select(Stamp).where(Stamp.card_id == card.id, Stamp.checkpoint_id == checkpoint.id)
    )


def rotate_checkpoint_key(checkpoint: Checkpoint) -> None:
    """Revoke ``checkpoint``'s printed QR codes; a new poster must be printed."""
    checkpoint.key_version += 1
    db.session.flush()


@dataclass(frozen=True)
class CardProgress:
    """What the card page shows for one campaign."""

    campaign: Campaign
    checkpoints: list[Checkpoint]
    stamps: dict[int, Stamp]  # checkpoint id -> stamp

    @property
    def collected(self) -> int:
        return len(self.stamps)

    @property
    def total(self) -> int:
        return len(self.checkpoints)

    @property
    def to_visit(self) -> list[Checkpoint]:
        return [cp for cp in self.checkpoints if cp.id not in self.stamps]

    def tiers(self) -> list[tuple]:
        """``(tier, reached, stamps_to_go)`` for each reward tier, lowest first."""
        return [
            (
                tier,
                self.collected >= tier.stamps_required,
                max(0, tier.stamps_required - self.collected),
            )
            for tier in self.campaign.tiers
        ]


def card_progress(card: Card | None, campaign: Campaign) -> CardProgress:
    """Stamps of ``card`` in ``campaign`` beside the campaign's checkpoints and tiers."""
    from rally.stores.models import Store

    checkpoints = list(
        db.session.scalars(
            select(Checkpoint)
            .join(Store, Checkpoint.store_id == Store.id)
            .options(contains_eager(Checkpoint.store))
            .where(Checkpoint.campaign_id == campaign.id)
            .order_by(Store.category, Store.id)
        )
    )
    stamps = {}
    if card is not None:
        stamps = {
            stamp.checkpoint_id: stamp
            for stamp in db.session.scalars(
                select(Stamp).where(Stamp.card_id == card.id, Stamp.campaign_id == campaign.id)
            )
        }
    return CardProgress(campaign=campaign, checkpoints=checkpoints, stamps=stamps)


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
