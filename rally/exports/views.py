"""CSV downloads for the association."""

from flask import Blueprint, Response, abort, render_template

from rally.auth.decorators import admin_required
from rally.campaigns.listing import all_campaigns
from rally.campaigns.models import Campaign
from rally.extensions import db
from rally.i18n.content import current_language
from rally.ideas.operations import export_rows as idea_rows
from rally.news.models import Event
from rally.utils import int_arg, utcnow

from .csvfile import csv_text
from .tables import TABLES, event_registrations_table, local_time

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
    suffix = f"-campaign-{campaign_id}" if campaign_id is not None else ""
    return _csv(export.build(campaign_id), f"{name}{suffix}")


@bp.get("/events/<int:event_id>/registrations.csv")
def event_registrations(event_id: int):
    """One event's registrations, waiting list and attendance."""
    event = db.session.get(Event, event_id) or abort(404)
    return _csv(event_registrations_table(event), f"event-{event.id}-registrations")


@bp.get("/ideas.csv")
def ideas():
    """Every idea (held and withdrawn ones too) with its supports, followers and answer."""
    header, rows = idea_rows(current_language())
    return _csv(_Table(header, rows), "ideas")


class _Table:
    def __init__(self, header, rows):
        self.header, self.rows = header, rows


def _csv(table, name: str) -> Response:
    stamp = local_time(utcnow()).replace(" ", "-").replace(":", "")[:15]
    response = Response(csv_text(table.header, table.rows), mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="rally-{name}-{stamp}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
