"""Back office: /admin/announcements (list, new, edit, send now, cancel, figures) and
disaster mode; residents: /me/notifications/settings and the one-click unsubscribe;
every page: disaster mode's banner; a visitor's last visit, noted at most once an hour."""

import time
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import or_, update

from rally.auth.decorators import admin_required
from rally.extensions import csrf, db
from rally.forms import ConfirmForm
from rally.i18n import _
from rally.news.operations import to_local
from rally.utils import utcnow
from rally.visitors.models import Visitor
from rally.visitors.session import SESSION_KEY, current_visitor

from . import operations
from .forms import AnnouncementForm, DisasterForm
from .models import Announcement, DisasterMessage, Frequency
from .operations import AnnouncementError
from .sending import figures

bp = Blueprint("announcements", __name__, template_folder="templates")

PER_PAGE = 20
# Disaster mode's flag is read at most this often per process (every page asks).
FLAG_SECONDS = 5.0
SEEN_EVERY = timedelta(hours=1)
_SEEN_KEY = "seen_at"


# --- Every page --------------------------------------------------------------------------


def _flag_cache() -> dict:
    return current_app.extensions.setdefault("rally_disaster_flag", {"at": 0.0, "message": None})


def forget_disaster_flag() -> None:
    """This process reads the flag again on its next page (after turning it on or off)."""
    _flag_cache()["at"] = 0.0


@bp.app_template_global()
def disaster_banner() -> DisasterMessage | None:
    """Disaster mode's message while it is on. Read once per request and, across
    requests, at most every :data:`FLAG_SECONDS` per process: most pages make no query."""
    if "disaster_banner" in g:
        return g.disaster_banner
    cache = _flag_cache()
    now = time.monotonic()
    if now - cache["at"] > FLAG_SECONDS:
        cache["message"] = operations.active_disaster_message()
        cache["at"] = now
    message = cache["message"]
    g.disaster_banner = DisasterMessage(message) if message else None
    return g.disaster_banner


@bp.before_app_request
def note_last_visit() -> None:
    """Note a logged-in visitor's visit at most once an hour (the session remembers when),
    in a short write of its own: the digests ask who has been away."""
    visitor_id = session.get(SESSION_KEY)
    if not isinstance(visitor_id, int) or request.method != "GET":
        return
    now = utcnow()
    stamp = int(now.timestamp())
    if stamp - int(session.get(_SEEN_KEY) or 0) < SEEN_EVERY.total_seconds():
        return
    session[_SEEN_KEY] = stamp
    with db.engine.begin() as connection:
        connection.execute(
            update(Visitor)
            .where(
                Visitor.id == visitor_id,
                or_(Visitor.last_seen_at.is_(None), Visitor.last_seen_at < now - SEEN_EVERY),
            )
            .values(last_seen_at=now)
        )


# --- Back office -------------------------------------------------------------------------


def _announcement(announcement_id: int) -> Announcement:
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None:
        abort(404)
    return announcement


@bp.get("/admin/announcements")
@admin_required
def index():
    page = request.args.get("page", 1, type=int)
    return render_template(
        "announcements/index.html",
        pagination=operations.page(page, PER_PAGE),
        disaster=operations.active_disaster_message() is not None,
    )


def _fill_choices(form: AnnouncementForm, targets: dict) -> None:
    none = [(0, "—")]
    form.circle_id.choices = none + targets["circle"]
    form.area_id.choices = none + targets["area"]
    form.campaign_id.choices = none + targets["campaign"]


@bp.route("/admin/announcements/new", methods=["GET", "POST"])
@bp.route("/admin/announcements/<int:announcement_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(announcement_id: int | None = None):
    announcement = _announcement(announcement_id) if announcement_id else None
    if announcement is not None and not announcement.editable:
        return redirect(url_for(".show", announcement_id=announcement.id), 303)
    form = AnnouncementForm()
    targets = operations.audience_targets()
    _fill_choices(form, targets)
    if request.method == "GET" and announcement is not None:
        form.title.data = dict(announcement.title)
        form.body.data = dict(announcement.body)
        form.audience.data = announcement.audience.value
        field = {"circle": form.circle_id, "area": form.area_id, "campaign": form.campaign_id}
        if announcement.audience.value in field:
            field[announcement.audience.value].data = announcement.target_id
        form.urgent.data = announcement.urgent
        form.publish_at.data = to_local(
            announcement.publish_at, current_app.config["RALLY_TIMEZONE"]
        )
    count = None
    status = 200
    if request.method == "POST":
        if form.validate():
            data = form.to_input()
            if form.preview.data:
                count = operations.preview_count(data.audience, data.target_id)
            else:
                try:
                    saved = operations.save(current_user, data, utcnow(), announcement)
                except AnnouncementError as error:
                    db.session.rollback()
                    if error.status == 403:
                        abort(403)
                    form.form_errors.append(error.message)
                else:
                    db.session.commit()
                    flash(_("Saved."), "success")
                    return redirect(url_for(".show", announcement_id=saved.id), 303)
        if form.errors or form.form_errors:
            status = 400
    return render_template(
        "announcements/form.html", form=form, announcement=announcement, count=count
    ), status


@bp.get("/admin/announcements/<int:announcement_id>")
@admin_required
def show(announcement_id: int):
    announcement = _announcement(announcement_id)
    return render_template(
        "announcements/show.html",
        announcement=announcement,
        figures=figures(announcement),
        count=operations.preview_count(announcement.audience, announcement.target_id)
        if announcement.editable
        else announcement.recipients,
        target=operations.target_name(announcement),
        form=ConfirmForm(),
    )


@bp.route("/admin/announcements/<int:announcement_id>/send", methods=["GET", "POST"])
@admin_required
def send(announcement_id: int):
    announcement = _announcement(announcement_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            operations.send_now(announcement, utcnow())
        except AnnouncementError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()  # its job fans it out after the commit
            flash(_("The announcement is being sent."), "success")
        return redirect(url_for(".show", announcement_id=announcement.id), 303)
    if not announcement.editable:
        return redirect(url_for(".show", announcement_id=announcement.id), 303)
    return render_template(
        "announcements/send.html",
        announcement=announcement,
        form=form,
        count=operations.preview_count(announcement.audience, announcement.target_id),
    )


@bp.post("/admin/announcements/<int:announcement_id>/cancel")
@admin_required
def cancel(announcement_id: int):
    announcement = _announcement(announcement_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        operations.cancel(announcement)
    except AnnouncementError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The announcement was cancelled."), "success")
    return redirect(url_for(".show", announcement_id=announcement.id), 303)


@bp.route("/admin/disaster", methods=["GET", "POST"])
@admin_required
def disaster():
    row = operations.disaster_row()
    form = DisasterForm()
    if request.method == "GET" and row is not None:
        form.message.data = dict(row.message)
    if form.validate_on_submit():
        try:
            operations.start_disaster_mode(current_user, form.message.data, utcnow())
        except AnnouncementError as error:
            db.session.rollback()
            if error.status == 403:
                abort(403)
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            forget_disaster_flag()
            flash(_("Disaster mode is on: every page shows the banner."), "success")
            return redirect(url_for(".disaster"), 303)
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "announcements/disaster.html",
        form=form,
        end_form=ConfirmForm(),
        active=operations.active_disaster_message() is not None,
    ), status


@bp.post("/admin/disaster/end")
@admin_required
def end_disaster():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.end_disaster_mode(current_user, utcnow())
    db.session.commit()
    forget_disaster_flag()
    flash(_("Disaster mode has ended."), "success")
    return redirect(url_for(".disaster"), 303)


# --- Residents ---------------------------------------------------------------------------


@bp.route("/me/notifications/settings", methods=["GET", "POST"])
def settings():
    visitor = current_visitor()
    if visitor is None:
        return redirect(url_for("visitors.login"), 303)
    circles = operations.member_circles(visitor.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        allowed = {frequency.value for frequency in Frequency}
        wanted = {None: request.form.get("announcements")}
        wanted.update({circle.id: request.form.get(f"circle-{circle.id}") for circle in circles})
        if all(value in allowed for value in wanted.values()):
            for circle_id, value in wanted.items():
                operations.choose(visitor.id, circle_id, Frequency(value))
            db.session.commit()
            flash(_("Your choices are saved."), "success")
            return redirect(url_for(".settings"), 303)
        flash(_("Please choose one option on each line."), "error")
    kept = operations.choices(visitor.id)
    return render_template(
        "announcements/settings.html",
        form=form,
        circles=circles,
        announcements=kept.get(None, operations.ANNOUNCEMENTS_DEFAULT),
        circle_choices={c.id: kept.get(c.id, operations.CIRCLES_DEFAULT) for c in circles},
        frequencies=list(Frequency),
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # a mail client's one-click POST (RFC 8058) has no form token: the link is signed
def unsubscribe(token: str):
    try:
        _, circle_id = operations.read_unsubscribe_token(token)
    except AnnouncementError:
        abort(404)
    if request.method == "POST":
        try:
            operations.unsubscribe(token)
        except AnnouncementError:
            abort(404)
        db.session.commit()
        return render_template("announcements/unsubscribed.html", circle_id=circle_id)
    return render_template("announcements/unsubscribe.html", token=token, circle_id=circle_id)
