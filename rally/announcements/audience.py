"""Who an announcement reaches: residents with an account, not banned, chosen by kind."""

from sqlalchemy import select

from rally.cards.models import Card, Stamp
from rally.circles.models import CircleMember, MemberState
from rally.extensions import db
from rally.residents.models import Resident

from .models import Audience


def audience_query(audience: Audience, target_id: int | None):
    """``SELECT visitor_id`` of the residents ``audience`` names (``target_id``: the
    circle's, area's or campaign's id)."""
    query = select(Resident.visitor_id).where(Resident.banned_at.is_(None))
    if audience is Audience.circle:
        members = select(CircleMember.visitor_id).where(
            CircleMember.circle_id == target_id, CircleMember.state == MemberState.member
        )
        query = query.where(Resident.visitor_id.in_(members))
    elif audience is Audience.area:
        query = query.where(Resident.area_id == target_id)
    elif audience is Audience.verified:
        query = query.where(Resident.resident_verified_at.is_not(None))
    elif audience is Audience.campaign:
        # Card holders of the campaign: a card with a stamp of it, saved to the account.
        holders = (
            select(Card.visitor_id)
            .join(Stamp, Stamp.card_id == Card.id)
            .where(Stamp.campaign_id == target_id, Card.visitor_id.is_not(None))
        )
        query = query.where(Resident.visitor_id.in_(holders))
    return query


def recipient_ids(audience: Audience, target_id: int | None) -> list[int]:
    return list(
        db.session.scalars(audience_query(audience, target_id).order_by(Resident.visitor_id))
    )


def recipient_count(audience: Audience, target_id: int | None) -> int:
    from sqlalchemy import func

    subquery = audience_query(audience, target_id).subquery()
    return db.session.scalar(select(func.count()).select_from(subquery))
