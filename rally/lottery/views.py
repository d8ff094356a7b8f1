"""Entering a lottery from the card, its public page, and the association's controls."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms import SubmitField
from wtforms.validators import DataRequired, NumberRange

from rally.auth.decorators import admin_required
from rally.campaigns.models import Campaign, CampaignState, RewardTier
from rally.cards.cookie import card_from_cookie
from rally.extensions import db
from rally.forms import Form, IntegerField, SelectField
from rally.i18n import _, _l, ngettext
from rally.utils import utcnow
from rally.visitors.session import current_visitor

from . import operations
from .models import Lottery

bp = Blueprint("lottery", __name__, template_folder="templates")


class EnterForm(Form):
    submit = SubmitField(_l("Enter the lottery"))


class CreateForm(Form):
    tier = SelectField(_l("Reward"), coerce=int, validators=[DataRequired()])
    winners = IntegerField(
        _l("Number of winners"),
        validators=[
            DataRequired(_l("Please enter a number.")),
            NumberRange(min=1, max=100_000, message=_l("Please enter a number from 1 to 100,000.")),
        ],
    )
    submit = SubmitField(_l("Create the lottery"))


class DrawForm(Form):
    submit = SubmitField(_l("Draw the winners now"))


@bp.post("/card/<int:campaign_id>/tiers/<int:tier_id>/enter")
def enter(campaign_id: int, tier_id: int):
    lottery = operations.lottery_for_tier(tier_id)
    card = card_from_cookie()
    # A draft is not found, as its card page is not.
    if (
        lottery is None
        or lottery.campaign_id != campaign_id
        or lottery.campaign.state is CampaignState.draft
    ):
        abort(404)
    if not EnterForm().validate_on_submit():
        abort(400)
    card_page = url_for("cardpage.card", campaign_id=campaign_id)
    if card is None:  # the cookie was cleared, or another browser: nothing to enter with
        flash(_("This phone has no stamp card yet."), "error")
        return redirect(card_page, 303)
    try:
        operations.enter_lottery(lottery, card, current_visitor(), utcnow())
    except operations.LotteryError as error:
        db.session.rollback()
        flash(error.message, "error")
        if error.code == "account_required":
            return redirect(url_for("visitors.save"), 303)
    else:
        db.session.commit()
        flash(_("You are in the lottery. Good luck!"), "success")
    return redirect(card_page, 303)


def _lottery(lottery_id: int) -> Lottery:
    return db.session.get(Lottery, lottery_id) or abort(404)


def _published_lottery(lottery_id: int) -> Lottery:
    return operations.public_lottery(lottery_id) or abort(404)


@bp.get("/lotteries/<int:lottery_id>")
def public(lottery_id: int):
    """The published commitment, entries and, after the draw, seed and winners."""
    lottery = _published_lottery(lottery_id)
    return render_template(
        "lottery/public.html", lottery=lottery, data=operations.published_data(lottery)
    )


@bp.get("/lotteries/<int:lottery_id>.json")
def public_json(lottery_id: int):
    return jsonify(operations.published_data(_published_lottery(lottery_id)))


@bp.route("/manage/lotteries", methods=["GET", "POST"])
@admin_required
def manage():
    lotteries = db.session.scalars(select(Lottery).order_by(Lottery.created_at.desc())).all()
    taken = {lottery.tier_id for lottery in lotteries}
    tiers = db.session.scalars(
        select(RewardTier).join(Campaign).order_by(Campaign.id.desc(), RewardTier.threshold)
    ).all()
    form = CreateForm()
    form.tier.choices = [
        (tier.id, f"{tier.campaign.tr('title')} — {tier.tr('name')}")
        for tier in tiers
        if tier.id not in taken
    ]
    if form.validate_on_submit():
        try:
            lottery = operations.create_lottery(
                db.session.get(RewardTier, form.tier.data), form.winners.data
            )
        except operations.LotteryError as error:
            db.session.rollback()
            form.winners.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Lottery created. Its commitment is published now."), "success")
            return redirect(url_for(".public", lottery_id=lottery.id), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("lottery/manage.html", lotteries=lotteries, form=form), status


@bp.route("/manage/lotteries/<int:lottery_id>/draw", methods=["GET", "POST"])
@admin_required
def draw(lottery_id: int):
    """Confirm, then draw: entries close and the seed is revealed."""
    lottery = _lottery(lottery_id)
    form = DrawForm()
    if form.validate_on_submit():
        try:
            winners = operations.draw_lottery(lottery, utcnow())
        except operations.LotteryError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            queued = operations.tell_winners(lottery, winners)
            db.session.commit()  # the mails are queued with the draw, sent by the worker
            flash(
                ngettext(
                    "Drawn: %(num)d winner will be told by e-mail.",
                    "Drawn: %(num)d winners will be told by e-mail.",
                    queued,
                ),
                "success",
            )
        return redirect(url_for(".public", lottery_id=lottery_id), 303)
    campaign = lottery.campaign
    running = campaign.is_collecting(utcnow())
    return render_template("lottery/draw.html", lottery=lottery, form=form, running=running)
