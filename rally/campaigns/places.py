"""Campaign rules and queries about places (stores and spots), which sit below campaigns:
the area lock they announce with a signal, a store's campaigns for its page."""

from datetime import datetime

from sqlalchemy import and_, select

from rally.areas.signals import area_changing
from rally.extensions import db
from rally.i18n import _l
from rally.spots.models import Spot
from rally.stores.models import Store

from .models import Campaign, CampaignState, Checkpoint, RewardTier, TierBasis


@area_changing.connect
def _refuse_area_change(error_class, *, store_id, spot_id, old, new, **extra) -> None:
    check_area_kept(store_id, spot_id, old, new, error_class)


def check_area_kept(store_id: int | None, spot_id: int | None, old, new, error_class) -> None:
    """Refuse moving a place to another area once it takes part in a campaign past its
    draft whose rewards count areas: its stamps would move with it, and a reward a visitor
    has reached ("a stamp in every street") could be taken back, even after the campaign
    ended (rewards are still claimed then).

    The place's row is locked first: an admin adding it to such a campaign at the same
    moment (:func:`rally.campaigns.editing._check_no_new_area` reads its area under a
    share lock) either sees the new area or is seen here.

    :raise error_class: ``area_locked`` (409), naming the campaign.
    """
    if old == new:
        return
    model, place_id = (Store, store_id) if store_id is not None else (Spot, spot_id)
    db.session.execute(select(model.id).where(model.id == place_id).with_for_update())
    place = (
        Checkpoint.store_id == store_id if store_id is not None else (Checkpoint.spot_id == spot_id)
    )
    campaign = db.session.scalar(
        select(Campaign)
        .join(Checkpoint, Checkpoint.campaign_id == Campaign.id)
        .join(RewardTier, RewardTier.campaign_id == Campaign.id)
        .where(
            place,
            Campaign.state != CampaignState.draft,
            RewardTier.basis.in_([TierBasis.areas, TierBasis.all_areas]),
        )
        .limit(1)
    )
    if campaign is not None:
        raise error_class(
            _l(
                "“%(campaign)s” counts areas for its rewards and this place takes part: its "
                "area stays, so that the rewards visitors reached stay theirs.",
                campaign=campaign.tr("title"),
            ),
            code="area_locked",
            status=409,
        )


def campaigns_of_store(store: Store, now: datetime) -> list[Campaign]:
    """Published campaigns, running or to come, in which ``store`` is a checkpoint."""
    return list(
        db.session.scalars(
            select(Campaign)
            .join(Checkpoint, Checkpoint.campaign_id == Campaign.id)
            .where(
                Checkpoint.store_id == store.id,
                and_(Campaign.state == CampaignState.published, Campaign.ends_at > now),
            )
            .order_by(Campaign.starts_at)
        )
    )
