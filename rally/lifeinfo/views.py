"""The daily-life directory: the list by distance, the map, a place's page, residents'
corrections, and the association's pages (``/admin/life``)."""

import math

from babel.dates import get_day_names
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_decimal, get_locale
from flask_login import current_user

from rally.auth.decorators import admin_required
from rally.extensions import db
from rally.forms import ConfirmForm
from rally.i18n import _
from rally.spots.views import map_page
from rally.utils import confirmation_page, utcnow
from rally.visitors.session import current_visitor

from . import operations
from .forms import (
    AnswerForm,
    CorrectionForm,
    DirectoryFilters,
    PlaceForm,
    SpecialDateForm,
    format_ranges,
)
from .models import (
    CorrectionState,
    Department,
    Facility,
    LifeCorrection,
    LifeKind,
    LifePlace,
    member,
)
from .opening import district_time, duty_dates, is_public_holiday, open_at
from .operations import LifeError

bp = Blueprint(
    "lifeinfo", __name__, template_folder="templates", static_folder="static",
    static_url_path="/life/static",
)  # fmt: skip


def distance_text(metres: float | None) -> str:
    """A distance in the reader's language: "350 m" under a kilometre, else "1.2 km"."""
    if metres is None:
        return ""
    if metres < 1000:
        return _("%(m)s m", m=format_decimal(max(10, round(metres, -1)), format="#,##0"))
    return _("%(km)s km", km=format_decimal(math.floor(metres / 100) / 10, format="#,##0.0"))


def _float_arg(name: str, low: float, high: float) -> float | None:
    try:
        value = float(request.args.get(name, ""))
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def _directory_query(filters: DirectoryFilters, landmarks) -> operations.DirectoryQuery:
    """The list's query from the GET form: the phone's position when the reader shared it,
    else the chosen landmark, else the first one (the station)."""
    lat, lng = _float_arg("lat", -90, 90), _float_arg("lng", -180, 180)
    if lat is not None and lng is not None:
        point = (lat, lng)
    else:
        chosen = {each.key: each for each in landmarks}.get(filters.near.data)
        point = (chosen or landmarks[0]).point
    department = member(Department, filters.department.data)
    facility = member(Facility, filters.facility.data)
    return operations.DirectoryQuery(
        point=point,
        kind=member(LifeKind, filters.kind.data),
        open_now=bool(filters.open_now.data),
        department=department.value if department else None,
        facility=facility.value if facility else None,
    )


@bp.get("/life")
def index():
    """The directory's list, nearest first; filters and distance work without JavaScript."""
    landmarks = operations.landmarks()
    filters = DirectoryFilters(request.args, landmarks=landmarks)
    query = _directory_query(filters, landmarks)
    located = request.args.get("lat") is not None and query.point not in [
        each.point for each in landmarks
    ]
    rows = operations.directory(query, utcnow())
    return render_template(
        "lifeinfo/index.html",
        rows=rows,
        filters=filters,
        located=located,
        distance_text=distance_text,
    )


@bp.get("/life/map")
def life_map():
    """The places on a map (opened on request, as the district map) and as a plain list."""
    places = [
        {"id": f"life-{place.id}", "item": place, "kind": place.kind.label,
         "url": url_for(".place", place_id=place.id), "type": "spot"}
        for place in operations.mapped_places()
    ]  # fmt: skip
    return map_page("lifeinfo/map.html", places)


@bp.get("/life/<int:place_id>")
def place(place_id: int):
    place = operations.public_place(place_id) or abort(404)
    local = district_time(utcnow())
    visitor = current_visitor()
    return render_template(
        "lifeinfo/place.html",
        place=place,
        open_now=open_at(place, local),
        today=local.date(),
        holiday_today=is_public_holiday(local.date()),
        duties=duty_dates(place, local),
        # A closed date or holiday duty replaces the week's hours in today's row.
        today_specials=[row for row in place.special_dates if row.on == local.date()],
        day_names=get_day_names("wide", locale=get_locale()),
        corrections=operations.corrections_of(visitor, place) if visitor else [],
        signed_in=visitor is not None,
        number=format_decimal,
        day_text=lambda day: format_date(day, "full"),
    )


@bp.route("/life/<int:place_id>/correct", methods=["GET", "POST"])
def correct(place_id: int):
    """A logged-in resident suggests a correction; the association answers it."""
    place = operations.public_place(place_id) or abort(404)
    visitor = current_visitor()
    if visitor is None:
        return redirect(url_for("visitors.login"))
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            operations.suggest_correction(visitor, place, form.to_input())
        except LifeError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Thank you. The association will check your correction."), "success")
            return redirect(url_for(".place", place_id=place.id, _anchor="my-corrections"), 303)
    return render_template(
        "lifeinfo/correct.html", form=form, place=place
    ), 400 if form.errors else 200


@bp.get("/life/corrections")
def my_corrections():
    """A resident's suggestions and the association's answers."""
    visitor = current_visitor()
    if visitor is None:
        return redirect(url_for("visitors.login"))
    return render_template(
        "lifeinfo/my_corrections.html", corrections=operations.corrections_of(visitor)
    )


# The association's pages ----------------------------------------------------------------


@bp.get("/admin/life/")
@admin_required
def manage():
    return render_template(
        "lifeinfo/manage.html",
        places=operations.places_for_admin(),
        pending=len(operations.correction_queue()),
    )


def _place_form(place: LifePlace | None) -> PlaceForm:
    if request.method == "POST" or place is None:
        return PlaceForm()
    form = PlaceForm(obj=place)
    for weekday in range(7):
        rows = [row for row in place.hours if row.weekday == weekday]
        form.day(weekday).data = format_ranges(rows)
    return form


@bp.route("/admin/life/new", methods=["GET", "POST"], endpoint="new")
@bp.route("/admin/life/<int:place_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(place_id: int | None = None):
    """A place and its weekly hours (a text field per weekday: "9:00-12:00, 15:00-18:00")."""
    place = (db.session.get(LifePlace, place_id) or abort(404)) if place_id else None
    form = _place_form(place)
    if form.validate_on_submit():
        try:
            saved = operations.save_place(form.to_input(), place)
            operations.set_hours(saved, form.weekly_hours())
        except LifeError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".edit", place_id=saved.id), 303)
    status = 400 if form.errors or form.form_errors else 200
    return _edit_page(place, form, SpecialDateForm(formdata=None), status)


def _edit_page(place, form: PlaceForm, date_form: SpecialDateForm, status: int):
    return render_template(
        "lifeinfo/edit.html",
        form=form,
        place=place,
        date_form=date_form,
        day_names=get_day_names("wide", locale=get_locale()),
    ), status


@bp.post("/admin/life/<int:place_id>/dates")
@admin_required
def add_date(place_id: int):
    place = db.session.get(LifePlace, place_id) or abort(404)
    date_form = SpecialDateForm()
    if date_form.validate_on_submit():
        try:
            operations.add_special_date(place, date_form.to_input())
        except LifeError as error:
            db.session.rollback()
            date_form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".edit", place_id=place.id, _anchor="dates"), 303)
    return _edit_page(place, _place_form(place), date_form, 400)


@bp.post("/admin/life/<int:place_id>/dates/<int:special_id>/delete")
@admin_required
def delete_date(place_id: int, special_id: int):
    place = db.session.get(LifePlace, place_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        operations.delete_special_date(place, special_id)
    except LifeError as error:
        db.session.rollback()
        abort(error.status)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for(".edit", place_id=place.id, _anchor="dates"), 303)


@bp.post("/admin/life/<int:place_id>/delete")
@admin_required
def delete(place_id: int):
    place = db.session.get(LifePlace, place_id) or abort(404)
    question = _("Delete “%(title)s”? This cannot be undone.", title=place.tr("name"))
    asked = confirmation_page(question, url_for(".manage"))
    if asked is not None:
        return asked
    operations.delete_place(place)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for(".manage"), 303)


@bp.get("/admin/life/corrections")
@admin_required
def corrections():
    show_all = request.args.get("all") == "1"
    return render_template(
        "lifeinfo/corrections.html",
        corrections=operations.correction_queue(None if show_all else CorrectionState.pending),
        show_all=show_all,
        answer_form=AnswerForm(formdata=None),
    )


@bp.post("/admin/life/corrections/<int:correction_id>/answer")
def answer(correction_id: int):
    """Accept (the association applied it by editing the place) or decline, with an answer.
    The operation refuses anyone but an administrator (403), anonymous visitors included."""
    correction = db.session.get(LifeCorrection, correction_id) or abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user if getattr(current_user, "is_authenticated", False) else None
    try:
        operations.answer_correction(user, correction, bool(form.accept.data), form.answer.data)
    except LifeError as error:
        db.session.rollback()
        if error.status == 403:
            abort(403)
        flash(error.message, "error")
        return redirect(url_for(".corrections"), 303)
    db.session.commit()
    flash(_("The resident is told."), "success")
    return redirect(url_for(".corrections"), 303)
