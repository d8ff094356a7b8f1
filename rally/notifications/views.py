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
from rally.extensions import db
from rally.forms import ConfirmForm
from rally.i18n import _
from rally.threads.engagement_views import thread_url
from rally.utils import utcnow
from rally.visitors.session import SESSION_KEY, current_visitor

from . import operations
from .operations import NotificationError, Shown

bp = Blueprint("notifications", __name__, template_folder="templates")


def target_url(item: Shown) -> str:
    """Where an item's link goes (the list itself for an item with nowhere to go)."""
    if item.target == "thread" and item.post is not None:
        return thread_url(item.post)
    if item.target == "event" and item.event is not None:
        return url_for("news.event", event_id=item.event.id)
    if item.target == "life" and item.life_place is not None:
        return url_for("lifeinfo.place", place_id=item.life_place.id)
    if item.target == "circle" and item.circle is not None:
        return url_for("threads.circle", circle_id=item.circle.id)
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
