"""The association's list of fraud flags, with void and dismiss."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from wtforms import SubmitField

from rally.auth.decorators import admin_required
from rally.cards.models import Stamp
from rally.extensions import db
from rally.forms import Form
from rally.i18n import _, _l, ngettext
from rally.utils import utcnow

from . import review
from .models import FraudFlag

bp = Blueprint("fraud", __name__, url_prefix="/manage/flags", template_folder="templates")
PER_PAGE = 25


class VoidForm(Form):
    submit = SubmitField(_l("Void the stamps"))


class DismissForm(Form):
    submit = SubmitField(_l("Dismiss"))


@bp.get("/")
@admin_required
def index():
    return _list_page(request.args.get("resolved") == "1")


def _list_page(show_resolved: bool, status: int = 200):
    page = review.flags_page(
        request.args.get("page", 1, type=int), PER_PAGE, with_resolved=show_resolved
    )
    return render_template(
        "fraud/index.html", page=page, show_resolved=show_resolved, dismiss_form=DismissForm()
    ), status


def _refused(error: review.FlagError):
    """Undo the request's changes; the list, with the resolved flags, says why."""
    db.session.rollback()
    flash(error.message, "error")
    return _list_page(True, error.status)


def _flag(flag_id: int) -> FraudFlag:
    return db.session.get(FraudFlag, flag_id) or abort(404)


@bp.route("/<int:flag_id>/void", methods=["GET", "POST"])
@admin_required
def void(flag_id: int):
    """Confirm, then void the flagged card's stamps in the campaign."""
    flag = _flag(flag_id)
    form = VoidForm()
    if form.validate_on_submit():
        try:
            voided = review.void_card(flag, utcnow())
        except review.FlagError as error:
            return _refused(error)
        db.session.commit()
        flash(ngettext("%(num)d stamp voided.", "%(num)d stamps voided.", voided.stamps), "success")
        if voided.claims:
            message = ngettext(
                "%(num)d reward cancelled (not yet handed over).",
                "%(num)d rewards cancelled (not yet handed over).",
                voided.claims,
            )
            flash(message, "success")
        return redirect(url_for(".index"), 303)
    stamps = db.session.scalar(
        select(func.count())
        .select_from(Stamp)
        .where(Stamp.card_id == flag.card_id, Stamp.campaign_id == flag.campaign_id)
    )
    return render_template("fraud/void.html", flag=flag, form=form, stamps=stamps)


@bp.post("/<int:flag_id>/dismiss")
@admin_required
def dismiss(flag_id: int):
    flag = _flag(flag_id)
    if not DismissForm().validate_on_submit():
        abort(400)
    try:
        review.dismiss_flag(flag, utcnow())
    except review.FlagError as error:
        return _refused(error)
    db.session.commit()
    flash(_("Flag dismissed."), "success")
    return redirect(url_for(".index"), 303)
