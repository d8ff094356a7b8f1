"""Stamp images (public), the stamp design page (association and merchant) and the
completion badge (the visitor's own card)."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from rally.campaigns.models import Campaign, CampaignState
from rally.cards.cookie import card_from_cookie
from rally.extensions import db
from rally.i18n import _
from rally.storage import send_upload
from rally.stores.photos import PhotoError, commit_replacing_file, too_large_message

from . import operations
from .forms import RemoveDesignForm, StampDesignForm

bp = Blueprint("designs", __name__, template_folder="templates")

IMAGE_MAX_AGE = 86400  # the URL carries the stamp's version


@bp.app_template_global()
def stamp_image_url(checkpoint) -> str:
    """The address of ``checkpoint``'s stamp image, changing when the image does."""
    return url_for(
        "designs.stamp_image",
        checkpoint_id=checkpoint.id,
        v=operations.stamp_version(checkpoint),
    )


# Stands for the id and version while the URL is built once per page (below).
_ID_MARK, _VERSION_MARK = 2_147_483_647, "VERSIONMARK"


def stamp_image_url_maker():
    """A function giving :func:`stamp_image_url` for many checkpoints of one page: the URL
    is routed once and the id and version are filled in (a card shows up to 60 stamps, and
    routing each costs more than the rest of its row)."""
    pattern = url_for("designs.stamp_image", checkpoint_id=_ID_MARK, v=_VERSION_MARK)
    head, tail = pattern.split(str(_ID_MARK), 1)
    middle, end = tail.split(_VERSION_MARK, 1)

    def make(checkpoint) -> str:
        return f"{head}{checkpoint.id}{middle}{operations.stamp_version(checkpoint)}{end}"

    return make


def _or_abort(function, *args):
    try:
        return function(*args)
    except operations.DesignError as error:
        abort(error.status)


@bp.get("/checkpoints/<int:checkpoint_id>/stamp.png")
def stamp_image(checkpoint_id: int):
    """The stamp of a checkpoint: its uploaded design, else the generated hanko."""
    checkpoint = _or_abort(operations.public_checkpoint, checkpoint_id, current_user)
    if checkpoint.stamp_image_filename:
        response = send_upload(
            operations.STAMP_FOLDER, checkpoint.stamp_image_filename, max_age=IMAGE_MAX_AGE
        )
    else:
        response = Response(operations.hanko_png(checkpoint), mimetype="image/png")
        response.set_etag(operations.stamp_version(checkpoint))
        response.cache_control.max_age = IMAGE_MAX_AGE
        response = response.make_conditional(request)
    response.cache_control.public = checkpoint.campaign.state is not CampaignState.draft
    return response


@bp.errorhandler(413)
def upload_too_large(error):
    """A body over ``MAX_CONTENT_LENGTH`` is cut off by Werkzeug before our own size check."""
    return render_template("error.html", status=413, message=too_large_message()), 413


@bp.route("/checkpoints/<int:checkpoint_id>/design", methods=["GET", "POST"])
@login_required
def design(checkpoint_id: int):
    """Upload a checkpoint's stamp image, for the association and the store's merchant."""
    checkpoint = _or_abort(operations.checkpoint_for_design, checkpoint_id, current_user)
    form = StampDesignForm()
    status = 200
    if form.validate_on_submit():
        try:
            old = operations.replace_stamp_design(checkpoint, form.image.data.stream)
        except PhotoError as error:
            db.session.rollback()
            form.image.errors.append(error.message)
            status = error.status
        else:
            name = checkpoint.place.tr("name")
            commit_replacing_file(
                old, checkpoint.stamp_image_filename, operations.delete_stamp_file
            )
            flash(_("The stamp of “%(name)s” is saved.", name=name), "success")
            return redirect(url_for(".design", checkpoint_id=checkpoint_id), 303)
    elif form.errors:
        status = 400
    return render_template("designs/design.html", checkpoint=checkpoint, form=form), status


@bp.route("/checkpoints/<int:checkpoint_id>/design/remove", methods=["GET", "POST"])
@login_required
def remove_design(checkpoint_id: int):
    """Confirm, then drop the uploaded design: the stamp is the generated hanko again."""
    checkpoint = _or_abort(operations.checkpoint_for_design, checkpoint_id, current_user)
    target = url_for(".design", checkpoint_id=checkpoint_id)
    if not checkpoint.stamp_image_filename:
        return redirect(target, 303)
    form = RemoveDesignForm()
    if form.validate_on_submit():
        old = operations.remove_stamp_design(checkpoint)
        name = checkpoint.place.tr("name")
        db.session.commit()
        operations.delete_stamp_file(old)
        flash(_("“%(name)s” has the generated seal again.", name=name), "success")
        return redirect(target, 303)
    return render_template("designs/confirm_remove.html", checkpoint=checkpoint, form=form)


@bp.get("/card/<int:campaign_id>/badge.png")
def badge(campaign_id: int):
    """The completion badge of the visitor's own card, as a PNG to save or share."""
    campaign = db.session.get(Campaign, campaign_id)
    done = _or_abort(operations.completion, card_from_cookie(), campaign)
    response = Response(operations.badge_png(done), mimetype="image/png")
    response.headers.set(
        "Content-Disposition", "attachment", filename=operations.badge_filename(campaign)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
