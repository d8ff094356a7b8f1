"""A campaign's public landing page: rules, rewards, shops, dates, sharing."""

from flask import Blueprint, abort, current_app, render_template, url_for

from rally.campaigns.listing import public_campaign
from rally.campaigns.models import CampaignState
from rally.i18n import current_language
from rally.i18n.languages import bcp47
from rally.lottery.operations import campaign_lotteries
from rally.spots.operations import campaign_spots
from rally.stores.search import TAG_LABELS, campaign_stores
from rally.utils import utcnow

bp = Blueprint("landing", __name__, template_folder="templates")


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    """The landing page, in the language of its ``?lang=`` when it has one (as every public
    page: see ``select_locale``), so a shared link opens in the language it was shared in."""
    campaign = public_campaign(campaign_id) or abort(404)
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    page_url = base + url_for(".campaign", campaign_id=campaign.id, lang=bcp47(current_language()))
    now = utcnow()
    return render_template(
        "site/landing.html",
        campaign=campaign,
        stores=campaign_stores(campaign),
        spots=campaign_spots(campaign),
        lotteries={lottery.tier_id: lottery for lottery in campaign_lotteries(campaign.id)},
        tag_labels=TAG_LABELS,
        page_url=page_url,
        running=campaign.is_running(now),
        upcoming=now < campaign.starts_at and campaign.state is CampaignState.published,
    )
