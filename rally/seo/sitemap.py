"""What the sitemap lists: the public pages, and only what a visitor may open.

Approved stores (not pending, not suspended), published spots, news and events that are
published and not expired (news of an approved store or of the association), campaigns that
are not drafts. The same rules as the pages' own loaders, as queries that read ids only.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from rally.campaigns.models import Campaign, CampaignState
from rally.extensions import db
from rally.news.models import Event, NewsPost
from rally.spots.models import Spot
from rally.stores.models import Store, StoreStatus

# The district's lists, each one page per language.
LIST_PAGES = (
    "site.home",
    "directory.index",
    "spots.index",
    "spots.map",
    "news.events",
    "news.index",
    "site.privacy",
)


@dataclass(frozen=True)
class Entry:
    endpoint: str
    values: dict
    lastmod: datetime | None = None  # naive UTC, when the row says when it last changed


def sitemap_entries(now: datetime) -> list[Entry]:
    """Every public page, in a stable order (lists, stores, spots, campaigns, events, news)."""
    entries = [Entry(endpoint, {}) for endpoint in LIST_PAGES]
    stores = select(Store.id).where(Store.status == StoreStatus.approved).order_by(Store.id)
    entries += [Entry("directory.store", {"store_id": id_}) for id_ in db.session.scalars(stores)]
    spots = select(Spot.id).where(Spot.published.is_(True)).order_by(Spot.id)
    entries += [Entry("spots.spot", {"spot_id": id_}) for id_ in db.session.scalars(spots)]
    campaigns = (
        select(Campaign.id).where(Campaign.state != CampaignState.draft).order_by(Campaign.id)
    )
    entries += [
        Entry("landing.campaign", {"campaign_id": id_}) for id_ in db.session.scalars(campaigns)
    ]
    events = select(Event.id, Event.updated_at).where(Event.visible_clause(now)).order_by(Event.id)
    entries += [
        Entry("news.event", {"event_id": id_}, updated)
        for id_, updated in db.session.execute(events)
    ]
    news = (
        select(NewsPost.id, NewsPost.updated_at)
        .outerjoin(Store, NewsPost.store_id == Store.id)
        .where(
            NewsPost.visible_clause(now),
            NewsPost.store_id.is_(None) | (Store.status == StoreStatus.approved),
        )
        .order_by(NewsPost.id)
    )
    entries += [
        Entry("news.post", {"post_id": id_}, updated) for id_, updated in db.session.execute(news)
    ]
    return entries
