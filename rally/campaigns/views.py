"""The association runs its campaigns: list, create, edit, publish, end, revoke a poster
(administrators only); and what every page may print about a campaign (its rules, what a
reward asks for)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from rally.auth.decorators import admin_required
from rally.errors import RallyError, back_with
from rally.extensions import db
from rally.forms import ConfirmForm
from rally.i18n import _
from rally.utils import int_arg, utcnow

from . import editing, lifecycle, listing
from .forms import CampaignForm
from .labels import campaign_rules, tier_requirement, tier_to_go
from .models import Campaign, CampaignState, Checkpoint

bp = Blueprint("campaigns", __name__, url_prefix="/admin", template_folder="templates")
bp.add_app_template_global(tier_requirement)
bp.add_app_template_global(tier_to_go)
bp.add_app_template_global(campaign_rules)

CAMPAIGNS_PER_PAGE = 20


@bp.before_request
@admin_required
def _only_administrators():
    """Every view here is for the association; the decorator answers 403 or the log-in page."""


def _campaign(campaign_id: int) -> Campaign:
    return db.session.get(Campaign, campaign_id) or abort(404)


def _timezone() -> str:
    return current_app.config["RALLY_TIMEZONE"]


def _store_choices(campaign: Campaign | None) -> list[tuple[int, str]]:
    """Approved stores, plus those already taking part (so they can be seen and kept)."""
    choices = []
    for store in listing.campaign_store_choices(campaign):
        label = store.tr("name")
        if not store.is_approved:
            label = _("%(name)s (%(status)s)", name=label, status=store.status.label)
        choices.append((store.id, label))
    return choices


def _spot_choices(campaign: Campaign | None) -> list[tuple[int, str]]:
    return [
        (spot.id, _("%(name)s (%(kind)s)", name=spot.tr("name"), kind=spot.kind.label))
        for spot in listing.campaign_spot_choices(campaign)
    ]


@bp.get("/campaigns")
def campaigns():
    campaigns = listing.campaigns_page(page=int_arg("page", 1), per_page=CAMPAIGNS_PER_PAGE)
    return render_template("campaigns/campaigns.html", campaigns=campaigns)


@bp.route("/campaigns/new", methods=["GET", "POST"])
def new_campaign():
    form = CampaignForm()
    form.stores.choices = _store_choices(None)
    form.spots.choices = _spot_choices(None)
    error = None
    if form.validate_on_submit():
        try:
            campaign = editing.create_campaign(form.to_input(_timezone()))
        except RallyError as refused:
            db.session.rollback()
            error = refused
        else:
            db.session.commit()
            flash(_("The campaign is saved as a draft."), "success")
            return redirect(url_for(".campaign", campaign_id=campaign.id), 303)
    return _form_page(form, None, error)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
def edit_campaign(campaign_id: int):
    campaign = _campaign(campaign_id)
    if campaign.state is CampaignState.ended:
        flash(_("An ended campaign can no longer be changed."), "error")
        return redirect(url_for(".campaign", campaign_id=campaign.id), 303)
    form = CampaignForm()
    form.stores.choices = _store_choices(campaign)
    form.spots.choices = _spot_choices(campaign)
    if request.method == "GET":
        form.fill_from(campaign, _timezone())
    error = None
    if form.validate_on_submit():
        try:
            editing.update_campaign(campaign, form.to_input(_timezone()))
        except RallyError as refused:
            db.session.rollback()
            error = refused
        else:
            db.session.commit()
            flash(_("The campaign is saved."), "success")
            return redirect(url_for(".campaign", campaign_id=campaign.id), 303)
    if request.method == "POST":
        form.refresh_stock(campaign)
    return _form_page(form, campaign, error)


def _form_page(form: CampaignForm, campaign: Campaign | None, error: RallyError | None):
    status = error.status if error else (400 if form.errors else 200)
    return (
        render_template("campaigns/campaign_form.html", form=form, campaign=campaign, error=error),
        status,
    )


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    campaign = _campaign(campaign_id)
    return render_template(
        "campaigns/campaign.html",
        campaign=campaign,
        checkpoints=listing.checkpoints_of(campaign),
        counts=lifecycle.stamp_counts(campaign),
        form=ConfirmForm(),
        now=utcnow(),
    )


@bp.post("/campaigns/<int:campaign_id>/publish")
def publish_campaign(campaign_id: int):
    campaign = _campaign(campaign_id)
    target = url_for(".campaign", campaign_id=campaign.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        lifecycle.publish_campaign(campaign, utcnow())
    except RallyError as error:
        return back_with(error, target)
    db.session.commit()
    flash(_("The campaign is published."), "success")
    return redirect(target, 303)


@bp.route("/campaigns/<int:campaign_id>/end", methods=["GET", "POST"])
def end_campaign(campaign_id: int):
    """Ending stops every stamp at once and cannot be undone: a confirmation page first."""
    campaign = _campaign(campaign_id)
    target = url_for(".campaign", campaign_id=campaign.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            lifecycle.end_campaign(campaign)
        except RallyError as error:
            return back_with(error, target)
        db.session.commit()
        flash(_("The campaign has ended."), "success")
        return redirect(target, 303)
    return render_template("campaigns/confirm_end.html", campaign=campaign, form=form)


@bp.route(
    "/campaigns/<int:campaign_id>/checkpoints/<int:checkpoint_id>/rotate", methods=["GET", "POST"]
)
def rotate_checkpoint(campaign_id: int, checkpoint_id: int):
    """Revoke a leaked poster: its QR stops working and a new poster must be printed."""
    checkpoint = db.session.get(Checkpoint, checkpoint_id)
    if checkpoint is None or checkpoint.campaign_id != campaign_id:
        abort(404)
    target = url_for(".campaign", campaign_id=campaign_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        lifecycle.rotate_checkpoint_key(checkpoint)
        name = checkpoint.place.tr("name")
        db.session.commit()
        flash(
            _("The old QR code of “%(name)s” no longer works. Print its new poster.", name=name),
            "success",
        )
        return redirect(target, 303)
    return render_template("campaigns/confirm_rotate.html", checkpoint=checkpoint, form=form)
