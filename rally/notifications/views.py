"""The resident's notifications page, opening one, marking all read, and the header's count."""

from datetime import UTC, datetime

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from rally.database import take_write_lock, writes
from rally.extensions import csrf, db
from rally.forms import ConfirmForm
from rally.i18n import _
from rally.threads.engagement_views import thread_url
from rally.utils import utcnow
from rally.visitors.session import SESSION_KEY, current_visitor

from . import operations
from .operations import NotificationError, Shown
from .unsubscribe import DigestLinkError, stop_digests, visitor_of_token

bp = Blueprint("notifications", __name__, template_folder="templates")


def target_url(item: Shown) -> str:
    """Where an item's link goes (the list itself for an item with nowhere to go)."""
    if item.target == "thread" and item.post is not None:
        return thread_url(item.post)
    if item.target == "event" and item.event is not None:
        return url_for("news.event", event_id=item.event.id)
    if item.target == "life" and item.life_place is not None:
        return url_for("lifeinfo.place", place_id=item.life_place.id)
    if item.target == "idea" and item.idea is not None:
        return url_for("ideas.idea", idea_id=item.idea.id)
    if item.target == "announcement" and item.announcement is not None:
        return url_for(".announcement", notification_id=item.notification.id)
    if item.target == "circle" and item.circle is not None:
        return url_for("threads.circle", circle_id=item.circle.id)
    if item.target == "listing" and item.listing is not None:
        anchor = "messages" if item.notification.kind == "listing_message" else None
        return url_for("handmedown.listing", listing_id=item.listing.id, _anchor=anchor)
    return url_for(".index")


@bp.app_template_global()
def unread_notifications() -> int | None:
    """The header's count for a logged-in visitor; None (and no query at all) for anyone
    else: a card holder who never logged in, staff, a scan."""
    if session.get(SESSION_KEY) is None:
        return None
    if "unread_notifications" not in g:  # once per request, whoever asks
        visitor = current_visitor()
        g.unread_notifications = None if visitor is None else operations.unread_count(visitor.id)
    return g.unread_notifications


@bp.app_template_global()
def announcement_banner():
    """``(notification, announcement)`` for the banner of a logged-in resident with an
    unread announcement, else None; no query unless the header counts unread ones."""
    if not unread_notifications():
        return None
    if "announcement_banner" not in g:
        visitor = current_visitor()
        g.announcement_banner = (
            None if visitor is None else operations.banner_announcement(visitor.id, utcnow())
        )
    return g.announcement_banner


def _visitor_or_login():
    visitor = current_visitor()
    if visitor is None:
        abort(redirect(url_for("visitors.login")))
    return visitor


@bp.get("/me/notifications")
def index():
    visitor = _visitor_or_login()
    page = request.args.get("page", 1, type=int)
    pagination, items, gone = operations.notification_page(visitor, page)
    if gone and request.method == "GET":
        # Rarely (a post hidden since, a circle left): mark read what can no longer be
        # shown, so the header counts only the others; a page that only reads keeps SQLite's
        # plain BEGIN, so this writes in a transaction of its own that locks up front.
        db.session.commit()
        take_write_lock()
        operations.dismiss(visitor, gone)
        db.session.commit()
    return render_template(
        "notifications/index.html",
        pagination=pagination,
        items=items,
        form=ConfirmForm(),
        shown_at=utcnow().isoformat(timespec="microseconds"),
        any_unread=bool(unread_notifications()),
    )


@bp.get("/me/notifications/<int:notification_id>/open")
@writes
def open_item(notification_id: int):
    """Follow a notification's link, marking it read on the way: a GET, as a link is, with
    a side effect that is the reader's own and the same however often it is repeated."""
    visitor = _visitor_or_login()
    try:
        item = operations.own_item(visitor, notification_id)
    except NotificationError:
        abort(404)
    if request.method == "GET":  # a HEAD only reads
        operations.mark_read(visitor, notification_id)
        db.session.commit()
    if item is None:
        return redirect(url_for(".index"), 303)
    return redirect(target_url(item), 303)


@bp.post("/me/notifications/read")
def read_all():
    visitor = _visitor_or_login()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        until = datetime.fromisoformat(request.form.get("shown_at", ""))
    except ValueError:
        until = None  # no time: everything unread now
    if until is not None and until.tzinfo is not None:
        until = until.astimezone(UTC).replace(tzinfo=None)
    operations.mark_all_read(visitor, until)
    db.session.commit()
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for(".index"), 303)


@bp.get("/me/announcements/<int:notification_id>")
def announcement(notification_id: int):
    """An announcement as its recipient reads it (opening it from the list marks it read)."""
    visitor = _visitor_or_login()
    try:
        item = operations.own_announcement(visitor, notification_id)
    except NotificationError:
        abort(404)
    return render_template(
        "notifications/announcement.html",
        announcement=item,
        notification_id=notification_id,
        form=ConfirmForm(),
    )


@bp.post("/me/announcements/<int:notification_id>/dismiss")
def dismiss_announcement(notification_id: int):
    """Hide an announcement's banner: its notification is read."""
    visitor = _visitor_or_login()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        operations.own_announcement(visitor, notification_id)
    except NotificationError:
        abort(404)
    operations.mark_read(visitor, notification_id)
    db.session.commit()
    back = request.form.get("next", "")
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = url_for(".index")
    return redirect(back, 303)


@bp.route("/me/digests/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # a mail client's one-click POST (RFC 8058) has no form token: the link is signed
def digest_unsubscribe(token: str):
    """The digest e-mails' unsubscribe link: GET asks (a mail scanner opening links
    changes nothing), POST turns the digests off, no log-in needed."""
    try:
        if request.method == "POST":
            stop_digests(token)
            db.session.commit()
            return render_template("notifications/digest_unsubscribed.html")
        visitor_of_token(token)
    except DigestLinkError:
        db.session.rollback()
        abort(404)
    return render_template("notifications/digest_unsubscribe.html")
