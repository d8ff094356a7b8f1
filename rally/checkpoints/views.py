"""A checkpoint's settings (points, landmark quiz) and its further codes.

The association changes everything; the merchant of the store may see and print its own
further codes but change nothing.
"""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from rally.auth.decorators import admin_required
from rally.campaigns.models import Checkpoint, CheckpointCode, QrMode
from rally.extensions import db
from rally.forms import ConfirmForm
from rally.i18n import _, site_languages
from rally.posters import render
from rally.qr import qr_png, qr_svg
from rally.stamping.tokens import stamp_url

from . import operations
from .forms import CodeForm, SettingsForm

bp = Blueprint("checkpoints", __name__, template_folder="templates", url_prefix="/manage")

QR_MIMETYPES = {"png": "image/png", "svg": "image/svg+xml"}


def _checkpoint(checkpoint_id: int) -> Checkpoint:
    return db.session.get(Checkpoint, checkpoint_id) or abort(404)


def _code(code_id: int) -> CheckpointCode:
    return db.session.get(CheckpointCode, code_id) or abort(404)


def _viewable(checkpoint: Checkpoint) -> Checkpoint:
    if not operations.may_view_codes(checkpoint, current_user):
        abort(403)
    return checkpoint


def _printable(code: CheckpointCode) -> CheckpointCode:
    """A code whose QR may be printed: only a printed-code campaign accepts it, and only
    while its store is not suspended."""
    _viewable(code.checkpoint)
    if code.checkpoint.campaign.qr_mode is not QrMode.static or not code.checkpoint.is_open:
        abort(404)  # a rotating-code campaign refuses printed codes (rotating_code_required)
    return code


def _apply_error(form, error: operations.CheckpointError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def _codes_url(checkpoint_id: int) -> str:
    return url_for(".codes", checkpoint_id=checkpoint_id)


@bp.route("/checkpoints/<int:checkpoint_id>/", methods=["GET", "POST"])
@admin_required
def settings(checkpoint_id: int):
    """Points of a stamp here and the optional landmark quiz."""
    checkpoint = _checkpoint(checkpoint_id)
    form = SettingsForm(obj=checkpoint)
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            operations.update_settings(checkpoint, form.to_input())
        except operations.CheckpointError as refusal:
            db.session.rollback()
            error = refusal
            _apply_error(form, refusal)
            status = refusal.status
        else:
            name = checkpoint.place.tr("name")
            db.session.commit()
            flash(_("The settings of “%(name)s” are saved.", name=name), "success")
            return redirect(url_for(".settings", checkpoint_id=checkpoint_id), 303)
    elif form.errors:
        status = 400
    return render_template(
        "checkpoints/settings.html",
        checkpoint=checkpoint,
        form=form,
        error=error,
        stamps=operations.stamps_at(checkpoint),
    ), status


@bp.get("/checkpoints/<int:checkpoint_id>/codes")
@login_required
def codes(checkpoint_id: int):
    """The checkpoint's further codes with the stamps that came through each."""
    checkpoint = _viewable(_checkpoint(checkpoint_id))
    return render_template(
        "checkpoints/codes.html",
        checkpoint=checkpoint,
        counts=operations.code_stamp_counts(checkpoint),
        form=CodeForm(),
        printable=checkpoint.campaign.qr_mode is QrMode.static and checkpoint.is_open,
    )


@bp.post("/checkpoints/<int:checkpoint_id>/codes")
@admin_required
def add_code(checkpoint_id: int):
    checkpoint = _checkpoint(checkpoint_id)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            code = operations.add_code(checkpoint, form.label.data)
        except operations.CheckpointError as refusal:
            db.session.rollback()
            _apply_error(form, refusal)
        else:
            label = code.tr("label")
            db.session.commit()
            flash(_("The code “%(label)s” is added. Print its QR code.", label=label), "success")
            return redirect(_codes_url(checkpoint_id), 303)
    return render_template(
        "checkpoints/codes.html",
        checkpoint=checkpoint,
        counts=operations.code_stamp_counts(checkpoint),
        form=form,
        printable=checkpoint.campaign.qr_mode is QrMode.static and checkpoint.is_open,
    ), 400


@bp.route("/codes/<int:code_id>/edit", methods=["GET", "POST"])
@admin_required
def rename_code(code_id: int):
    code = _code(code_id)
    form = CodeForm(obj=code)
    status = 200
    if form.validate_on_submit():
        try:
            operations.rename_code(code, form.label.data)
        except operations.CheckpointError as refusal:
            db.session.rollback()
            _apply_error(form, refusal)
            status = 400
        else:
            checkpoint_id = code.checkpoint_id
            db.session.commit()
            flash(_("The code's name is saved."), "success")
            return redirect(_codes_url(checkpoint_id), 303)
    elif form.errors:
        status = 400
    return render_template("checkpoints/rename_code.html", code=code, form=form), status


@bp.route("/codes/<int:code_id>/replace", methods=["GET", "POST"])
@admin_required
def replace_code(code_id: int):
    """Confirm, then revoke the code's printed QR: a new one must be printed."""
    code = _code(code_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.replace_code(code)
        label, checkpoint_id = code.tr("label"), code.checkpoint_id
        db.session.commit()
        flash(
            _("The old QR code “%(label)s” no longer works. Print its new one.", label=label),
            "success",
        )
        return redirect(_codes_url(checkpoint_id), 303)
    return render_template("checkpoints/confirm_replace.html", code=code, form=form)


@bp.route("/codes/<int:code_id>/delete", methods=["GET", "POST"])
@admin_required
def delete_code(code_id: int):
    """Confirm, then delete a code that no stamp came through."""
    code = _code(code_id)
    checkpoint_id = code.checkpoint_id
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        label = code.tr("label")
        try:
            operations.delete_code(code)
        except operations.CheckpointError as refusal:
            db.session.rollback()
            error = refusal
        else:
            db.session.commit()
            flash(_("The code “%(label)s” is deleted.", label=label), "success")
            return redirect(_codes_url(checkpoint_id), 303)
    status = error.status if error else 200
    return render_template(
        "checkpoints/confirm_delete.html", code=code, form=form, error=error
    ), status


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A printed code is a working stamp link: keep it out of shared caches.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/codes/<int:code_id>/qr.<fmt>")
@login_required
def code_qr(code_id: int, fmt: str):
    """The QR image of a further code, for its merchant and the association."""
    if fmt not in QR_MIMETYPES:
        abort(404)
    code = _printable(_code(code_id))
    url = stamp_url(code.checkpoint, code=code)
    data = qr_png(url) if fmt == "png" else qr_svg(url)
    return _download(data, QR_MIMETYPES[fmt], f"code-{code.checkpoint_id}-{code.id}.{fmt}")


@bp.get("/codes/<int:code_id>/poster-<lang>.pdf")
@login_required
def code_poster(code_id: int, lang: str):
    """An A4 poster of a further code: the shop's name, the code's name and its QR."""
    if lang not in site_languages():
        abort(404)
    code = _printable(_code(code_id))
    data = render.code_poster_pdf(code, lang)
    return _download(data, "application/pdf", f"poster-{code.checkpoint_id}-{code.id}-{lang}.pdf")
