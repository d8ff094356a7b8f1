"""CSV downloads for the association."""

from flask import Blueprint, Response, abort, render_template

from rally.auth.decorators import admin_required
from rally.campaigns.listing import all_campaigns
from rally.campaigns.models import Campaign
from rally.extensions import db
from rally.utils import int_arg, utcnow

from .csvfile import csv_text
from .tables import TABLES, local_time

bp = Blueprint("exports", __name__, url_prefix="/admin/exports", template_folder="templates")


@bp.before_request
@admin_required
def _only_administrators():
    """Exports hold every store's contacts: the association only."""


@bp.get("/")
def index():
    return render_template("exports/index.html", tables=TABLES, campaigns=all_campaigns())


@bp.get("/<name>.csv")
def download(name: str):
    export = TABLES.get(name) or abort(404)
    campaign_id = int_arg("campaign") if export.by_campaign else None
    if campaign_id is not None and db.session.get(Campaign, campaign_id) is None:
        abort(404)
    table = export.build(campaign_id)
    stamp = local_time(utcnow()).replace(" ", "-").replace(":", "")[:15]
    suffix = f"-campaign-{campaign_id}" if campaign_id is not None else ""
    response = Response(csv_text(table.header, table.rows), mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="rally-{name}{suffix}-{stamp}.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
