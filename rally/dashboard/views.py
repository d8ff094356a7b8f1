"""The association's dashboard, and the same figures for a merchant's own stores."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from wtforms.validators import Optional, ValidationError

from rally.auth.decorators import admin_required, merchant_required
from rally.campaigns.models import Campaign, CampaignState
from rally.extensions import db
from rally.forms import DateField, Form, SelectField, plausible_date
from rally.i18n import _l, ngettext
from rally.utils import int_arg

from .operations import campaigns_for_dashboard, dashboard_data, default_range

bp = Blueprint("dashboard", __name__, url_prefix="/manage/dashboard", template_folder="templates")
MAX_DAYS = 400


class RangeForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    campaign = SelectField(_l("Campaign"), coerce=int, validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional(), plausible_date])
    end = DateField(_l("To"), validators=[Optional(), plausible_date])

    def validate_end(self, field):
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("The end date must not be before the start date."))
            if (field.data - self.start.data).days > MAX_DAYS:
                raise ValidationError(_l("Please choose at most 400 days."))


def _render(store_ids: set[int] | None, template_title, no_campaign_message):
    campaigns = campaigns_for_dashboard(store_ids)
    args = request.args.copy()
    if int_arg("campaign") is None:  # a link edited by hand: the latest campaign
        args.pop("campaign", None)
    form = RangeForm(args)
    form.campaign.choices = [(campaign.id, campaign.tr("title")) for campaign in campaigns]
    if not campaigns:
        return render_template(
            "dashboard/index.html",
            form=form,
            data=None,
            title=template_title,
            no_campaign_message=no_campaign_message,
        )
    chosen = db.session.get(Campaign, form.campaign.data) if form.campaign.data else None
    campaign = chosen or campaigns[0]
    if campaign not in campaigns:
        abort(404)
    form.campaign.data = campaign.id
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    start, end = default_range(campaign, zone)
    status = 200
    if form.validate():
        start, end = form.start.data or start, form.end.data or end
    else:
        status = 400
    form.start.data, form.end.data = start, end
    data = dashboard_data(campaign, start, end, zone, store_ids)
    now = datetime.now(zone)
    # A period that runs to today keeps moving: the page fetches its figures again.
    live = end >= now.date() and campaign.state is not CampaignState.draft
    return (
        render_template(
            "dashboard/index.html",
            form=form,
            data=data,
            title=template_title,
            live_seconds=current_app.config["RALLY_DASHBOARD_REFRESH_SECONDS"] if live else 0,
            read_at=now.astimezone(UTC).replace(tzinfo=None),  # Babel shows it in the district
            store_rows=[(store.tr("name"), count) for store, count in data.per_store],
            funnel_rows=[
                (ngettext("%(num)d stamp", "%(num)d stamps", n), cards) for n, cards in data.funnel
            ],
        ),
        status,
    )


@bp.get("/")
@admin_required
def index():
    return _render(None, _l("Dashboard"), _l("No campaign yet."))


@bp.get("/mine")
@merchant_required
def mine():
    """A merchant's figures: only the stamps its own stores gave."""
    # Campaigns may well run: the merchant's stores take part in none of them.
    return _render(
        {store.id for store in current_user.stores},
        _l("My stores' figures"),
        _l("Your stores take part in no campaign at the moment."),
    )
