"""Visitor-facing campaign views: scanning a stamp link and the stamp card."""

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from rally.database import writes
from rally.extensions import db
from rally.i18n import current_language
from rally.utils import utcnow

from . import operations
from .cards import card_from_cookie, remember_card
from .models import Campaign, Checkpoint
from .qr import qr_png, qr_svg, stamp_url

bp = Blueprint("campaigns", __name__, template_folder="templates")


@bp.get("/s/<token>")
@writes
def scan(token: str):
    """The URL inside every shop's QR code: give the stamp, then show the card."""
    now = utcnow()
    try:
        checkpoint = operations.resolve_checkpoint(token, now)
        card = operations.open_card(card_from_cookie(), locale=current_language())
        operations.grant_stamp(card, checkpoint, now)
        outcome = "new"
    except operations.StampError as error:
        if error.code != "already_stamped":
            db.session.rollback()
            return render_template("campaigns/refused.html", error=error), error.status
        outcome = "again"
    db.session.commit()
    target = url_for(".card", campaign_id=checkpoint.campaign_id, **{outcome: checkpoint.id})
    return remember_card(redirect(target, 303), card)


@bp.get("/card")
def cards():
    """All campaigns the visitor's card holds stamps in."""
    card = card_from_cookie()
    campaigns = operations.campaigns_of_card(card) if card else []
    if len(campaigns) == 1:
        return redirect(url_for(".card", campaign_id=campaigns[0].id))
    return render_template(
        "campaigns/cards.html",
        campaigns=campaigns,
        open_campaigns=operations.open_campaigns(utcnow()),
    )


@bp.get("/card/<int:campaign_id>")
def card(campaign_id: int):
    """The stamp card of one campaign: progress, shops to visit, rewards within reach."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.state.value == "draft":
        abort(404)
    progress = operations.card_progress(card_from_cookie(), campaign)
    highlight = request.args.get("new", type=int) or request.args.get("again", type=int)
    highlighted = progress.stamps.get(highlight)
    return render_template(
        "campaigns/card.html",
        progress=progress,
        campaign=campaign,
        highlighted=highlighted,
        is_new="new" in request.args,
        now=utcnow(),
    )


@bp.get("/checkpoints/<int:checkpoint_id>/qr.<fmt>")
@login_required
def checkpoint_qr(checkpoint_id: int, fmt: str):
    """The QR image of a checkpoint, for its merchant and the association."""
    checkpoint = db.session.get(Checkpoint, checkpoint_id) or abort(404)
    if not (current_user.is_admin or checkpoint.store.owner_id == current_user.id):
        abort(403)
    url = stamp_url(checkpoint)
    if fmt == "png":
        return Response(qr_png(url), mimetype="image/png")
    if fmt == "svg":
        return Response(qr_svg(url), mimetype="image/svg+xml")
    abort(404)
