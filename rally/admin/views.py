"""The association's back office: approve stores and run campaigns (administrators only)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from rally.auth.decorators import admin_required
from rally.errors import RallyError, back_with
from rally.extensions import db
from rally.forms import ConfirmForm
from rally.i18n import _
from rally.jobs import deliveries
from rally.jobs.models import Delivery
from rally.stores.models import Store, StoreStatus
from rally.utils import int_arg, utcnow

from . import operations as back_office

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

STORES_PER_PAGE = 20
CAMPAIGNS_PER_PAGE = 20
DELIVERIES_PER_PAGE = 50


@bp.before_request
@admin_required
def _only_administrators():
    """Every view here is for the association; the decorator answers 403 or the log-in page."""


@bp.get("/")
def index():
    return render_template(
        "admin/index.html",
        pending=back_office.pending_store_count(),
        failed_deliveries=deliveries.failed_count(),
    )


# --- Stores -------------------------------------------------------------------------------


@bp.get("/stores")
def stores():
    status = request.args.get("status", "")
    if status not in StoreStatus.__members__:
        status = ""
    page = back_office.stores_page(
        StoreStatus(status) if status else None,
        page=int_arg("page", 1),
        per_page=STORES_PER_PAGE,
    )
    return render_template(
        "admin/stores.html",
        page=page,
        status=status,
        statuses=list(StoreStatus),
        form=ConfirmForm(),
    )


def _store(store_id: int) -> Store:
    return db.session.get(Store, store_id) or abort(404)


def _back_to_stores() -> str:
    # Keep the list's filter and page after an action; only our own list URL is accepted.
    status = request.form.get("status", "")
    page = int_arg("page", 1, request.form) or 1
    return url_for(".stores", status=status or None, page=page if page > 1 else None)


def _store_moved(transition: str, name: str) -> str:
    if transition == "approve":
        return _("The store “%(name)s” is approved.", name=name)
    if transition == "suspend":
        return _("The store “%(name)s” is suspended.", name=name)
    return _("The store “%(name)s” is reinstated.", name=name)


@bp.post("/stores/<int:store_id>/approve")
def approve_store(store_id: int):
    return _move_store(store_id, "approve")


@bp.post("/stores/<int:store_id>/reinstate")
def reinstate_store(store_id: int):
    return _move_store(store_id, "reinstate")


@bp.route("/stores/<int:store_id>/suspend", methods=["GET", "POST"])
def suspend_store(store_id: int):
    """Suspending hides the store and stops its stamps: a confirmation page comes first."""
    store = _store(store_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        return _move_store(store_id, "suspend")
    return render_template("admin/confirm_suspend.html", store=store, form=form)


def _move_store(store_id: int, transition: str):
    store = _store(store_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        back_office.move_store(store, transition)
    except RallyError as error:
        return back_with(error, _back_to_stores())
    name = store.tr("name")
    db.session.commit()
    flash(_store_moved(transition, name), "success")
    return redirect(_back_to_stores(), 303)


# --- Deliveries (the job queue) ---------------------------------------------------------


@bp.get("/jobs")
def jobs():
    """Mails (and other messages) that finally failed, with their error, and those queued
    too long ago: each with a Retry button."""
    return render_template(
        "admin/jobs.html",
        page=deliveries.failed_page(page=int_arg("page", 1), per_page=DELIVERIES_PER_PAGE),
        stalled=deliveries.stalled_deliveries(utcnow()),
        form=ConfirmForm(),
    )


@bp.post("/jobs/<int:delivery_id>/retry")
def retry_delivery(delivery_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db.session.get(Delivery, delivery_id) or abort(404)
    if deliveries.retry_delivery(delivery_id, utcnow()):
        db.session.commit()
        flash(_("Queued again: it will be sent in a moment."), "success")
    else:
        db.session.rollback()
        flash(_("This message is no longer waiting to be sent again."), "error")
    return redirect(url_for(".jobs"), 303)
