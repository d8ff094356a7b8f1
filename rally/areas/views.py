"""The association's pages for areas: list, create, edit, delete (administrators only)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from rally.auth.decorators import admin_required
from rally.extensions import db
from rally.forms import ConfirmForm
from rally.i18n import _, _l

from . import operations
from .forms import AreaForm
from .models import Area

bp = Blueprint("areas", __name__, url_prefix="/manage/areas", template_folder="templates")


@bp.before_request
@admin_required
def _only_administrators():
    """Every page here is for the association: 403 for others, the log-in page if anonymous."""


def _area(area_id: int) -> Area:
    return db.session.get(Area, area_id) or abort(404)


@bp.get("/")
def index():
    return render_template("areas/index.html", rows=operations.area_rows())


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:area_id>/edit", methods=["GET", "POST"])
def edit(area_id: int | None = None):
    area = _area(area_id) if area_id is not None else None
    form = AreaForm(obj=area)
    if form.validate_on_submit():
        try:
            operations.save_area(form.to_input(), area)
        except operations.AreaError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The area is saved."), "success")
            return redirect(url_for(".index"), 303)
    return render_template(
        "areas/form.html",
        form=form,
        area=area,
        title=_l("Edit the area") if area else _l("New area"),
    ), 400 if form.errors or form.form_errors else 200


@bp.route("/<int:area_id>/delete", methods=["GET", "POST"])
def delete(area_id: int):
    """A confirmation page first; only its POST deletes."""
    area = _area(area_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = area.tr("name")
        try:
            operations.delete_area(area)
        except operations.AreaError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for(".index"), 303)
        db.session.commit()
        flash(_("The area “%(name)s” is deleted.", name=name), "success")
        return redirect(url_for(".index"), 303)
    return render_template("areas/confirm_delete.html", area=area, form=form)
