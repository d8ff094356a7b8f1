"""The resident's profile (edit and public page) and the back office's verification codes."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_login import current_user, login_required

from rally.extensions import db, limiter
from rally.i18n import _
from rally.stores.photos import PhotoError, commit_replacing_file
from rally.utils import utcnow
from rally.visitors.session import current_visitor

from . import operations
from .forms import IssueCodeForm, ProfileForm, ResidentCodeForm, ResidentPhotoForm
from .models import ResidentCode
from .signals import profile_shown

bp = Blueprint("residents", __name__, template_folder="templates")

# The digits of the code a staff member issued last, for its page: shown to them alone
# (their session), never stored in the database.
ISSUED_KEY = "resident_code_issued"


def _edit_page(visitor, resident, status=200, **forms):
    profile_form = forms.get("profile_form")
    if profile_form is None:
        profile_form = ProfileForm(
            data={
                "display_name": resident.display_name if resident else "",
                "handle": ("@" + resident.handle) if resident and resident.handle else "",
                "area_id": resident.area_id if resident else None,
            }
        )
    return render_template(
        "residents/profile_edit.html",
        visitor=visitor,
        resident=resident,
        may_post=operations.may_post(visitor),
        profile_form=profile_form,
        photo_form=forms.get("photo_form") or ResidentPhotoForm(),
        code_form=forms.get("code_form") or ResidentCodeForm(),
    ), status


def _visitor_or_login():
    visitor = current_visitor()
    if visitor is None:
        abort(redirect(url_for("visitors.login")))
    return visitor


@bp.route("/me/profile", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def profile():
    visitor = _visitor_or_login()
    form = ProfileForm()
    if form.validate_on_submit():
        data = operations.ProfileInput(form.display_name.data, form.handle.data, form.area_id.data)
        try:
            operations.save_profile(visitor, data)
        except operations.ResidentError as error:
            db.session.rollback()
            field = form.handle if error.code.startswith("handle") else form.display_name
            if error.code == "unknown_area":
                field = form.area_id
            field.errors.append(error.message)
            return _edit_page(
                visitor, operations.profile_of(visitor), error.status, profile_form=form
            )
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for(".profile"), 303)
    if form.errors:
        return _edit_page(visitor, operations.profile_of(visitor), 400, profile_form=form)
    return _edit_page(visitor, operations.profile_of(visitor))


@bp.post("/me/profile/photo")
@limiter.limit("20 per hour")
def photo_upload():
    visitor = _visitor_or_login()
    form = ResidentPhotoForm()
    if form.validate_on_submit():
        try:
            old = operations.replace_photo(visitor, form.photo.data.stream)
        except PhotoError as error:
            db.session.rollback()
            form.photo.errors.append(error.message)
            return _edit_page(
                visitor, operations.profile_of(visitor), error.status, photo_form=form
            )
        new = operations.profile_of(visitor).photo_filename
        commit_replacing_file(old, new, operations.delete_photo)
        flash(_("Your photo is saved."), "success")
        return redirect(url_for(".profile"), 303)
    return _edit_page(visitor, operations.profile_of(visitor), 400, photo_form=form)


@bp.post("/me/profile/verify")
@limiter.limit("20 per hour")
def verify():
    visitor = _visitor_or_login()
    form = ResidentCodeForm()
    if form.validate_on_submit():
        try:
            operations.verify_resident(visitor, form.code.data, utcnow())
        except operations.ResidentError as error:
            if error.code == "wrong_code":
                db.session.commit()  # the wrong try stays counted
            else:
                db.session.rollback()
            form.code.errors.append(error.message)
            return _edit_page(visitor, operations.profile_of(visitor), error.status, code_form=form)
        db.session.commit()
        flash(_("Thank you: you are now a verified resident."), "success")
        return redirect(url_for(".profile"), 303)
    return _edit_page(visitor, operations.profile_of(visitor), 400, code_form=form)


@bp.get("/residents/<handle>")
def public(handle: str):
    resident = operations.public_profile(handle)
    if resident is None:
        abort(404)
    extra: dict = {}
    for _receiver, context in profile_shown.send(resident):
        extra.update(context or {})
    return render_template("residents/public.html", resident=resident, **extra)


@bp.get("/residents/<handle>/photo")
def photo(handle: str):
    resident = operations.public_profile(handle)
    if resident is None or not resident.photo_filename:
        abort(404)
    return operations.send_photo(resident.photo_filename)


# The back office: staff issue codes.


def _staff_only():
    if not operations.may_issue_codes(current_user):
        abort(403)


@bp.route("/resident-codes/", methods=["GET", "POST"])
@login_required
def issue():
    _staff_only()
    stores = operations.issuing_stores(current_user)
    form = IssueCodeForm()
    form.store_id.choices = [(store.id, store.tr("name")) for store in stores]
    if form.validate_on_submit():
        store_id = form.store_id.data if stores else None
        try:
            code, digits = operations.issue_code(current_user, store_id, utcnow())
        except operations.ResidentError as error:
            db.session.rollback()
            form.store_id.errors.append(error.message)
        else:
            db.session.commit()
            session[ISSUED_KEY] = {"id": code.id, "digits": digits}
            return redirect(url_for(".issued", code_id=code.id), 303)
    return render_template(
        "residents/issue.html", form=form, stores=stores
    ), 400 if form.errors else 200


@bp.get("/resident-codes/<int:code_id>")
@login_required
def issued(code_id: int):
    """The code just issued, large, to show or print: only to whoever issued it, once
    (the digits live in their session, the database holds only a hash)."""
    _staff_only()
    code = db.session.get(ResidentCode, code_id)
    if code is None:
        abort(404)
    if code.issued_by_id != current_user.id:
        abort(403)
    kept = session.get(ISSUED_KEY) or {}
    digits = kept.get("digits") if kept.get("id") == code.id else None
    response = render_template("residents/issued.html", code=code, digits=digits)
    return response, 200, {"Cache-Control": "private, no-store"}
