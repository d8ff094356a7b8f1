"""Claiming on the card page, the claim's code, and the staff redemption counter."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from rally.auth.decorators import admin_required, merchant_required
from rally.campaigns.models import Campaign, CampaignState, RewardTier
from rally.cards.cookie import card_from_cookie, card_limit_key
from rally.codes import is_code
from rally.extensions import db, limiter
from rally.i18n import _
from rally.i18n.content import sort_key_sql
from rally.qr import qr_svg
from rally.stores.models import Store, StoreStatus
from rally.utils import int_arg, utcnow

from . import operations
from .forms import ClaimForm, CountersForm, RedeemConfirmForm, RedeemLookupForm
from .models import Claim
from .rules import claim_period_over

bp = Blueprint("rewards", __name__, template_folder="templates")


def _claim_limit() -> str:
    return current_app.config["RALLY_CLAIM_LIMIT"]


@bp.post("/card/<int:campaign_id>/tiers/<int:tier_id>/claim")
@limiter.limit(_claim_limit)
@limiter.limit(_claim_limit, key_func=card_limit_key)
def claim(campaign_id: int, tier_id: int):
    """Claim a reached tier; shows the one-time code to present at the counter."""
    tier = db.session.get(RewardTier, tier_id)
    card = card_from_cookie()
    # A draft is not found, as its card page is not: "not started yet" would reveal it.
    if (
        tier is None
        or tier.campaign_id != campaign_id
        or tier.campaign.state is CampaignState.draft
    ):
        abort(404)
    if not ClaimForm().validate_on_submit():
        abort(400)
    if card is None:  # the cookie was cleared, or another browser: nothing to claim with
        flash(_("This phone has no stamp card yet."), "error")
        return redirect(url_for("cardpage.card", campaign_id=campaign_id), 303)
    try:
        occurrence = int_arg("occurrence", 1, request.form)
        claimed = operations.claim_reward(card, tier, utcnow(), occurrence=occurrence)
    except operations.RewardError as error:
        db.session.rollback()
        flash(error.message, "error")
        card_page = url_for("cardpage.card", campaign_id=campaign_id)
        if error.code == "questionnaire_required":
            # The questions come first; their page leads back to the card to claim again.
            return redirect(
                url_for("questionnaires.answer", campaign_id=campaign_id, next=card_page), 303
            )
        return redirect(card_page, 303)
    db.session.commit()
    return redirect(url_for(".claim_page", code=claimed.code), 303)


def _own_claim(code: str) -> Claim:
    if not is_code(code):
        abort(404)
    card = card_from_cookie()
    claimed = db.session.scalar(select(Claim).where(Claim.code == code))
    if claimed is None or card is None or claimed.card_id != card.id:
        abort(404)
    return claimed


def _staff_url(code: str) -> str:
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    return f"{base}{url_for('.redeem', code=code)}"


@bp.get("/card/claims/<code>")
def claim_page(code: str):
    """The visitor's claim: the code and its QR, or when it was handed over."""
    claimed = _own_claim(code)
    period_over = claim_period_over(claimed.campaign, utcnow())
    return render_template("rewards/claim.html", claim=claimed, period_over=period_over)


@bp.get("/card/claims/<code>/qr.svg")
def claim_qr(code: str):
    claimed = _own_claim(code)
    return Response(qr_svg(_staff_url(claimed.code)), mimetype="image/svg+xml")


@bp.route("/staff/redeem", methods=["GET", "POST"])
@merchant_required
def redeem():
    """The counter: scan or type a code, see what to hand over, confirm once."""
    if request.method == "POST":
        return _confirm()
    lookup = RedeemLookupForm(request.args)
    found = None
    status = 200
    if request.args.get("code"):
        if not lookup.validate():
            status = 400
        else:
            try:
                found = operations.find_claim(lookup.code.data)
                operations.staff_store_for(current_user, found.campaign_id)
                if found.redeemed_at is None:
                    operations.check_claim_period(found.campaign, utcnow())
            except operations.RewardError as error:
                lookup.code.errors.append(error.message)
                found, status = None, error.status
    confirm = RedeemConfirmForm(code=found.code) if found else None
    return (
        render_template("rewards/redeem.html", lookup=lookup, claim=found, confirm=confirm),
        status,
    )


def _confirm():
    form = RedeemConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        found = operations.find_claim(form.code.data)
        operations.redeem_claim(found, current_user, utcnow())
    except operations.RewardError as error:
        db.session.rollback()
        claimed = getattr(error, "claim", None)
        return (
            render_template("rewards/redeem_refused.html", error=error, claim=claimed),
            error.status,
        )
    db.session.commit()
    flash(_("Handed over: %(reward)s", reward=found.reward_name()), "success")
    return redirect(url_for(".redeem"), 303)


@bp.route("/manage/campaigns/<int:campaign_id>/counters", methods=["GET", "POST"])
@admin_required
def counters(campaign_id: int):
    """Name the shops whose staff may hand out this campaign's rewards."""
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    stores = db.session.scalars(
        select(Store).where(Store.status == StoreStatus.approved).order_by(sort_key_sql(Store.name))
    ).all()
    form = CountersForm()
    form.stores.choices = [(store.id, store.tr("name")) for store in stores]
    if request.method == "GET":
        form.stores.data = sorted(operations.counter_store_ids(campaign.id))
    if form.validate_on_submit():
        operations.set_redemption_counters(campaign, set(form.stores.data))
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".counters", campaign_id=campaign.id), 303)
    return render_template("rewards/counters.html", campaign=campaign, form=form), (
        400 if form.errors else 200
    )
