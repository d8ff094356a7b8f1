"""The public store directory and store pages, and the weekly hours merchants set.

It sits in the site room because a store's page gathers the rooms above stores (its news
and coupons, the campaigns it takes part in); the blueprint keeps its name ``directory``.
"""

from datetime import UTC
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from wtforms import BooleanField, SubmitField
from wtforms.validators import Optional

from rally.auth.decorators import merchant_required
from rally.campaigns.places import campaigns_of_store
from rally.extensions import db
from rally.forms import Form, TimeField
from rally.i18n import _, _l
from rally.news import operations as news
from rally.stores import search
from rally.stores.hours import HoursError, is_open, set_weekly_hours
from rally.stores.models import Category, Store
from rally.stores.search import TAG_LABELS
from rally.utils import int_arg, strip_control_characters, utcnow

bp = Blueprint("directory", __name__, template_folder="templates")

HOURS_STORES_PER_PAGE = 20


def _category(value: str | None) -> Category | None:
    try:
        return Category(value) if value else None
    except ValueError:
        return None


@bp.get("/stores")
def index():
    """Approved stores, filtered by category, tourist tags and words in either language."""
    category = _category(request.args.get("category"))
    tags = tuple(tag for tag in request.args.getlist("tag") if tag in search.TOURIST_TAGS)
    text = strip_control_characters(request.args.get("q", "")).strip()[:100]
    page = int_arg("page", 1)
    pagination = search.search_stores(page=page, category=category, tags=tags, text=text)
    return render_template(
        "site/directory/index.html",
        pagination=pagination,
        category=category,
        categories=list(Category),
        tags=tags,
        tag_labels=TAG_LABELS,
        text=text,
    )


@bp.get("/stores/<int:store_id>")
def store(store_id: int):
    """A store's page: photo, hours and whether it is open now, news, coupons, campaigns."""
    store = search.public_store(store_id) or abort(404)
    now = utcnow()
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    hours = search.store_hours(store)
    return render_template(
        "site/directory/store.html",
        store=store,
        hours=hours,
        open_now=is_open(hours, now.replace(tzinfo=UTC).astimezone(zone)),
        day_names=get_day_names("wide", locale=get_locale()),
        tag_labels=TAG_LABELS,
        news=news.latest_news(now, limit=5, store=store),
        coupons=news.store_coupons(store, now),
        campaigns=campaigns_of_store(store, now),
        now=now,
    )


# Weekly hours, for the merchant (or the association) --------------------------------------


class WeeklyHoursForm(Form):
    """Per weekday (0 = Monday): ``open_<d>``, ``opens_<d>``, ``closes_<d>``."""

    submit = SubmitField(_l("Save"))

    def day(self, weekday: int):
        return self[f"open_{weekday}"], self[f"opens_{weekday}"], self[f"closes_{weekday}"]


for _weekday in range(7):
    setattr(WeeklyHoursForm, f"open_{_weekday}", BooleanField(_l("Open")))
    setattr(WeeklyHoursForm, f"opens_{_weekday}", TimeField(_l("Opens"), validators=[Optional()]))
    setattr(WeeklyHoursForm, f"closes_{_weekday}", TimeField(_l("Closes"), validators=[Optional()]))


@bp.get("/manage/hours")
@merchant_required
def manage_hours():
    """The stores whose "open now" hours the user may set."""
    stores = news.stores_of_page(current_user, int_arg("page", 1), HOURS_STORES_PER_PAGE)
    return render_template("site/directory/manage_hours.html", stores=stores)


@bp.route("/manage/hours/<int:store_id>", methods=["GET", "POST"])
@merchant_required
def edit_hours(store_id: int):
    """One store's weekly hours: one interval per day; closing before opening runs past midnight."""
    store = db.session.get(Store, store_id) or abort(404)
    if not current_user.is_admin and store.owner_id != current_user.id:
        abort(403)
    form = WeeklyHoursForm()
    if request.method == "GET":
        rows = {row.weekday: row for row in search.store_hours(store)}
        for weekday in range(7):
            is_open_field, opens, closes = form.day(weekday)
            row = rows.get(weekday)
            is_open_field.data = row is not None
            opens.data = row.opens if row else None
            closes.data = row.closes if row else None
    if form.validate_on_submit():
        days, missing = {}, False
        for weekday in range(7):
            is_open_field, opens, closes = form.day(weekday)
            if not is_open_field.data:
                days[weekday] = None
            elif opens.data is None or closes.data is None:
                opens.errors = [*opens.errors, _("Please enter both times.")]
                missing = True
            else:
                days[weekday] = (opens.data, closes.data)
        if not missing:
            try:
                set_weekly_hours(current_user, store, days)
            except HoursError as error:
                db.session.rollback()
                form.form_errors.append(error.message)
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for(".manage_hours"), 303)
    failed = request.method == "POST"
    return render_template(
        "site/directory/edit_hours.html",
        form=form,
        store=store,
        day_names=get_day_names("wide", locale=get_locale()),
    ), 400 if failed else 200
