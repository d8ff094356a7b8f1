"""Dashboard figures, read from running tallies rather than the stamps themselves.

``StampTally`` (stamps per checkpoint per UTC hour) gives stamps per store and the
day-by-hour heatmap for any range of hours; ``CardTally`` (each card's stamps so far) gives
participants, the completion funnel and the share browsing in English. Hours are grouped in
UTC and moved to the district's zone in Python, so the same SQL runs on SQLite and
PostgreSQL and a zone with summer time stays right.

In a date range, participants are the cards that collected a stamp in it; the funnel
shows how far those cards got in the whole campaign.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from rally.campaigns.models import Campaign, CampaignState, Checkpoint, RewardTier
from rally.cards.models import Stamp
from rally.extensions import db
from rally.fraud.models import FraudFlag
from rally.rewards.models import Claim, ClaimKind
from rally.stamping.models import CardTally, StampTally
from rally.stamping.tallies import hour_of
from rally.utils import utcnow


@dataclass
class Dashboard:
    campaign: Campaign
    start: date  # first day shown, district time
    end: date  # last day shown (inclusive)
    participants: int = 0
    stamps: int = 0
    english: int = 0
    per_store: list[tuple] = field(default_factory=list)  # (store or spot, stamps)
    heatmap: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    funnel: list[tuple[int, int]] = field(default_factory=list)  # (n stamps, cards with >= n)
    rewards: list[tuple[RewardTier, ClaimKind, int, int]] = field(default_factory=list)
    open_flags: int = 0

    @property
    def english_share(self) -> float:
        return self.english / self.participants if self.participants else 0.0

    @property
    def heatmap_max(self) -> int:
        return max((max(row) for row in self.heatmap), default=0)


def default_range(campaign: Campaign, zone: ZoneInfo) -> tuple[date, date]:
    """The campaign's own days, in the district's zone."""
    return (
        _local(campaign.starts_at, zone).date(),
        _local(campaign.last_moment, zone).date(),
    )


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone)


def _utc_bounds(start: date, end: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    first = datetime.combine(start, time.min, zone).astimezone(UTC).replace(tzinfo=None)
    after = datetime.combine(end + timedelta(days=1), time.min, zone)
    return first, after.astimezone(UTC).replace(tzinfo=None)


def dashboard_data(
    campaign: Campaign,
    start: date,
    end: date,
    zone: ZoneInfo,
    store_ids: set[int] | None = None,
) -> Dashboard:
    """Figures for ``campaign`` between two district-time days.

    :param store_ids: restrict to these stores (a merchant's own view); ``None`` for all.
    """
    result = Dashboard(campaign=campaign, start=start, end=end)
    first, after = _utc_bounds(start, end, zone)
    checkpoints = {
        checkpoint.id: checkpoint
        for checkpoint in db.session.scalars(
            select(Checkpoint).where(Checkpoint.campaign_id == campaign.id)
        )
        if store_ids is None or checkpoint.store_id in store_ids
    }
    first_hour, after_hour = hour_of(first), hour_of(after)
    in_range = [
        StampTally.campaign_id == campaign.id,
        StampTally.hour >= first_hour,
        StampTally.hour < after_hour,
    ]
    if store_ids is not None:
        in_range.append(StampTally.checkpoint_id.in_(list(checkpoints) or [-1]))

    per_checkpoint = dict(
        db.session.execute(
            select(StampTally.checkpoint_id, func.sum(StampTally.stamps))
            .where(*in_range)
            .group_by(StampTally.checkpoint_id)
        ).all()
    )
    for hour, count in db.session.execute(
        select(StampTally.hour, func.sum(StampTally.stamps))
        .where(*in_range)
        .group_by(StampTally.hour)
    ):
        local = datetime.fromtimestamp(int(hour) * 3600, UTC).astimezone(zone)
        result.heatmap[local.weekday()][local.hour] += int(count)
    result.stamps = int(sum(per_checkpoint.values()))
    result.per_store = sorted(
        ((checkpoints[cid].place, int(per_checkpoint.get(cid, 0))) for cid in checkpoints),
        key=lambda pair: (-pair[1], pair[0].id),
    )

    if store_ids is None:
        cards = select(CardTally.stamps, CardTally.english).where(
            CardTally.campaign_id == campaign.id,
            CardTally.last_at >= first,
            CardTally.first_at < after,
        )
        if first > campaign.starts_at and after <= utcnow():
            # A card's first and last stamps may lie on either side of a past range with
            # none inside it; a range from the campaign's start, or up to now, cannot hold
            # such a card, and the tallies alone answer.
            cards = cards.where(
                select(Stamp.id)
                .where(
                    Stamp.card_id == CardTally.card_id,
                    Stamp.campaign_id == campaign.id,
                    Stamp.created_at >= first,
                    Stamp.created_at < after,
                )
                .exists()
            )
    else:
        # A merchant's participants: cards stamped at its stores in the range, and how many
        # of its stores each of them visited.
        cards = (
            select(
                func.sum(Stamp.count).label("stamps"),
                (func.max(case((Stamp.locale == "en", 1), else_=0)) == 1).label("english"),
            )
            .where(
                Stamp.campaign_id == campaign.id,
                Stamp.checkpoint_id.in_(list(checkpoints) or [-1]),
                Stamp.created_at >= first,
                Stamp.created_at < after,
            )
            .group_by(Stamp.card_id)
        )
    per_card = cards.subquery()
    reached: Counter[int] = Counter()
    for n, count, english in db.session.execute(
        select(
            per_card.c.stamps, func.count(), func.sum(case((per_card.c.english, 1), else_=0))
        ).group_by(per_card.c.stamps)
    ):
        reached[int(n)] = count
        result.participants += count
        result.english += int(english or 0)
    total = len(checkpoints) if store_ids is not None else len(campaign.checkpoints)
    at_least = result.participants
    for n in range(1, total + 1):
        result.funnel.append((n, at_least))
        at_least -= reached.get(n, 0)

    if store_ids is None:
        claims = {
            (tier_id, kind): (claimed, redeemed)
            for tier_id, kind, claimed, redeemed in db.session.execute(
                select(Claim.tier_id, Claim.kind, func.count(), func.count(Claim.redeemed_at))
                .where(Claim.campaign_id == campaign.id)
                .group_by(Claim.tier_id, Claim.kind)
            )
        }
        # A row per reward, and one for its lottery's prizes once there are any: prizes take
        # nothing from the stock shown beside the reward's claims.
        result.rewards = []
        for tier in campaign.tiers:
            result.rewards.append(
                (tier, ClaimKind.reward, *claims.get((tier.id, ClaimKind.reward), (0, 0)))
            )
            if (tier.id, ClaimKind.lottery) in claims:
                result.rewards.append(
                    (tier, ClaimKind.lottery, *claims[tier.id, ClaimKind.lottery])
                )
        result.open_flags = db.session.scalar(
            select(func.count())
            .select_from(FraudFlag)
            .where(FraudFlag.campaign_id == campaign.id, FraudFlag.resolved_at.is_(None))
        )
    return result


def campaigns_for_dashboard(store_ids: set[int] | None = None) -> list[Campaign]:
    """Campaigns to choose on the dashboard, newest first.

    :param store_ids: a merchant's stores: then only the published or ended campaigns they
        take part in (a draft is the association's work in progress), else every campaign.
    """
    query = select(Campaign).order_by(Campaign.starts_at.desc())
    if store_ids is not None:
        query = query.where(
            Campaign.state != CampaignState.draft,
            Campaign.id.in_(
                select(Checkpoint.campaign_id).where(Checkpoint.store_id.in_(store_ids))
            ),
        )
    return list(db.session.scalars(query))
