"""Threads: a circle's page with its threads, a thread's page, posting, replying, editing,
deleting, the photos, and the fragments the live updates fetch."""

from datetime import UTC, datetime

import flask_babel
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from rally.circles.operations import Actor, is_member, is_moderator, may_read
from rally.circles.views import circle_page_context, current_actor, find_circle
from rally.errors import RallyError
from rally.extensions import db, limiter
from rally.i18n import _
from rally.pagination import paginate
from rally.residents.operations import hidden_authors
from rally.roles.operations import badges as role_badges
from rally.ugc.photos import send_ugc_photo
from rally.ugc.text import post_excerpt
from rally.utils import confirmation_page, utcnow

from . import engagement, operations
from .engagement_views import reactions_context, remember_read, thread_url
from .forms import EditForm, PostForm, ReplyForm
from .models import Post, PostState

bp = Blueprint("threads", __name__, template_folder="templates")


def _readable_circle(circle_id: int, actor: Actor):
    """The circle, or 404 when ``actor`` may not read it (or it does not exist for them)."""
    circle = find_circle(circle_id, actor)
    if not may_read(circle, actor):
        abort(404)
    return circle


def _thread(circle, post_id: int, actor: Actor) -> Post:
    thread = operations.find_thread(circle, post_id, actor)
    if thread is None:
        abort(404)
    return thread


def _login_first(actor: Actor):
    if actor.visitor is None:
        abort(redirect(url_for("visitors.login")))


# The partials other rooms add to each post's actions: the reactions (threads/engagement)
# and the moderation actions. threads/_post.html imports each once per page and calls its
# macro ``post_part(post)`` for every post (an include per post costs a new template
# context each time; rendered alone with ``post``, a partial prints that post's part).
# Jinja caches a template it found but looks for a missing one on disk again at each
# ``include ... ignore missing`` (200 replies: 400 searches through every template folder,
# about 250 ms), so which of them exist is found out once.
POST_PARTIALS = ("threads/_reactions.html", "moderation/_post_actions.html")


def post_partials() -> tuple[str, ...]:
    found = current_app.extensions.setdefault("rally_post_partials", None)
    if found is None:
        loader = current_app.jinja_env.loader
        names = set(loader.list_templates())
        found = tuple(name for name in POST_PARTIALS if name in names)
        current_app.extensions["rally_post_partials"] = found
    return found


def when_formatter():
    """:func:`rally.i18n.format_when` for many moments of one page: the locale's patterns
    and the time zone are looked up once (a thread of 200 replies called Babel's
    ``format_date``/``format_time`` 400 times, a third of the page's time)."""
    locale = flask_babel.get_locale()
    zone = flask_babel.get_timezone()
    date_pattern = locale.date_formats["medium"]
    time_pattern = locale.time_formats["short"]
    joined = locale.datetime_formats["medium"]

    def when(value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.replace(tzinfo=UTC).astimezone(zone)
        return joined.format(time_pattern.apply(local, locale), date_pattern.apply(local, locale))

    return when


def _shared(circle, actor: Actor, posts: list[Post]) -> dict:
    """What every template showing posts needs."""
    visitor_id = actor.visitor.id if actor.visitor else None
    authors = operations.authors_of(posts)
    return dict(
        authors=authors,
        # One url_for per author, not per post.
        profile_urls={
            author_id: url_for("residents.public", handle=resident.handle)
            for author_id, resident in authors.items()
            if resident.handle
        },
        # Volunteer staff's badges (rally.roles), active today: one query for the page.
        badges=role_badges(authors),
        hidden=hidden_authors(visitor_id),
        viewer_id=visitor_id,
        moderator=is_moderator(circle, actor),
        PostState=PostState,
        excerpt=post_excerpt,
        when=when_formatter(),
        post_partials=post_partials(),
        live_seconds=current_app.config["RALLY_THREADS_REFRESH_SECONDS"],
    )


def _circle_page(circle, actor: Actor, form: PostForm | None = None, status: int = 200):
    readable = may_read(circle, actor)
    page = paginate(
        operations.thread_listing(circle, actor),
        request.args.get("page", 1, type=int),
        operations.THREADS_PER_PAGE,
    )
    threads = list(page.items) if readable else []
    context = circle_page_context(circle, actor)
    pins = engagement.active_pins(circle, utcnow()) if readable else []
    pinned = [
        pin.post for pin in pins if operations.may_see_post(pin.post, actor, context["moderator"])
    ]
    context.update(_shared(circle, actor, threads + pinned))
    return render_template(
        "threads/circle.html",
        **context,
        threads=threads,
        pinned=pinned,
        pins={pin.post_id: pin for pin in pins},
        unread=engagement.unread_in_threads(
            actor.visitor, [thread.id for thread in threads + pinned]
        ),
        page=page,
        last_post_id=operations.last_post_id(circle, actor) if readable else 0,
        may_post=operations.may_post_in(circle, actor.visitor, utcnow()),
        form=form or PostForm(),
    ), status


@bp.get("/circles/<int:circle_id>")
def circle(circle_id: int):
    actor = current_actor()
    return _circle_page(find_circle(circle_id, actor), actor)


def _refused(error: RallyError, form, again, circle, actor: Actor):
    """Say why a post was refused, on the form with the input kept (or, for someone who may
    not post here at all, above the page); nothing is written."""
    db.session.rollback()
    if error.code == "profile_incomplete":
        flash(error.message, "error")
        return redirect(url_for("residents.profile"), 303)
    if error.status == 404:
        abort(404)
    if error.code == "photos_unconfirmed":  # said at the checkbox it is about
        form.photos_confirmed.errors = [*form.photos_confirmed.errors, error.message]
    elif operations.may_post_in(circle, actor.visitor, utcnow()):
        form.text.errors = [*form.text.errors, error.message]
    else:
        flash(error.message, "error")
    return again(form, error.status)


@bp.post("/circles/<int:circle_id>/threads")
@limiter.limit("30 per hour")
def new_thread(circle_id: int):
    actor = current_actor()
    _login_first(actor)
    circle = _readable_circle(circle_id, actor)
    form = PostForm()

    def again(form, status):
        return _circle_page(circle, actor, form, status)

    if not form.validate_on_submit():
        return again(form, 400)
    try:
        post = operations.start_thread(circle, actor.visitor, form.to_input(), utcnow(), actor)
    except RallyError as error:
        return _refused(error, form, again, circle, actor)
    db.session.commit()
    _said_published(post)
    return redirect(url_for(".thread", circle_id=circle.id, post_id=post.id), 303)


def _said_published(post: Post) -> None:
    if post.state is PostState.held:
        flash(
            _("Your post waits for a moderator's review before others can read it."),
            "success",
        )
    else:
        flash(_("Your post is published."), "success")


def _post_id_arg(name: str) -> int | None:
    """A post id from the query string; None for anything that cannot be one (a database
    integer is 64 bits)."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value < 2**63 else None


def _thread_page(circle, thread: Post, actor: Actor, form=None, status: int = 200):
    from_id = _post_id_arg("post")
    window = operations.reply_window(
        thread,
        actor,
        current_app.config["RALLY_THREAD_REPLIES_SHOWN"],
        from_id=from_id if from_id != thread.id else None,
        before_id=_post_id_arg("before"),
    )
    posts = [thread, *window.replies]
    context = _shared(circle, actor, posts)
    last_post_id = max(post.id for post in posts)
    member = is_member(circle, actor)
    page = render_template(
        "threads/thread.html",
        circle=circle,
        thread=thread,
        replies=posts[1:],
        window=window,
        **context,
        **reactions_context(posts, actor.visitor),
        last_post_id=last_post_id,
        may_post=thread.state is PostState.visible
        and operations.may_post_in(circle, actor.visitor, utcnow()),
        is_member=member,
        form=form or ReplyForm(),
        noindex=circle.is_members_only or not circle.is_active,
    )
    if member and status == 200:  # only members have unread posts
        remember_read(actor.visitor, thread, last_post_id)
    return page, status


@bp.get("/circles/<int:circle_id>/threads/<int:post_id>")
def thread(circle_id: int, post_id: int):
    actor = current_actor()
    circle = _readable_circle(circle_id, actor)
    return _thread_page(circle, _thread(circle, post_id, actor), actor)


@bp.post("/circles/<int:circle_id>/threads/<int:post_id>/replies")
@limiter.limit("120 per hour")
def reply(circle_id: int, post_id: int):
    actor = current_actor()
    _login_first(actor)
    circle = _readable_circle(circle_id, actor)
    thread = _thread(circle, post_id, actor)
    form = ReplyForm()

    def again(form, status):
        return _thread_page(circle, thread, actor, form, status)

    if not form.validate_on_submit():
        return again(form, 400)
    try:
        post = operations.reply(thread, actor.visitor, form.to_input(), utcnow(), actor)
    except RallyError as error:
        return _refused(error, form, again, circle, actor)
    db.session.commit()
    _said_published(post)
    return redirect(
        url_for(".thread", circle_id=circle.id, post_id=thread.id, _anchor=f"post-{post.id}"),
        303,
    )


def _own_post(circle_id: int, thread_id: int, post_id: int):
    """The post, for its author or (deleting) a moderator: staff moderate without a
    resident account."""
    actor = current_actor()
    if actor.user_id is None:
        _login_first(actor)
    circle = _readable_circle(circle_id, actor)
    thread = _thread(circle, thread_id, actor)
    post = operations.find_post(circle, thread, post_id, actor)
    if post is None:
        abort(404)
    return actor, circle, thread, post


@bp.route(
    "/circles/<int:circle_id>/threads/<int:thread_id>/posts/<int:post_id>/edit",
    methods=["GET", "POST"],
)
def edit(circle_id: int, thread_id: int, post_id: int):
    actor, circle, thread, post = _own_post(circle_id, thread_id, post_id)
    if not operations.post_is_mine(post, actor.visitor) or post.state is PostState.deleted:
        abort(403)
    form = EditForm(data={"text": post.text} if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            operations.edit_post(post, actor.visitor, form.text.data, utcnow())
        except RallyError as error:
            db.session.rollback()
            if error.status == 404:
                abort(404)
            form.text.errors = [*form.text.errors, error.message]
            status = error.status
        else:
            db.session.commit()
            if post.state is PostState.held:
                flash(
                    _("Your post waits for a moderator's review before others can read it."),
                    "success",
                )
            else:
                flash(_("Your post is saved."), "success")
            return redirect(thread_url(post), 303)
    elif request.method == "POST":
        status = 400
    return render_template(
        "threads/edit.html", circle=circle, thread=thread, post=post, form=form
    ), status


@bp.post("/circles/<int:circle_id>/threads/<int:thread_id>/posts/<int:post_id>/delete")
def delete(circle_id: int, thread_id: int, post_id: int):
    actor, circle, thread, post = _own_post(circle_id, thread_id, post_id)
    if not operations.may_delete(post, actor):
        abort(403)
    back = url_for(".thread", circle_id=circle.id, post_id=thread.id)
    asked = confirmation_page(_("Delete this post?"), back)
    if asked is not None:
        return asked
    photos = operations.delete_post(post, actor, utcnow())
    db.session.commit()
    operations.remove_photo_files(photos)
    flash(_("The post is deleted."), "success")
    return redirect(back, 303)


# Live updates: the posts newer than the last one the page shows, as an HTML fragment.


def _fragment(template: str, **context):
    response = current_app.make_response(render_template(template, **context))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/circles/<int:circle_id>/threads/<int:post_id>/since/<int:after_id>")
def thread_since(circle_id: int, post_id: int, after_id: int):
    actor = current_actor()
    circle = _readable_circle(circle_id, actor)
    thread = _thread(circle, post_id, actor)
    posts = operations.replies(thread, actor, after_id)
    last_post_id = max([after_id, *(post.id for post in posts)])
    response = _fragment(
        "threads/_since_thread.html",
        circle=circle,
        thread=thread,
        replies=posts,
        last_post_id=last_post_id,
        **_shared(circle, actor, posts),
        **reactions_context(posts, actor.visitor),
    )
    if posts and is_member(circle, actor):
        remember_read(actor.visitor, thread, last_post_id)
    return response


@bp.get("/circles/<int:circle_id>/since/<int:after_id>")
def circle_since(circle_id: int, after_id: int):
    actor = current_actor()
    circle = _readable_circle(circle_id, actor)
    threads = operations.threads_since(circle, actor, after_id)
    return _fragment(
        "threads/_since_circle.html",
        circle=circle,
        threads=threads,
        last_post_id=max(after_id, operations.last_post_id(circle, actor)),
        **_shared(circle, actor, threads),
    )


# Photos: by their random name only, the reader's permission checked on every request.


@bp.get("/circle-photos/<name>")
def photo(name: str):
    return send_ugc_photo(name, operations.photo_allowed(name, current_actor()))
