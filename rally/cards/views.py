"""Keeping a card: give a transfer code on one phone, enter it on the other."""

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
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from rally.cards.cookie import card_from_cookie, remember_card
from rally.codes import normalise_code
from rally.extensions import db, limiter
from rally.forms import Form
from rally.i18n import _, _l
from rally.qr import qr_svg
from rally.utils import normalize_code, utcnow

from . import operations

bp = Blueprint("cards", __name__, url_prefix="/card", template_folder="templates")


class StartForm(Form):
    submit = SubmitField(_l("Create a transfer code"))


class ReceiveForm(Form):
    code = StringField(
        _l("Transfer code"),
        filters=[normalize_code],
        validators=[DataRequired(_l("Please enter the code.")), Length(max=200)],
    )
    replace = BooleanField(_l("Replace the card on this phone (its stamps stay behind)"))
    submit = SubmitField(_l("Move the card to this phone"))


def _receive_url(code: str) -> str:
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    return f"{base}{url_for('.receive', code=code)}"


@bp.route("/keep", methods=["GET", "POST"])
def keep():
    """On the old phone: a one-time code (and its QR) to move the card."""
    card = card_from_cookie()
    form = StartForm()
    code = None
    if card is not None and form.validate_on_submit():
        code = operations.start_transfer(card, utcnow())
        db.session.commit()
    return render_template(
        "cards/keep.html",
        card=card,
        form=form,
        code=code,
        stamps=operations.stamp_total(card),
        lifetime=int(operations.TRANSFER_LIFETIME.total_seconds() // 60),
        receive_url=_receive_url(code) if code else None,
    )


@bp.get("/keep/qr.svg")
def transfer_qr():
    code = request.args.get("code", "")
    if not code or len(code) > 20:
        abort(404)
    return Response(qr_svg(_receive_url(normalise_code(code))), mimetype="image/svg+xml")


@bp.route("/receive", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def receive():
    """On the new phone: enter or scan the code, then confirm. A GET changes nothing."""
    current = card_from_cookie()
    form = ReceiveForm(request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.code.data = request.args.get("code", "")
    status = 200
    if request.method == "POST" and not form.validate_on_submit():
        status = 422
    elif request.method == "POST":
        try:
            card = operations.complete_transfer(
                form.code.data, current, utcnow(), replace=form.replace.data
            )
        except operations.TransferError as error:
            db.session.rollback()
            form.code.errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            flash(_("Your card is on this phone now."), "success")
            return remember_card(redirect(url_for("cardpage.cards"), 303), card)
    return (
        render_template(
            "cards/receive.html", form=form, current_stamps=operations.stamp_total(current)
        ),
        status,
    )
