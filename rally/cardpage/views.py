"""The visitor's stamp cards: the list of their campaigns and one campaign's card."""

from flask import Blueprint, abort, redirect, render_template, request, url_for

from rally.campaigns.lifecycle import open_campaigns
from rally.campaigns.progress import campaigns_of_card, card_progress
from rally.cards.cookie import card_from_cookie, card_key_from_cookie
from rally.database import read_without_transaction
from rally.i18n import current_language
from rally.lottery.operations import lotteries_on_card
from rally.questionnaires.operations import questionnaire_done
from rally.rewards.forms import ClaimForm
from rally.rewards.operations import claims_of_card
from rally.stamping.operations import next_check_in
from rally.utils import int_arg, utcnow

from .rows import area_rows, place_rows, read_card
from .sheet import campaign_sheet

bp = Blueprint("cardpage", __name__, template_folder="templates")


@bp.get("/card")
def cards():
    """All campaigns the visitor's card holds stamps in."""
    card = card_from_cookie()
    campaigns = campaigns_of_card(card) if card else []
    if len(campaigns) == 1:
        return redirect(url_for(".card", campaign_id=campaigns[0].id))
    return render_template(
        "cardpage/cards.html",
        campaigns=campaigns,
        open_campaigns=open_campaigns(utcnow()),
    )


@bp.get("/card/<int:campaign_id>")
def card(campaign_id: int):
    """The stamp card of one campaign: progress, shops to visit, rewards within reach."""
    read_without_transaction()
    visitor = read_card(card_key_from_cookie(), campaign_id)
    sheet = campaign_sheet(campaign_id, visitor.revision)
    if sheet is None or sheet.campaign.state.value == "draft":
        abort(404)
    campaign = sheet.campaign
    card = visitor.card
    progress = card_progress(card, campaign, sheet.rows, visitor.stamps)
    highlight = int_arg("new") or int_arg("again")
    highlighted = progress.stamps.get(highlight)
    is_new = "new" in request.args
    next_at = None
    if highlighted is not None and not is_new:
        next_at = next_check_in(campaign, highlighted.created_at)
    places = place_rows(progress, sheet.place_texts(current_language()))
    tiers = progress.tiers()
    # Claims and lottery entries only show beside a reached tier: most cards have none yet.
    reached = any(row.reached for row in tiers)
    return render_template(
        "cardpage/card.html",
        progress=progress,
        places=places,
        groups=area_rows(progress, places),
        campaign=campaign,
        over=campaign.state.value == "ended" or campaign.ends_at <= utcnow(),
        # A signed cookie whose card is gone: moved to another phone, or taken back by a new
        # password of its account.
        moved="moved" in request.args or (card is None and card_key_from_cookie() is not None),
        card=card,
        highlighted=highlighted,
        is_new=is_new,
        next_at=next_at,
        questionnaire_done=bool(card and campaign.questions and questionnaire_done(card, campaign)),
        show_points=sheet.show_points,
        tiers=tiers,
        claims=claims_of_card(card, campaign.id) if reached and visitor.has_claims else {},
        lotteries=lotteries_on_card(card, campaign.id, sheet.lotteries) if reached else {},
        claim_form=ClaimForm(),
    )
