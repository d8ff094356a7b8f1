"""Reacting to a post, pinning a thread, and remembering how far a resident has read."""

from dataclasses import dataclass

from babel import Locale
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

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
    """The post on its thread's page (its anchor; a reply: the part of the thread with it)."""
    return url_for(
        "threads.thread",
        circle_id=post.circle_id,
        post_id=post.thread_id or post.id,
        post=post.id if post.thread_id else None,
        _anchor=f"post-{post.id}",
    )


@dataclass(frozen=True)
class ShownReaction:
    """One emoji's reactions as a post shows them: ``who`` for the hover title and the list,
    ``label`` the accessible name when the viewer is among them."""

    emoji: str
    count: int
    mine: bool
    who: str
    label: str | None


@dataclass(frozen=True)
class ReactionBlock:
    shown: list[ShownReaction]
    # The emoji nobody used yet on this post: add-buttons for who may react.
    unused: tuple[str, ...]


def _list_formatter():
    """Babel's list pattern of the page's language ("A, B, and C" / "A、B、C"), looked up
    once for a page of hundreds of lists."""
    patterns = (get_locale() or Locale.parse("ja")).list_patterns["standard"]

    def join(items: list[str]) -> str:
        if len(items) < 2:
            return "".join(items)
        if len(items) == 2:
            return patterns["2"].format(*items)
        joined = patterns["end"].format(items[-2], items[-1])
        for item in reversed(items[1:-2]):
            joined = patterns["middle"].format(item, joined)
        return patterns["start"].format(items[0], joined)

    return join


def reactions_context(posts, visitor) -> dict:
    """What ``threads/_reactions.html`` needs for a page of ``posts``: each post's reactions
    ready to print (one query for the page, names listed in the page's language), whether
    the viewer may react, and the forms' address and token, made once for the page."""
    posts = list(posts)
    summaries = engagement.reaction_summaries(
        [post.id for post in posts], visitor.id if visitor else None
    )
    join = _list_formatter()
    blocks = {}
    for post_id, found in summaries.items():
        shown = []
        for summary in found:
            names = list(summary.names)
            if summary.others:
                names.append(ngettext("%(num)d other", "%(num)d others", summary.others))
            label = None
            if summary.mine:
                label = _(
                    "%(emoji)s %(count)s, reacted by you",
                    emoji=summary.emoji,
                    count=summary.count,
                )
            shown.append(
                ShownReaction(summary.emoji, summary.count, summary.mine, join(names), label)
            )
        used = {summary.emoji for summary in found}
        blocks[post_id] = ReactionBlock(shown, tuple(e for e in REACTIONS if e not in used))
    may_react = bool(posts) and engagement.may_react(posts[0], visitor)
    # One address with the post's id left to fill in: url_for per post costs ~0.1 ms.
    sample = 987654321
    react_url = url_for("engagement.react", post_id=sample).replace("%", "%%")
    return {
        "reaction_token": generate_csrf(),
        "reactions": blocks,
        "may_react": may_react,
        "no_reactions": ReactionBlock([], REACTIONS),
        "react_url": react_url.replace(str(sample), "%d"),
        "react_with": {emoji: _("React with %(emoji)s", emoji=emoji) for emoji in REACTIONS},
    }


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
