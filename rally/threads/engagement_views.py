"""Reacting to a post, pinning a thread, and remembering how far a resident has read."""

from babel.lists import format_list
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from rally.circles.operations import Actor
from rally.database import take_write_lock
from rally.extensions import db, limiter
from rally.forms import ConfirmForm
from rally.i18n import _, ngettext
from rally.utils import utcnow
from rally.visitors.session import current_visitor

from . import engagement
from .engagement import EngagementError
from .engagement_forms import PinForm
from .models import REACTIONS, Post

bp = Blueprint("engagement", __name__, template_folder="templates")
bp.add_app_template_global(REACTIONS, "REACTIONS")
bp.add_app_template_global(engagement.pinned_last_day, "pinned_last_day")

# Sent by rally/static/reactions.js: answer with the reactions' partial, not a redirect.
PARTIAL_HEADER = "X-Rally-Partial"


def _actor() -> Actor:
    staff = bool(getattr(current_user, "is_authenticated", False))
    return Actor(
        visitor=current_visitor(),
        is_admin=staff and current_user.is_admin,
        user_id=current_user.id if staff else None,
    )


def _post(post_id: int) -> Post:
    return db.session.get(Post, post_id) or abort(404)


def thread_url(post: Post) -> str:
    """The post on its thread's page (its anchor)."""
    thread_id = post.thread_id or post.id
    return url_for(
        "threads.thread", circle_id=post.circle_id, post_id=thread_id, _anchor=f"post-{post.id}"
    )


def reactions_context(posts, visitor) -> dict:
    """What ``threads/_reactions.html`` needs for a page of ``posts`` (one query)."""
    posts = list(posts)
    return {
        "reactions": engagement.reaction_summaries(
            [post.id for post in posts], visitor.id if visitor else None
        ),
        "may_react": bool(posts) and engagement.may_react(posts[0], visitor),
    }


@bp.app_template_global()
def who_reacted(summary: engagement.ReactionSummary) -> str:
    """ "花子、太郎、他3人" / "Hanako, Taro, and 3 others": the names in the page's language."""
    names = list(summary.names) or []
    if summary.others:
        names.append(ngettext("%(num)d other", "%(num)d others", summary.others))
    return format_list(names, locale=get_locale() or "ja") if names else ""


@bp.post("/posts/<int:post_id>/reactions")
@limiter.limit("120 per minute")
def react(post_id: int):
    visitor = current_visitor()
    if visitor is None:
        return redirect(url_for("visitors.login"), 303)
    post = _post(post_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        engagement.toggle_reaction(post, visitor, request.form.get("emoji", ""), utcnow())
    except EngagementError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        if request.headers.get(PARTIAL_HEADER):
            return str(error.message), error.status
        flash(error.message, "error")
        return redirect(thread_url(post), 303)
    db.session.commit()
    if request.headers.get(PARTIAL_HEADER):
        return render_template(
            "threads/_reactions.html", post=post, **reactions_context([post], visitor)
        )
    return redirect(thread_url(post), 303)


def _pin_action(post_id: int, action):
    actor = _actor()
    post = _post(post_id)
    try:
        message = action(post, actor)
    except EngagementError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        if error.status == 403:
            abort(403)
        flash(error.message, "error")
        return redirect(url_for("threads.circle", circle_id=post.circle_id), 303)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("threads.circle", circle_id=post.circle_id), 303)


@bp.post("/posts/<int:post_id>/pin")
def pin(post_id: int):
    form = PinForm()

    def pin_it(post, actor):
        engagement.check_may_pin(post, actor)  # who may not pin learns nothing from the form
        if not form.validate_on_submit():
            raise EngagementError(" ".join(map(str, form.until.errors)), code="form_invalid")
        engagement.pin_thread(post, actor, form.until.data, utcnow())
        return _("The thread is pinned at the top of the circle.")

    return _pin_action(post_id, pin_it)


@bp.post("/posts/<int:post_id>/unpin")
def unpin(post_id: int):
    def unpin_it(post, actor):
        if not ConfirmForm().validate_on_submit():
            abort(400)
        engagement.unpin(post, actor)
        return _("The thread is no longer pinned.")

    return _pin_action(post_id, unpin_it)


def remember_read(visitor, thread: Post, last_post_id: int) -> None:
    """Mark ``thread`` read up to ``last_post_id`` from a page that only reads (a GET).

    Writes only when the mark moves forward, in a short transaction of its own that takes
    the write lock up front (on SQLite a read transaction cannot become a writer once
    another writer has committed). Call it after the page is rendered: it ends the
    request's read transaction.
    """
    if visitor is None or last_post_id <= engagement.read_up_to(visitor, thread):
        return
    db.session.rollback()
    take_write_lock()
    engagement.mark_read(visitor, thread, last_post_id, utcnow())
    db.session.commit()
