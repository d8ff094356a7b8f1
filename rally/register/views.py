"""The register page for shop staff, and the one-time purchase link a visitor's phone opens."""

import base64

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import ngettext
from flask_login import current_user

from rally.auth.decorators import merchant_required
from rally.campaigns.models import Checkpoint
from rally.cards.cookie import card_from_cookie, show_stamp
from rally.database import writes
from rally.extensions import db
from rally.i18n import _, current_language
from rally.qr import qr_svg
from rally.stamping.operations import StampError
from rally.utils import utcnow

from . import operations
from .forms import AddStampsForm, CardLookupForm, PurchaseForm

bp = Blueprint("register", __name__, template_folder="templates")

# Each purchase code is shown once: skip qr_svg's cache, which is for codes shown again.
_one_time_qr_svg = qr_svg.__wrapped__


def _register_checkpoint(checkpoint_id: int) -> Checkpoint:
    checkpoint = db.session.get(Checkpoint, checkpoint_id) or abort(404)
    if not operations.may_use_register(current_user, checkpoint):
        abort(403)
    return checkpoint


def _page(checkpoint, purchase=None, qr=None, lookup=None, card=None, add=None, error=None):
    campaign = checkpoint.campaign
    lookup = lookup or CardLookupForm(formdata=None)
    response = current_app.make_response(
        render_template(
            "register/register.html",
            checkpoint=checkpoint,
            campaign=campaign,
            purchase=purchase or PurchaseForm.for_campaign(campaign, formdata=None),
            qr=qr,
            lookup=lookup,
            card=card,
            add=add,
            error=error,
            limit=operations.stamp_limit(campaign),
        )
    )
    # The page may show a one-time code: never from a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/register/<int:checkpoint_id>", methods=["GET", "POST"])
@merchant_required
def register(checkpoint_id: int):
    """Staff: a purchase's one-time QR code, or a card looked up by its number."""
    checkpoint = _register_checkpoint(checkpoint_id)
    campaign = checkpoint.campaign
    purchase = PurchaseForm.for_campaign(campaign)
    status, qr, error = 200, None, None
    if request.method == "POST":
        if purchase.validate_on_submit():
            try:
                issued = operations.issue_purchase_code(
                    checkpoint, purchase.amount.data, purchase.count.data, current_user, utcnow()
                )
            except StampError as refusal:
                error, status = refusal, refusal.status
            else:
                qr = {
                    "url": issued.url,
                    "count": issued.count,
                    "amount": purchase.amount.data if not purchase.count.data else None,
                    "image": "data:image/svg+xml;base64,"
                    + base64.b64encode(_one_time_qr_svg(issued.url)).decode(),
                    "minutes": int(operations.TOKEN_LIFETIME.total_seconds() // 60),
                }
        else:
            status = 422
    lookup = CardLookupForm(request.args)
    card = add = None
    if request.args.get("code") and lookup.validate():
        try:
            card = operations.card_by_number(lookup.code.data)
        except StampError as refusal:
            lookup.code.errors.append(refusal.message)
            status = refusal.status
        else:
            add = AddStampsForm.for_campaign(campaign, formdata=None, number=card.number)
    return _page(checkpoint, purchase, qr, lookup, card, add, error), status


@bp.post("/register/<int:checkpoint_id>/card")
@merchant_required
def add_to_card(checkpoint_id: int):
    """Staff add stamps to the card whose number they typed or scanned."""
    checkpoint = _register_checkpoint(checkpoint_id)
    campaign = checkpoint.campaign
    form = AddStampsForm.for_campaign(campaign)
    if not form.validate_on_submit():
        abort(400)
    card = None
    try:
        card = operations.card_by_number(form.number.data)
        operations.add_stamps(card, checkpoint, form.count.data, current_user, utcnow())
    except StampError as refusal:
        db.session.rollback()
        if refusal.is_repeat:
            number = card.display_number
            if refusal.code == "already_stamped":
                message = _("Card No. %(number)s already has this stamp.", number=number)
            else:
                message = _(
                    "Card No. %(number)s checked in here recently. It can collect this stamp "
                    "again later.",
                    number=number,
                )
            flash(message, "notice")
            return redirect(url_for(".register", checkpoint_id=checkpoint.id), 303)
        lookup = CardLookupForm(formdata=None, code=form.number.data)
        found = card
        return _page(checkpoint, lookup=lookup, card=found, add=form, error=refusal), refusal.status
    number = card.display_number
    count = form.count.data
    db.session.commit()
    flash(
        ngettext(
            "%(num)d stamp added to card No. %(number)s.",
            "%(num)d stamps added to card No. %(number)s.",
            count,
            number=number,
        ),
        "success",
    )
    return redirect(url_for(".register", checkpoint_id=checkpoint_id), 303)


@bp.get("/p/<token>")
@writes
def purchase(token: str):
    """The link in the register's one-time QR code: the purchase's stamps, then the card."""
    if request.method == "HEAD":
        # Link checkers and previews ask with HEAD: the code must stay unused for the phone.
        try:
            operations.read_purchase_token(token, utcnow())
        except StampError as refusal:
            return render_template("stamping/refused.html", error=refusal), refusal.status
        return redirect(url_for("cardpage.cards"), 303)
    try:
        result = operations.redeem_purchase(token, card_from_cookie(), utcnow(), current_language())
    except StampError as refusal:
        db.session.rollback()
        return render_template("stamping/refused.html", error=refusal), refusal.status
    return show_stamp(
        result.checkpoint.campaign_id, result.checkpoint.id, result.created, result.card.key
    )
