"""News, events and coupons: the public pages, the feeds and the publishing pages."""

import base64
import math
from dataclasses import dataclass
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user

from rally.auth.decorators import admin_required, merchant_required
from rally.errors import back_with
from rally.extensions import db
from rally.forms import ConfirmForm
from rally.i18n import _, _l, current_language, district_name, site_languages
from rally.qr import qr_svg
from rally.roles.models import RoleKind
from rally.roles.operations import holds
from rally.stores import search
from rally.utils import confirmation_page, int_arg, strip_control_characters, utcnow
from rally.visitors.session import current_visitor

from . import operations, registrations
from .calendar import calendar_file
from .forms import CouponForm, EventForm, NewsForm
from .models import Coupon, Event, NewsPost, RegistrationStatus
from .registrations import RegistrationError

bp = Blueprint("news", __name__, template_folder="templates")

NEWS_PER_PAGE = 50
EVENTS_PER_PAGE = 20
MANAGE_PER_PAGE = 20


def _page() -> int:
    return int_arg("page", 1)


@bp.app_template_filter("xml_safe")
def xml_safe(value) -> str:
    """Drop characters no XML document may hold; autoescaping handles ``<&>"'``."""
    return strip_control_characters(str(value or ""))


# Public pages -------------------------------------------------------------------------


@bp.get("/news")
def index():
    """The district's news: association announcements and the shops' news."""
    now = utcnow()
    return render_template(
        "news/index.html",
        posts=operations.news_page(now, _page(), NEWS_PER_PAGE),
        coupons=operations.current_coupons(now),
    )


@bp.get("/news/<int:post_id>")
def post(post_id: int):
    post = operations.visible_news(post_id, utcnow()) or abort(404)
    return render_template("news/post.html", post=post)


@bp.get("/stores/<int:store_id>/news")
def store_news(store_id: int):
    """One shop's news feed."""
    store = search.public_store(store_id) or abort(404)
    now = utcnow()
    return render_template(
        "news/store_news.html",
        store=store,
        posts=operations.news_page(now, _page(), NEWS_PER_PAGE, store=store),
        coupons=operations.store_coupons(store, now),
    )


@bp.get("/events")
def events():
    events = operations.upcoming_events_page(utcnow(), _page(), EVENTS_PER_PAGE)
    return render_template("news/events.html", events=events)


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    now = utcnow()
    event = operations.visible_event(event_id, now) or abort(404)
    visitor = current_visitor()
    registration = registrations.registration_of(event, visitor.id if visitor else None)
    response = current_app.make_response(
        render_template(
            "news/event.html",
            event=event,
            visitor=visitor,
            registration=registration,
            Status=RegistrationStatus,
            seats=registrations.seats(event) if event.takes_registrations else None,
            registration_open=registrations.registration_open(event, now),
            may_cancel=now < event.starts_at,
            waiting_position=registration and registrations.waiting_position(registration),
            online_link=registrations.online_link_for(event, registration),
            form=ConfirmForm(),
        )
    )
    if visitor is not None:  # the page holds the resident's own seat (and link)
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _resident_event(event_id: int):
    """The visible event and the logged-in resident; anybody else goes to the log-in."""
    event = operations.visible_event(event_id, utcnow()) or abort(404)
    visitor = current_visitor()
    if visitor is None:
        abort(redirect(url_for("visitors.login"), 303))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return event, visitor


@bp.post("/events/<int:event_id>/register")
def register(event_id: int):
    """One tap: a seat, or a place on the waiting list when the seats are taken."""
    event, visitor = _resident_event(event_id)
    back = url_for(".event", event_id=event_id)
    try:
        registration = registrations.register(event, visitor, utcnow())
    except RegistrationError as error:
        return back_with(error, back)
    db.session.commit()
    if registration.status is RegistrationStatus.registered:
        flash(_("You are registered. See you there!"), "success")
    else:
        flash(
            _(
                "Every seat is taken: you are on the waiting list. "
                "We will e-mail you if a seat becomes free."
            ),
            "success",
        )
    return redirect(back, 303)


@bp.post("/events/<int:event_id>/cancel")
def cancel_registration(event_id: int):
    """One tap: the seat goes to the first on the waiting list, who is told at once."""
    event, visitor = _resident_event(event_id)
    back = url_for(".event", event_id=event_id)
    try:
        promoted = registrations.cancel(event, visitor, utcnow())
    except RegistrationError as error:
        return back_with(error, back)
    registrations.tell_promoted(promoted)
    db.session.commit()  # the mails are queued with the change, sent by the worker
    flash(_("Your registration is cancelled."), "success")
    return redirect(back, 303)


def _ics_response(body: bytes, filename: str, private: bool) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/events/<int:event_id>/calendar.ics")
def event_ics(event_id: int):
    """The event for a phone's calendar; with the online link for a registered resident."""
    event = operations.visible_event(event_id, utcnow()) or abort(404)
    visitor = current_visitor()
    registration = registrations.registration_of(event, visitor.id if visitor else None)
    link = registrations.online_link_for(event, registration)
    lang = current_language()
    body = calendar_file([event], lang, lambda _event: link)
    return _ics_response(body, f"event-{event.id}.ics", private=visitor is not None)


@bp.get("/events/calendar.ics")
def calendar_feed():
    """The calendar feed of published events (upcoming ones), to subscribe to; in
    ``?lang=``. Never an online link: a feed is the same for everybody."""
    lang = _feed_language()
    with force_locale(lang):
        body = calendar_file(operations.upcoming_events(utcnow(), limit=200), lang, lambda _e: None)
    return _ics_response(body, "events.ics", private=False)


@bp.route("/events/attend/<token>", methods=["GET", "POST"])
def attend(token: str):
    """Scanned at the venue: a logged-in resident confirms with one tap and is counted."""
    now = utcnow()
    try:
        event = registrations.check_attendance_token(token, now)
    except RegistrationError as error:
        db.session.rollback()
        return render_template("news/attend.html", error=error), error.status
    visitor = current_visitor()
    if visitor is None:
        flash(_("Please log in to record your attendance, then scan the code again."), "error")
        return redirect(url_for("visitors.login"), 303)
    form = ConfirmForm()
    status = 200
    attended = None
    if form.validate_on_submit():
        try:
            attended = registrations.attend(token, visitor, now)
        except RegistrationError as error:
            db.session.rollback()
            return render_template("news/attend.html", event=event, error=error), error.status
        db.session.commit()
    elif request.method == "POST":
        status = 400
    return render_template(
        "news/attend.html", event=event, form=form, attended=attended, token=token
    ), status


# Atom feeds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str
    body: str
    author: str
    published: datetime
    updated: datetime


def _absolute(endpoint: str, **values) -> str:
    return current_app.config["RALLY_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _feed_language() -> str:
    lang = request.args.get("lang")
    return lang if lang in site_languages() else current_language()


def _atom(entries: list[FeedEntry], title: str, self_url: str, page_url: str, lang: str):
    updated = max((entry.updated for entry in entries), default=utcnow())
    xml = render_template(
        "news/feed.xml",
        entries=entries,
        title=title,
        self_url=self_url,
        page_url=page_url,
        updated=updated,
        lang=lang,
    )
    return Response(xml, mimetype="application/atom+xml")


def _news_entries(posts: list[NewsPost], lang: str) -> list[FeedEntry]:
    district = district_name(lang)
    return [
        FeedEntry(
            url=_absolute("news.post", post_id=post.id),
            title=post.tr("title", lang),
            body=post.tr("body", lang),
            author=post.store.tr("name", lang) if post.store else district,
            published=post.publish_at,
            updated=max(post.publish_at, post.updated_at),
        )
        for post in posts
    ]


def _event_entries(events: list[Event], lang: str) -> list[FeedEntry]:
    district = district_name(lang)
    return [
        FeedEntry(
            url=_absolute("news.event", event_id=event.id),
            title=event.tr("title", lang),
            body="\n".join(filter(None, [event.tr("place", lang), event.tr("body", lang)])),
            author=district,
            published=event.publish_at,
            updated=max(event.publish_at, event.updated_at),
        )
        for event in events
    ]


@bp.get("/feed.atom")
def feed():
    """The district's Atom feed (news and upcoming events), in ``?lang=`` (default: the
    visitor's language)."""
    lang = _feed_language()
    now = utcnow()
    with force_locale(lang):
        entries = _news_entries(operations.latest_news(now, limit=30), lang)
        entries += _event_entries(operations.upcoming_events(now, limit=30), lang)
        entries.sort(key=lambda entry: entry.published, reverse=True)
        district = district_name(lang)
        return _atom(
            entries,
            _("News of %(district)s", district=district),
            _absolute("news.feed", lang=lang),
            _absolute("news.index"),
            lang,
        )


@bp.get("/stores/<int:store_id>/feed.atom")
def store_feed(store_id: int):
    """One shop's Atom feed."""
    store = search.public_store(store_id) or abort(404)
    lang = _feed_language()
    with force_locale(lang):
        posts = operations.latest_news(utcnow(), limit=30, store=store)
        return _atom(
            _news_entries(posts, lang),
            _("News of %(name)s", name=store.tr("name", lang)),
            _absolute("news.store_feed", store_id=store.id, lang=lang),
            _absolute("directory.store", store_id=store.id),
            lang,
        )


# Publishing (association and merchants) ------------------------------------------------


@dataclass(frozen=True)
class Kind:
    model: type
    form: type
    save: object
    title: object
    new_title: object
    edit_title: object
    admin_only: bool = False


KINDS = {
    "news": Kind(
        NewsPost,
        NewsForm,
        operations.save_news,
        _l("News"),
        _l("New news item"),
        _l("Edit news item"),
    ),
    "coupons": Kind(
        Coupon,
        CouponForm,
        operations.save_coupon,
        _l("Coupons"),
        _l("New coupon"),
        _l("Edit coupon"),
    ),
    "events": Kind(
        Event,
        EventForm,
        operations.save_event,
        _l("Events"),
        _l("New event"),
        _l("Edit event"),
        admin_only=True,
    ),
}
KIND_PATH = "<any(news, coupons, events):kind>"


def _kind(kind: str) -> Kind:
    spec = KINDS[kind]
    if spec.admin_only and not current_user.is_admin:
        abort(403)
    return spec


def _editable_item(spec: Kind, item_id: int):
    item = db.session.get(spec.model, item_id) or abort(404)
    try:
        operations.check_store_rights(current_user, getattr(item, "store_id", None))
    except operations.PublishError:
        abort(403)
    return item


def _store_choices(form, kind: str) -> None:
    if "checkpoint_id" in form:
        form.checkpoint_id.choices = [(0, _("No stamp")), *operations.checkpoint_choices()]
    if "store_id" not in form:
        return
    choices = [(store.id, store.tr("name")) for store in operations.stores_of(current_user)]
    if kind == "news" and current_user.is_admin:
        choices.insert(0, (0, _("The association (district announcement)")))
    form.store_id.choices = choices


def _fill_form(form, item) -> None:
    zone = current_app.config["RALLY_TIMEZONE"]
    for field in form:
        if field.name in ("csrf_token", "submit") or not hasattr(item, field.name):
            continue
        value = getattr(item, field.name)
        if isinstance(value, datetime):
            value = operations.to_local(value, zone)
        if field.name in ("store_id", "checkpoint_id") and value is None:
            value = 0
        field.data = value


@bp.get(f"/manage/{KIND_PATH}")
@merchant_required
def manage(kind: str):
    spec = _kind(kind)
    return render_template(
        "news/manage/list.html",
        kind=kind,
        spec=spec,
        items=operations.editable_page(current_user, spec.model, _page(), MANAGE_PER_PAGE),
        now=utcnow(),
    )


@bp.route(f"/manage/{KIND_PATH}/new", methods=["GET", "POST"])
@bp.route(f"/manage/{KIND_PATH}/<int:item_id>/edit", methods=["GET", "POST"])
@merchant_required
def edit(kind: str, item_id: int | None = None):
    spec = _kind(kind)
    item = _editable_item(spec, item_id) if item_id else None
    form = spec.form()
    _store_choices(form, kind)
    if "store_id" in form and not form.store_id.choices:
        flash(_("You have no store to publish for yet."), "error")
        return redirect(url_for(".manage", kind=kind), 303)
    if request.method == "GET" and item is not None:
        _fill_form(form, item)
    if form.validate_on_submit():
        now = utcnow()
        try:
            saved = spec.save(
                current_user, form.to_input(current_app.config["RALLY_TIMEZONE"]), now, item
            )
            # More seats (or fewer held back): the waiting list moves up at once.
            promoted = registrations.fill_seats(saved, now) if kind == "events" else []
        except operations.PublishError as error:
            db.session.rollback()
            if error.status == 403:
                abort(403)
            form.form_errors.append(error.message)
        else:
            registrations.tell_promoted(promoted)
            db.session.commit()  # the mails are queued with the change, sent by the worker
            flash(_("Saved."), "success")
            return redirect(url_for(".manage", kind=kind), 303)
    title = spec.edit_title if item else spec.new_title
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "news/manage/form.html",
        form=form,
        title=title,
        cancel_url=url_for(".manage", kind=kind),
    ), status


@bp.post(f"/manage/{KIND_PATH}/<int:item_id>/delete")
@merchant_required
def delete(kind: str, item_id: int):
    spec = _kind(kind)
    item = _editable_item(spec, item_id)
    question = _("Delete “%(title)s”? This cannot be undone.", title=item.tr("title"))
    asked = confirmation_page(question, url_for(".manage", kind=kind))
    if asked is not None:
        return asked
    operations.delete_item(current_user, item)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for(".manage", kind=kind), 303)


# The association's view of an event's registrations ------------------------------------


def _managed_event(event_id: int) -> Event:
    return db.session.get(Event, event_id) or abort(404)


def _event_staff(event_id: int) -> tuple[Event, bool]:
    """The event, for an admin (``True``) or a resident helping at it today (``False``: an
    active event helper of this event or of every event, see rally.roles). Anybody else is
    answered as :func:`admin_required` answers: the log-in page, or 403."""
    if current_user.is_authenticated and current_user.is_admin:
        return _managed_event(event_id), True
    visitor = current_visitor()
    if visitor is not None and holds(visitor.id, RoleKind.event_helper, event_id=event_id):
        return _managed_event(event_id), False
    if not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())
    abort(403)


@bp.get("/manage/events/<int:event_id>/registrations")
def registrations_page(event_id: int):
    """Seats, the waiting list in order, cancellations and attendance of one event. A
    helper sees display names, never e-mail addresses, and no CSV export."""
    event, is_admin = _event_staff(event_id)
    rows = registrations.registrations_of(event)
    response = current_app.make_response(
        render_template(
            "news/manage/registrations.html",
            event=event,
            rows=rows,
            is_admin=is_admin,
            names={} if is_admin else registrations.display_names(rows),
            Status=RegistrationStatus,
            seats=registrations.seats(event),
            attended=sum(1 for row in rows if row.attended_at is not None),
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/manage/events/<int:event_id>/attendance-code")
def attendance_code(event_id: int):
    """The screen shown at the venue: a QR code that changes every 30 seconds (the counter
    tablet's ``tablet.js`` swaps it in place; without JavaScript the page reloads). Event
    helpers show it too; stopping the codes shown so far stays the association's."""
    event, is_admin = _event_staff(event_id)
    now = utcnow()
    url = registrations.attendance_url(event, registrations.time_step(now))
    image = "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url)).decode()
    refresh = max(1, math.ceil(registrations.seconds_left_in_step(now)))
    response = current_app.make_response(
        render_template(
            "news/manage/attendance_code.html",
            event=event,
            image=image,
            url=url,
            refresh=refresh,
            is_admin=is_admin,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/manage/events/<int:event_id>/attendance-code/revoke")
@admin_required
def revoke_attendance_codes(event_id: int):
    event = _managed_event(event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    registrations.revoke_attendance_codes(event)
    db.session.commit()
    flash(_("Every code shown so far no longer works."), "success")
    return redirect(url_for(".attendance_code", event_id=event_id), 303)
