"""The association's back office: approve stores and run campaigns (administrators only)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from rally.auth.decorators import admin_required
from rally.errors import RallyError, back_with
from rally.extensions import db
from rally.forms import ConfirmForm
from rally.i18n import _
from rally.jobs import deliveries
from rally.jobs.models import Delivery
from rally.pagination import paginate
from rally.roles import operations as roles
from rally.roles.models import StaffRole
from rally.stores.models import Store, StoreStatus
from rally.utils import int_arg, utcnow

from . import operations as back_office
from .forms import RoleDatesForm, RoleForm

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


# --- Volunteer staff ----------------------------------------------------------------------
# Here rather than in rally.roles: the scope pickers list circles and events, rooms that sit
# above rally.roles.


def _role(role_id: int) -> StaffRole:
    return db.session.get(StaffRole, role_id) or abort(404)


def _roles_page(which: str):
    listed = roles.roles_listing(which)
    circles, events = back_office.scope_names(listed)
    return render_template(
        "admin/roles.html",
        roles=listed,
        which=which,
        filters=roles.ROLE_FILTERS,
        today=roles.today(),
        residents=roles.residents_of(listed),
        circles=circles,
        events=events,
    )


@bp.get("/roles/")
def staff_roles():
    which = request.args.get("show", "active")
    if which not in roles.ROLE_FILTERS:
        which = ""
    return _roles_page(which)


@bp.route("/roles/new", methods=["GET", "POST"])
def grant_role():
    form = RoleForm(back_office.circle_choices(), back_office.event_choices())
    if request.method == "GET":
        form.starts_on.data = form.starts_on.data or roles.today()
    if form.validate_on_submit():
        try:
            role = roles.grant_role(form.to_input(), current_user, utcnow())
        except RallyError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The role is granted."), "success")
            return redirect(url_for(".staff_roles", show=_filter_of(role)), 303)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/role_form.html", form=form), status


def _filter_of(role: StaffRole) -> str:
    today = roles.today()
    if role.is_active_on(today):
        return "active"
    return "upcoming" if role.revoked_at is None and role.starts_on > today else "ended"


@bp.route("/roles/<int:role_id>/dates", methods=["GET", "POST"])
def role_dates(role_id: int):
    role = _role(role_id)
    form = RoleDatesForm(obj=role)
    if form.validate_on_submit():
        try:
            roles.change_dates(role, form.starts_on.data, form.ends_on.data, current_user, utcnow())
        except RallyError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The dates are saved."), "success")
            return redirect(url_for(".staff_roles", show=_filter_of(role)), 303)
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "admin/role_dates.html",
        form=form,
        role=role,
        resident=roles.residents_of([role]).get(role.visitor_id),
    ), status


@bp.route("/roles/<int:role_id>/revoke", methods=["GET", "POST"])
def revoke_role(role_id: int):
    """Revoking ends the rights at once: a confirmation page comes first."""
    role = _role(role_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if roles.revoke_role(role, current_user, utcnow()):
            flash(_("The role is revoked: its rights ended at once."), "success")
        db.session.commit()
        return redirect(url_for(".staff_roles", show="ended"), 303)
    if request.method == "POST":
        abort(400)
    return render_template(
        "admin/role_revoke.html",
        form=form,
        role=role,
        resident=roles.residents_of([role]).get(role.visitor_id),
    )


ROLE_LOG_PER_PAGE = 50


@bp.get("/roles/log")
def role_log():
    entries = paginate(roles.role_log_query(), int_arg("page", 1), ROLE_LOG_PER_PAGE)
    listed = [entry.role for entry in entries.items if entry.role is not None]
    circles, events = back_office.scope_names(listed)
    return render_template(
        "admin/role_log.html",
        entries=entries,
        residents=roles.residents_of(listed),
        circles=circles,
        events=events,
    )
