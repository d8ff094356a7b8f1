"""Reading a card: its progress in a campaign beside the campaign's places, areas and tiers."""

from functools import cache

from sqlalchemy import func, select

from rally.campaigns.models import Campaign, Checkpoint, RewardTier
from rally.cards.models import Card, Stamp
from rally.cards.progress import CardProgress, CheckpointRow, TierProgress, build_progress
from rally.extensions import db


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
