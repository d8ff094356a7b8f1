"""Threads: who reads which posts, posting and replying under the circle's rules, editing,
deleting, and publishing (mentions, the ``post_published`` signal).

Who is acting is a :class:`~rally.circles.operations.Actor`, as in circles. A post shows to
a reader when it is visible or a tombstone (deleted); a held or hidden post shows only to
its author (with a notice) and to the circle's moderators (marked).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, case, func, or_, select, true, update
from sqlalchemy.orm import aliased

from rally.circles.models import Circle, CircleKind, CircleMember, MemberState
from rally.circles.operations import Actor, is_member, is_moderator, may_read
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l, format_when
from rally.residents.models import Resident
from rally.residents.operations import blocking, may_post, posting_barred_until, profile_of
from rally.ugc.photos import (
    StoredPhoto,
    check_photo_count,
    delete_ugc_photo,
    store_ugc_photos,
)
from rally.ugc.text import check_post_text, render_post
from rally.ugc.words import held_words_in
from rally.utils import strip_control_characters, utcnow
from rally.visitors.models import Visitor

from .mentions import ALL, handles_in, link_mentions
from .models import Post, PostPhoto, PostRevision, PostState
from .signals import post_published

THREADS_PER_PAGE = 20
SHOWN_STATES = (PostState.visible, PostState.deleted)


class ThreadError(RallyError):
    """A post that cannot be written, edited or deleted; ``code`` says why."""


@dataclass(frozen=True)
class PostInput:
    """What a resident sends: the text, the photos' bytes (read by
    :func:`rally.images.read_upload`), and the child-photo confirmation."""

    text: str
    photos: tuple[bytes, ...] = ()
    photos_confirmed: bool = False
    language: str = "ja"


# Who sees what.


def shown_clause(actor: Actor, moderator: bool) -> ColumnElement[bool]:
    """The posts of a circle ``actor`` is shown: all of them for its moderators; else the
    visible ones, tombstones, and the reader's own held or hidden posts."""
    if moderator:
        return true()
    clauses = [Post.state.in_(SHOWN_STATES)]
    if actor.visitor is not None:
        clauses.append(Post.author_id == actor.visitor.id)
    return or_(*clauses)


def may_see_post(post: Post, actor: Actor, moderator: bool) -> bool:
    if moderator or post.state in SHOWN_STATES:
        return True
    return actor.visitor is not None and post.author_id == actor.visitor.id


def find_thread(circle: Circle, post_id: int, actor: Actor) -> Post | None:
    """The thread ``post_id`` of ``circle`` if ``actor`` may read it, else ``None``."""
    thread = db.session.get(Post, post_id)
    if thread is None or thread.circle_id != circle.id or not thread.is_thread:
        return None
    if not may_read(circle, actor):
        return None
    if not may_see_post(thread, actor, is_moderator(circle, actor)):
        return None
    return thread


def find_post(circle: Circle, thread: Post, post_id: int, actor: Actor) -> Post | None:
    """The post ``post_id`` (the thread's first post or a reply of it) if ``actor`` sees it."""
    post = db.session.get(Post, post_id)
    if post is None or post.circle_id != circle.id:
        return None
    if post.id != thread.id and post.thread_id != thread.id:
        return None
    if not may_see_post(post, actor, is_moderator(circle, actor)):
        return None
    return post


def _listed_threads(circle: Circle, actor: Actor):
    moderator = is_moderator(circle, actor)
    # A deleted thread stays listed while replies keep it worth reading.
    return (
        select(Post)
        .where(
            Post.circle_id == circle.id,
            Post.thread_id.is_(None),
            shown_clause(actor, moderator),
            or_(Post.state != PostState.deleted, Post.reply_count > 0),
        )
        .order_by(Post.last_activity_at.desc(), Post.id.desc())
    )


def thread_listing(circle: Circle, actor: Actor):
    """The circle's threads ``actor`` may see, newest activity first (a query to paginate)."""
    return _listed_threads(circle, actor)


def last_post_id(circle: Circle, actor: Actor, thread: Post | None = None) -> int:
    """The newest post id ``actor`` is shown in the circle (or in ``thread``): where the
    live updates start from."""
    query = select(func.max(Post.id)).where(
        Post.circle_id == circle.id, shown_clause(actor, is_moderator(circle, actor))
    )
    if thread is not None:
        query = query.where(or_(Post.id == thread.id, Post.thread_id == thread.id))
    return db.session.scalar(query) or 0


def threads_since(circle: Circle, actor: Actor, after_id: int) -> list[Post]:
    """The threads with a post newer than ``after_id`` that ``actor`` is shown (a new
    thread, or a new reply), newest activity first."""
    moderator = is_moderator(circle, actor)
    newer = (
        select(func.coalesce(Post.thread_id, Post.id))
        .where(Post.circle_id == circle.id, Post.id > after_id, shown_clause(actor, moderator))
        .scalar_subquery()
    )
    return list(db.session.scalars(_listed_threads(circle, actor).where(Post.id.in_(newer))))


def replies(thread: Post, actor: Actor, after_id: int = 0) -> list[Post]:
    """The thread's replies ``actor`` is shown, oldest first (only those after ``after_id``)."""
    moderator = is_moderator(thread.circle, actor)
    return list(
        db.session.scalars(
            select(Post)
            .where(
                Post.thread_id == thread.id,
                Post.id > after_id,
                shown_clause(actor, moderator),
            )
            .order_by(Post.id)
        )
    )


@dataclass(frozen=True)
class ReplyWindow:
    """The replies a thread page shows, and whether others come before or after them."""

    replies: list[Post]
    # How many shown replies come before the window (0: it starts at the first reply).
    earlier: int
    # The id of the first reply after the window (None: it ends with the newest reply).
    later_id: int | None


def reply_window(
    thread: Post, actor: Actor, size: int, from_id: int | None = None, before_id: int | None = None
) -> ReplyWindow:
    """At most ``size`` of the replies ``actor`` is shown, oldest first: by default the
    latest; from reply ``from_id`` on (a link to a reply); or the ``size`` before reply
    ``before_id`` (the "earlier replies" link). Three small queries, whatever the thread's
    length."""
    moderator = is_moderator(thread.circle, actor)
    shown = (Post.thread_id == thread.id, shown_clause(actor, moderator))
    query = select(Post).where(*shown)
    if from_id is not None:
        rows = list(
            db.session.scalars(query.where(Post.id >= from_id).order_by(Post.id).limit(size + 1))
        )
        later_id = rows[size].id if len(rows) > size else None
        rows = rows[:size]
    else:
        if before_id is not None:
            query = query.where(Post.id < before_id)
        rows = list(db.session.scalars(query.order_by(Post.id.desc()).limit(size)))[::-1]
        later_id = None
        if before_id is not None:
            later_id = db.session.scalar(
                select(func.min(Post.id)).where(*shown, Post.id >= before_id)
            )
    earlier = 0
    if rows:
        earlier = db.session.scalar(
            select(func.count()).select_from(Post).where(*shown, Post.id < rows[0].id)
        )
    return ReplyWindow(replies=rows, earlier=earlier, later_id=later_id)


def authors_of(posts: list[Post]) -> dict[int, Resident]:
    """The public profiles of the posts' authors (never their e-mail address)."""
    ids = {post.author_id for post in posts if post.author_id is not None}
    if not ids:
        return {}
    found = db.session.scalars(select(Resident).where(Resident.visitor_id.in_(ids)))
    return {resident.visitor_id: resident for resident in found}


def photo_allowed(name: str, actor: Actor) -> bool:
    """Whether ``actor`` may receive the photo file ``name`` (large or thumbnail): its
    post is shown to them and its circle is readable by them. Checked on every request."""
    photo = db.session.scalar(
        select(PostPhoto).where(or_(PostPhoto.name == name, PostPhoto.thumbnail == name))
    )
    if photo is None:
        return False
    post = db.session.get(Post, photo.post_id)
    if post is None or post.state is PostState.deleted or not may_read(post.circle, actor):
        return False
    return may_see_post(post, actor, is_moderator(post.circle, actor))


# Posting.


def _refuse(message, code: str, status: int = 403) -> ThreadError:
    return ThreadError(message, code=code, status=status)


def check_may_post(circle: Circle, visitor: Visitor | None, now: datetime) -> None:
    """Whether ``visitor`` may post in ``circle`` now.

    :raise ThreadError: ``not_resident`` (403), ``circle_not_active`` (404),
        ``profile_incomplete`` (403), ``barred`` (403: suspended or banned, saying until
        when), ``not_verified_resident`` (403), ``not_member`` (403).
    """
    if visitor is None:
        raise _refuse(_l("Please log in to post."), "not_resident")
    if not circle.is_active:
        raise _refuse(_l("This circle is not open."), "circle_not_active", 404)
    if not may_post(visitor):
        raise _refuse(
            _l("Please confirm your e-mail address and complete your profile first."),
            "profile_incomplete",
        )
    resident = profile_of(visitor)
    until = posting_barred_until(resident, now)
    if until == datetime.max:
        raise _refuse(_l("Your account may no longer post in the circles."), "barred")
    if until is not None:
        raise _refuse(
            _l(
                "Your account is suspended: you can post again from %(time)s.",
                time=format_when(until),
            ),
            "barred",
        )
    if circle.kind is CircleKind.verified_only and not resident.is_verified_resident:
        raise _refuse(
            _l("Only verified residents can post in this circle."), "not_verified_resident"
        )
    if not is_member(circle, Actor(visitor=visitor)):
        raise _refuse(_l("Please join this circle to post in it."), "not_member")


def may_post_in(circle: Circle, visitor: Visitor | None, now: datetime) -> bool:
    try:
        check_may_post(circle, visitor, now)
    except ThreadError:
        return False
    return True


def is_new_account(visitor: Visitor, now: datetime) -> bool:
    hours = current_app.config["RALLY_NEW_ACCOUNT_HOURS"]
    return visitor.created_at > now - timedelta(hours=hours)


def _link_count(html: str) -> int:
    return html.count("<a ")


def _check_new_account(visitor: Visitor, html: str, data: PostInput, thread: bool, now) -> None:
    """A new account's limits, counted over its posts in the database. The resident's row
    is locked first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write requests hold
    the database's write lock), so two posts sent at once cannot both take the last one.

    :raise ThreadError: ``new_account_photos``, ``new_account_threads``,
        ``new_account_replies``, ``new_account_links`` (all 403).
    """
    if not is_new_account(visitor, now):
        return
    config = current_app.config
    hours = config["RALLY_NEW_ACCOUNT_HOURS"]
    if data.photos and len(data.photos) > config["RALLY_NEW_ACCOUNT_PHOTOS"]:
        raise _refuse(
            _l(
                "New accounts can post photos after their first %(hours)s hours.",
                hours=hours,
            ),
            "new_account_photos",
        )
    db.session.execute(
        select(Resident.visitor_id).where(Resident.visitor_id == visitor.id).with_for_update()
    )
    mine = db.session.execute(
        select(Post.thread_id.is_(None), Post.html).where(Post.author_id == visitor.id)
    ).all()
    if thread:
        limit, code = config["RALLY_NEW_ACCOUNT_THREADS"], "new_account_threads"
        written = sum(1 for is_thread, _html in mine if is_thread)
        message = _l(
            "In its first %(hours)s hours an account can start %(count)s threads.",
            hours=hours,
            count=limit,
        )
    else:
        limit, code = config["RALLY_NEW_ACCOUNT_REPLIES"], "new_account_replies"
        written = sum(1 for is_thread, _html in mine if not is_thread)
        message = _l(
            "In its first %(hours)s hours an account can write %(count)s replies.",
            hours=hours,
            count=limit,
        )
    if written >= limit:
        raise _refuse(message, code)
    links = _link_count(html)
    if (
        links
        and links + sum(_link_count(old) for _t, old in mine) > config["RALLY_NEW_ACCOUNT_LINKS"]
    ):
        raise _refuse(
            _l(
                "In its first %(hours)s hours an account can post %(count)s links.",
                hours=hours,
                count=config["RALLY_NEW_ACCOUNT_LINKS"],
            ),
            "new_account_links",
        )


def _check_photos(circle: Circle, data: PostInput) -> None:
    """:raise PhotoError: ``too_many_photos``. :raise ThreadError: ``photos_unconfirmed``."""
    check_photo_count(len(data.photos))
    if data.photos and circle.asks_photo_confirmation and not data.photos_confirmed:
        raise _refuse(
            _l("Please confirm that no child's face or name can be identified in the photos."),
            "photos_unconfirmed",
            400,
        )


def _write(
    circle: Circle, visitor: Visitor, data: PostInput, now: datetime, thread: Post | None
) -> Post:
    check_may_post(circle, visitor, now)
    # Control characters (a NUL) break feeds and PostgreSQL refuses them in text.
    text = check_post_text(strip_control_characters(data.text))
    html = str(render_post(text))
    _check_photos(circle, data)
    _check_new_account(visitor, html, data, thread is None, now)
    held = bool(held_words_in(text))
    post = Post(
        circle_id=circle.id,
        thread_id=thread.id if thread is not None else None,
        author_id=visitor.id,
        text=text,
        html=html,
        language=data.language,
        state=PostState.held if held else PostState.visible,
        state_reason="held_word" if held else "",
        photos_confirmed=bool(data.photos) and data.photos_confirmed,
        created_at=now,
        last_activity_at=now,
    )
    db.session.add(post)
    db.session.flush()
    store_ugc_photos(data.photos, PostPhoto, post_id=post.id)
    return post


def start_thread(
    circle: Circle, visitor: Visitor | None, data: PostInput, now: datetime, actor: Actor
) -> Post:
    """Start a thread in ``circle``; published at once (mentions, signal) unless a listed
    word holds it for a moderator (``state`` held, ``state_reason`` "held_word").

    Every check comes before anything is written; photo files are written last and removed
    again if one of them is refused, so a refusal leaves nothing behind.

    :param actor: who posts (their rights decide whether ``@all`` counts).
    :raise ThreadError: see :func:`check_may_post`; ``new_account_*`` (403),
        ``photos_unconfirmed`` (400).
    :raise PostTextError: ``post_empty``, ``post_too_long``.
    :raise PhotoError: ``too_many_photos``, ``not_an_image``, ...
    """
    post = _write(circle, visitor, data, now, None)
    if post.is_visible:
        publish(post, actor, now)
    return post


def reply(
    thread: Post, visitor: Visitor | None, data: PostInput, now: datetime, actor: Actor
) -> Post:
    """Reply in ``thread`` (one level: a reply to a reply goes to the same thread). As
    :func:`start_thread`; a published reply counts in the thread's ``reply_count``.

    :raise ThreadError: as :func:`start_thread`, and ``thread_closed`` (409) for a thread
        whose first post is deleted, held or hidden.
    """
    if thread.state is not PostState.visible:
        raise _refuse(_l("This thread no longer takes replies."), "thread_closed", 409)
    post = _write(thread.circle, visitor, data, now, thread)
    if post.is_visible:
        publish(post, actor, now)
    return post


def mentioned_ids(post: Post, author: Actor) -> set[int]:
    """Whom ``post`` mentions: residents named by ``@handle`` who may read its circle, and
    with ``@all`` from a moderator (of the circle, staff named for it, or an admin) every
    member; never the author, nor anyone who blocks the author."""
    circle = post.circle
    handles = handles_in(post.text)
    ids: set[int] = set()
    named = handles - {ALL}
    if named:
        for resident in db.session.scalars(select(Resident).where(Resident.handle.in_(named))):
            if resident.is_complete and may_read(circle, Actor(visitor=resident.visitor)):
                ids.add(resident.visitor_id)
    if ALL in handles and is_moderator(circle, author):
        ids.update(
            db.session.scalars(
                select(CircleMember.visitor_id).where(
                    CircleMember.circle_id == circle.id,
                    CircleMember.state == MemberState.member,
                )
            )
        )
    if post.author_id is not None:
        ids.discard(post.author_id)
        ids -= blocking(post.author_id, ids)
    return ids


def publish(post: Post, author: Actor | None = None, now: datetime | None = None) -> set[int]:
    """A post becomes visible to its circle: a reply counts in its thread
    (``UPDATE ... SET reply_count = reply_count + 1``, atomic whatever the concurrency) and
    moves the thread up; its mentions are worked out and ``post_published`` is sent.

    Call once per post, when it first becomes visible: at posting, or when a moderator
    releases a held post (moderation sets ``state`` visible, then calls this). Restoring a
    hidden post that was published before does not call it again.

    :param author: the author's rights for ``@all`` (by default the author as a resident).
    :param now: when it became visible (by default now).
    :return: the mentioned visitor ids.
    """
    if author is None:
        author = Actor(visitor=post.author)
    now = now or utcnow()
    if post.thread_id is not None:
        db.session.execute(
            update(Post)
            .where(Post.id == post.thread_id)
            .values(
                reply_count=Post.reply_count + 1,
                last_activity_at=case(
                    (Post.last_activity_at < now, now), else_=Post.last_activity_at
                ),
            )
            .execution_options(synchronize_session=False)
        )
        db.session.expire_all()
    mentioned = mentioned_ids(post, author)
    _link_mentions(post)
    db.session.flush()
    post_published.send(post, mentioned=mentioned)
    return mentioned


def _link_mentions(post: Post) -> None:
    """Make each ``@handle`` of an existing resident a link to their profile (see
    :mod:`rally.threads.mentions`)."""
    handles = handles_in(post.text) - {ALL}
    if not handles:
        return
    known = set(db.session.scalars(select(Resident.handle).where(Resident.handle.in_(handles))))
    post.html = link_mentions(post.html, known)


# Editing and deleting.


def edit_post(post: Post, visitor: Visitor | None, text: str, now: datetime) -> Post:
    """The author changes a post's text: the earlier text is kept (:class:`PostRevision`,
    for moderators), the html rendered again, the post marked edited; a listed word holds
    it again for review.

    :raise ThreadError: ``not_author`` (403), ``post_deleted`` (409), and as
        :func:`check_may_post` (a suspended author cannot edit either).
    :raise PostTextError: ``post_empty``, ``post_too_long``.
    """
    if visitor is None or post.author_id != visitor.id:
        raise _refuse(_l("Only its author can edit a post."), "not_author")
    if post.state is PostState.deleted:
        raise _refuse(_l("This post was deleted."), "post_deleted", 409)
    check_may_post(post.circle, visitor, now)
    text = check_post_text(strip_control_characters(text))
    if text == post.text:
        return post
    db.session.add(PostRevision(post_id=post.id, text=post.text, replaced_at=now))
    post.text = text
    post.html = str(render_post(text))
    post.edited_at = now
    if held_words_in(text) and post.state is PostState.visible:
        post.state = PostState.held
        post.state_reason = "held_word"
    else:
        _link_mentions(post)
    db.session.flush()
    return post


def may_delete(post: Post, actor: Actor) -> bool:
    """The author, the circle's moderators and admins."""
    if actor.visitor is not None and post.author_id == actor.visitor.id:
        return True
    return is_moderator(post.circle, actor)


def delete_post(post: Post, actor: Actor, now: datetime) -> list[StoredPhoto]:
    """Delete a post, leaving a tombstone (its replies stay readable): the text and photos
    go, the row stays with ``state`` deleted. A published reply no longer counts in its
    thread. Deleting twice is a no-op (``UPDATE ... WHERE state != 'deleted'``).

    :return: the photos whose files to remove once the request has committed.
    :raise ThreadError: ``not_allowed`` (403).
    """
    if not may_delete(post, actor):
        raise _refuse(_l("You cannot delete this post."), "not_allowed")
    was_visible = post.state is PostState.visible
    deleted = db.session.execute(
        update(Post)
        .where(Post.id == post.id, Post.state != PostState.deleted)
        .values(state=PostState.deleted, deleted_at=now, text="", html="", state_reason="")
        .execution_options(synchronize_session=False)
    ).rowcount
    if deleted != 1:
        return []
    photos = [StoredPhoto(name=p.name, thumbnail=p.thumbnail) for p in post.photos]
    for photo in list(post.photos):
        db.session.delete(photo)
    if was_visible and post.thread_id is not None:
        db.session.execute(
            update(Post)
            .where(Post.id == post.thread_id, Post.reply_count > 0)
            .values(reply_count=Post.reply_count - 1)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    db.session.expire_all()
    return photos


def recount_replies(post: Post) -> None:
    """After a moderator moved a reply's state: its thread counts again, in one statement,
    the replies that were published and are not deleted (visible or hidden)."""
    if post.thread_id is None:
        return
    replies = aliased(Post)
    db.session.execute(
        update(Post)
        .where(Post.id == post.thread_id)
        .values(
            reply_count=select(func.count())
            .select_from(replies)
            .where(
                replies.thread_id == post.thread_id,
                replies.state.in_((PostState.visible, PostState.hidden)),
            )
            .scalar_subquery()
        )
        .execution_options(synchronize_session=False)
    )


def remove_photo_files(photos: list[StoredPhoto]) -> None:
    for photo in photos:
        delete_ugc_photo(photo)


def post_is_mine(post: Post, visitor: Visitor | None) -> bool:
    return visitor is not None and post.author_id == visitor.id
