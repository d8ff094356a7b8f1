"""Poster downloads: each checkpoint's poster for its merchant and the association, and the
whole campaign's posters in one PDF for the association's print shop."""

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user, login_required

from rally.auth.decorators import admin_required, merchant_required
from rally.campaigns.listing import checkpoints_of, checkpoints_of_owner
from rally.campaigns.models import Campaign, Checkpoint, QrMode
from rally.extensions import db
from rally.i18n import site_languages
from rally.utils import int_arg

from . import render

bp = Blueprint("posters", __name__, template_folder="templates")

MIMETYPES = {"pdf": "application/pdf", "png": "image/png"}
POSTERS_PER_PAGE = 20


def _download(data: bytes, fmt: str, filename: str) -> Response:
    response = Response(data, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A poster carries a working stamp link: keep it out of shared caches.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/posters/checkpoints/<int:checkpoint_id>/poster-<lang>.<fmt>")
@login_required
def checkpoint_poster(checkpoint_id: int, lang: str, fmt: str):
    """One checkpoint's A4 poster, for the association and the store's own merchant."""
    if lang not in site_languages() or fmt not in MIMETYPES:
        abort(404)
    checkpoint = db.session.get(Checkpoint, checkpoint_id) or abort(404)
    if not (current_user.is_admin or checkpoint.owner_id == current_user.id):
        abort(403)
    if checkpoint.campaign.qr_mode is not QrMode.static or not checkpoint.is_open:
        # Refused: a printed code in a tablet-code campaign, any code of a suspended store.
        abort(404)
    if fmt == "pdf":
        data = render.poster_pdf(checkpoint, lang)
    else:
        data = render.poster_png(checkpoint, lang)
    return _download(data, fmt, f"poster-{checkpoint.id}-{lang}.{fmt}")


@bp.get("/admin/campaigns/<int:campaign_id>/posters.pdf")
@admin_required
def campaign_posters(campaign_id: int):
    """Every poster of a campaign: each checkpoint's Japanese page, then its English page;
    a suspended store's code gives nothing, so it has no poster here."""
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    checkpoints = [checkpoint for checkpoint in checkpoints_of(campaign) if checkpoint.is_open]
    if not checkpoints or campaign.qr_mode is not QrMode.static:
        abort(404)
    data = render.campaign_posters_pdf(campaign, checkpoints)
    return _download(data, "pdf", f"posters-campaign-{campaign.id}.pdf")


@bp.get("/posters/")
@merchant_required
def mine():
    """A merchant's posters and counter tablets: its stores' checkpoints in campaigns that
    are not over."""
    checkpoints = checkpoints_of_owner(
        current_user, page=int_arg("page", 1), per_page=POSTERS_PER_PAGE
    )
    return render_template("posters/mine.html", checkpoints=checkpoints)
