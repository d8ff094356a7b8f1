"""Lists of campaigns and their checkpoints for the back office and the posters."""

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from rally.campaigns.models import Campaign, CampaignState, Checkpoint
from rally.extensions import db
from rally.pagination import paginate
from rally.spots.models import Spot
from rally.stores.models import Store, StoreStatus


def campaign_store_choices(campaign: Campaign | None) -> list[Store]:
    """Stores a campaign may list: the approved ones, plus those already taking part (so
    they stay visible and kept even if suspended since)."""
    current = [cp.store_id for cp in campaign.checkpoints if cp.store_id] if campaign else []
    condition = Store.status == StoreStatus.approved
    if current:
        condition = or_(condition, Store.id.in_(current))
    return list(
        db.session.scalars(select(Store).where(condition).order_by(Store.category, Store.id))
    )


def campaign_spot_choices(campaign: Campaign | None) -> list:
    """Tourist spots a campaign may list: the public ones, plus those already taking part."""
    current = [cp.spot_id for cp in campaign.checkpoints if cp.spot_id] if campaign else []
    condition = Spot.published.is_(True)
    if current:
        condition = or_(condition, Spot.id.in_(current))
    return list(db.session.scalars(select(Spot).where(condition).order_by(Spot.kind, Spot.id)))


def public_campaigns_query():
    """The campaigns the public may see (every one but drafts: running, to come, ended), the
    latest start first."""
    return _campaigns_latest_first().where(Campaign.state != CampaignState.draft)


def public_campaign(campaign_id: int) -> Campaign | None:
    """A campaign whose landing page the public may open: not a draft."""
    campaign = db.session.get(Campaign, campaign_id)
    return None if campaign is None or campaign.state is CampaignState.draft else campaign


def _campaigns_latest_first():
    return select(Campaign).order_by(Campaign.starts_at.desc(), Campaign.id.desc())


def all_campaigns() -> list[Campaign]:
    return list(db.session.scalars(_campaigns_latest_first()))


def campaigns_page(page: int, per_page: int):
    """One page of every campaign, the latest start first (see
    :func:`rally.pagination.paginate`)."""
    return paginate(_campaigns_latest_first(), page, per_page)


def checkpoints_of(campaign: Campaign) -> list[Checkpoint]:
    """A campaign's checkpoints, shops then spots, in the order posters are printed."""
    return list(
        db.session.scalars(
            select(Checkpoint)
            .outerjoin(Store, Checkpoint.store_id == Store.id)
            .outerjoin(Spot, Checkpoint.spot_id == Spot.id)
            .options(contains_eager(Checkpoint.store), contains_eager(Checkpoint.spot))
            .where(Checkpoint.campaign_id == campaign.id)
            .order_by(Checkpoint.spot_id.is_not(None), Store.category, Store.id, Spot.id)
        )
    )


def checkpoints_of_owner(user, page: int, per_page: int):
    """One page of a merchant's checkpoints: its stores in campaigns not yet over, printed
    posters or the counter tablet's changing code, the latest campaign first (see
    :func:`rally.pagination.paginate`)."""
    query = (
        select(Checkpoint)
        .join(Store, Checkpoint.store_id == Store.id)
        .join(Campaign, Checkpoint.campaign_id == Campaign.id)
        .options(contains_eager(Checkpoint.store), contains_eager(Checkpoint.campaign))
        .where(
            Store.owner_id == user.id,
            Campaign.state != CampaignState.ended,
        )
        .order_by(Campaign.starts_at.desc(), Store.id, Checkpoint.id)
    )
    return paginate(query, page, per_page)
