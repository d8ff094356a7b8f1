"""The venue PIN (visitor's entry page, staff's display) and the NFC tag page."""

import base64
import math

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
)
from flask_login import login_required

from rally.access import managed_or_404
from rally.campaigns.models import Campaign, CampaignState, Checkpoint
from rally.cards.cookie import card_from_cookie, card_limit_key, show_stamp
from rally.extensions import db, limiter
from rally.i18n import current_language
from rally.qr import qr_png, qr_svg
from rally.stamping.operations import StampError
from rally.stamping.tokens import seconds_left_in_step, stamp_url, time_step
from rally.utils import utcnow

from . import operations
from .forms import PinForm

bp = Blueprint("pins", __name__, template_folder="templates")

# Only refused attempts count: a visitor collecting stamps with PINs all day is not limited.
PIN_LIMIT_PER_CARD = "5 per 10 minutes"
PIN_LIMIT_PER_ADDRESS = "10 per 10 minutes"


def _per_card_limit() -> str:
    return current_app.config.get("RALLY_PIN_LIMIT_PER_CARD", PIN_LIMIT_PER_CARD)


def _per_address_limit() -> str:
    return current_app.config.get("RALLY_PIN_LIMIT_PER_ADDRESS", PIN_LIMIT_PER_ADDRESS)


def _refused(response) -> bool:
    return response.status_code != 303


@bp.app_template_global()
def venue_pin_today(checkpoint: Checkpoint) -> str:
    """Today's PIN, for staff pages that show it (the counter tablet)."""
    return operations.todays_pin(checkpoint, utcnow())


@bp.route("/card/<int:campaign_id>/pin", methods=["GET", "POST"])
@limiter.limit(_per_address_limit, methods=["POST"], deduct_when=_refused)
@limiter.limit(_per_card_limit, key_func=card_limit_key, methods=["POST"], deduct_when=_refused)
def enter_pin(campaign_id: int):
    """When the camera fails: choose the place, type the PIN the staff says, get the stamp."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.state is CampaignState.draft:
        abort(404)
    form = PinForm()
    checkpoints = operations.pin_checkpoints(campaign)
    form.checkpoint.choices = [(cp.id, cp.place.tr("name")) for cp in checkpoints]
    error = None
    if form.validate_on_submit():
        checkpoint = db.session.get(Checkpoint, form.checkpoint.data)
        try:
            result = operations.stamp_with_pin(
                card_from_cookie(), checkpoint, form.pin.data, utcnow(), current_language()
            )
        except StampError as refusal:
            db.session.rollback()
            if refusal.code != "wrong_pin":
                return render_template("stamping/refused.html", error=refusal), refusal.status
            error = refusal
            form.pin.errors.append(refusal.message)
        else:
            return show_stamp(campaign.id, result.checkpoint.id, result.created, result.card.key)
    status = 400 if form.errors else 200
    return render_template(
        "pins/enter.html", campaign=campaign, form=form, error=error, has_places=bool(checkpoints)
    ), status


def _staff_checkpoint(checkpoint_id: int) -> Checkpoint:
    """The checkpoint, for the association and the store's own merchant only."""
    return managed_or_404(db.session.get(Checkpoint, checkpoint_id))


@bp.get("/checkpoints/<int:checkpoint_id>/pin")
@login_required
def staff_pin(checkpoint_id: int):
    """Today's PIN for the shop's staff to tell visitors whose camera fails."""
    checkpoint = _staff_checkpoint(checkpoint_id)
    if not checkpoint.is_open:  # a suspended store: every PIN would be refused
        return render_template("store_suspended.html", checkpoint=checkpoint)
    now = utcnow()
    response = current_app.make_response(
        render_template(
            "pins/staff_pin.html",
            checkpoint=checkpoint,
            pin=operations.todays_pin(checkpoint, now),
            today=operations.local_now(now).date(),
            changes_at=operations.pin_changes_at(checkpoint, now),
            window_minutes=int(operations.PIN_WINDOW.total_seconds() // 60),
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/checkpoints/<int:checkpoint_id>/nfc")
@login_required
def nfc(checkpoint_id: int):
    """How to write the checkpoint's stamp URL to an NFC tag."""
    checkpoint = _staff_checkpoint(checkpoint_id)
    if not checkpoint.is_open:  # a suspended store: a tag would give nothing
        return render_template("store_suspended.html", checkpoint=checkpoint)
    url = stamp_url(checkpoint)
    needed = operations.nfc_tag_bytes(url)
    response = current_app.make_response(
        render_template(
            "pins/nfc.html",
            checkpoint=checkpoint,
            allowed=operations.nfc_allowed(checkpoint),
            url=url,
            url_bytes=len(url.encode()),
            needed=needed,
            tags=[(name, size, needed <= size) for name, size in operations.TAG_CAPACITIES],
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/checkpoints/<int:checkpoint_id>/stamp.ndef")
@login_required
def nfc_download(checkpoint_id: int):
    """The raw NDEF message of the stamp URL, for NFC writer apps that import a file."""
    checkpoint = _staff_checkpoint(checkpoint_id)
    if not operations.nfc_allowed(checkpoint) or not checkpoint.is_open:
        abort(404)  # refused: a fixed code in a rotating-code campaign, a suspended store
    data = operations.ndef_uri_message(stamp_url(checkpoint))
    response = Response(data, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="stamp-{checkpoint.id}.ndef"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/checkpoints/<int:checkpoint_id>/qr.<fmt>")
@login_required
def checkpoint_qr(checkpoint_id: int, fmt: str):
    """The QR image of a checkpoint, for its merchant and the association."""
    checkpoint = _staff_checkpoint(checkpoint_id)
    if not checkpoint.is_open:
        abort(404)  # a suspended store: its code gives nothing
    url = stamp_url(checkpoint)
    if fmt == "png":
        return Response(qr_png(url), mimetype="image/png")
    if fmt == "svg":
        return Response(qr_svg(url), mimetype="image/svg+xml")
    abort(404)


@bp.get("/checkpoints/<int:checkpoint_id>/tablet")
@login_required
def tablet(checkpoint_id: int):
    """The counter tablet: a QR code that changes every 30 seconds.

    At the next step boundary ``tablet.js`` fetches the page again and swaps the code in
    place (a reload would send a screen reader back to the top and fold the PIN); without
    JavaScript a meta refresh in ``<noscript>`` reloads the page, so an old tablet left open
    overnight keeps going. The server's clock alone decides the step, so a tablet whose own
    clock is wrong still shows a valid code.
    """
    checkpoint = _staff_checkpoint(checkpoint_id)
    if not checkpoint.is_open:  # a suspended store: no code, looked at again every 5 minutes
        return render_template("store_suspended.html", checkpoint=checkpoint, recheck=300)
    now = utcnow()
    step = time_step(now)
    url = stamp_url(checkpoint, step=step)
    image = "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url)).decode()
    refresh = max(1, math.ceil(seconds_left_in_step(now)))
    response = current_app.make_response(
        render_template(
            "pins/tablet.html", checkpoint=checkpoint, image=image, url=url, refresh=refresh
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
