"""The visitor's stamp cards: the list of their campaigns and one campaign's card."""

from flask import Blueprint, abort, redirect, render_template, request, url_for

from rally.campaigns.lifecycle import open_campaigns
from rally.campaigns.progress import campaigns_of_card
from rally.cards.cookie import card_from_cookie, card_key_from_cookie
from rally.database import read_without_transaction
from rally.rewards.forms import ClaimForm
from rally.utils import int_arg, utcnow

from .page import card_page

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
    page = card_page(
        campaign_id,
        card_key_from_cookie(),
        utcnow(),
        highlight=int_arg("new") or int_arg("again"),
        is_new="new" in request.args,
        moved="moved" in request.args,
    )
    if page is None:
        abort(404)
    return render_template("cardpage/card.html", **vars(page), claim_form=ClaimForm())
