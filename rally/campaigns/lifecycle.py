"""A campaign's life: published, ended, its printed codes revoked; which campaigns run now.

Functions here change state and ``flush()``; the request commits once.
"""

from datetime import datetime

from sqlalchemy import func, select

from rally.campaigns.editing import CampaignError
from rally.campaigns.models import Campaign, CampaignState, Checkpoint
from rally.cards.models import Stamp
from rally.extensions import db
from rally.i18n import _l


def rotate_checkpoint_key(checkpoint: Checkpoint) -> None:
    """Revoke ``checkpoint``'s printed QR codes; a new poster must be printed."""
    checkpoint.key_version += 1
    db.session.flush()


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
