"""Reactions, pins and unread counts of a circle's threads: the rules.

Each one-time or counted thing is decided by the database: a reaction by its unique
(post, resident, emoji) constraint, the 3 pins of a circle under a lock on the circle's
row, a read mark by an upsert that only ever moves forward.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select

from rally.circles.models import Circle, CircleMember, MemberState
from rally.circles.operations import Actor, is_member, is_moderator, may_read
from rally.database import insert_for
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.residents.models import Resident
from rally.residents.operations import may_post, posting_barred_until, profile_of
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .models import REACTIONS, Pin, Post, PostState, Reaction, ReadMark
from .signals import reaction_added

#: Pins that may be active in one circle at once.
MAX_PINS = 3
#: Names shown of who reacted with one emoji; the rest are "and N others".
NAMES_SHOWN = 10
# A toggle that keeps meeting other toggles of the same reaction tries again (each try is
# one statement that waits for the other's commit); more than this means something is wrong.
_TOGGLE_TRIES = 50


class EngagementError(RallyError):
    """A reaction, pin or read mark that cannot be made; ``code`` says why."""


# Reactions.


@dataclass(frozen=True)
class ReactionSummary:
    """One emoji's reactions to one post, as a page shows them."""

    emoji: str
    count: int
    # The viewer is one of them.
    mine: bool
    # The display names of the first :data:`NAMES_SHOWN` who reacted, oldest first.
    names: tuple[str, ...]
    # How many more reacted than ``names`` holds.
    others: int


def may_react(post: Post, visitor: Visitor | None, now: datetime | None = None) -> bool:
    """Whether ``visitor`` may react to posts of the post's circle (what the page shows);
    :func:`toggle_reaction` enforces the same rule with its reasons."""
    try:
        _check_reactor(post.circle, visitor, now or utcnow())
    except EngagementError:
        return False
    return True


def _check_reactor(circle: Circle, visitor: Visitor | None, now: datetime) -> None:
    actor = Actor(visitor=visitor)
    if visitor is None or not may_read(circle, actor):
        raise EngagementError(_l("This post does not exist."), code="no_post", status=404)
    if not circle.is_active:
        raise EngagementError(_l("This circle is not open."), code="circle_not_active", status=403)
    if not may_post(visitor):
        raise EngagementError(
            _l("Please confirm your e-mail address and complete your profile first."),
            code="profile_incomplete",
            status=403,
        )
    if not is_member(circle, actor):
        raise EngagementError(
            _l("Join this circle to react to its posts."), code="not_member", status=403
        )
    if posting_barred_until(profile_of(visitor), now) is not None:
        raise EngagementError(
            _l("Your account may not post or react at the moment."),
            code="suspended",
            status=403,
        )


def toggle_reaction(post: Post, visitor: Visitor | None, emoji: str, now: datetime) -> bool:
    """Add the resident's reaction with ``emoji`` to ``post``, or take it back if it is
    there; True when it is now on. Sends ``reaction_added`` when one is added.

    Decided by the unique (post, resident, emoji) constraint, without reading first:
    ``INSERT ... ON CONFLICT DO NOTHING``; when nothing was inserted the reaction exists,
    so it is deleted; when the delete finds nothing either (another toggle of the same
    reaction took it back meanwhile) the insert is tried again. On PostgreSQL each of
    these statements waits for a concurrent toggle's commit, so toggles of one reaction
    happen one after the other and N toggles leave N mod 2 rows; on SQLite the writing
    request holds the write lock (``BEGIN IMMEDIATE``).

    :param now: the time of the request (naive UTC), for suspensions.
    :raise EngagementError: ``unknown_reaction`` (400), ``no_post`` (404: gone, not
        visible, or in a circle the visitor may not read), ``circle_not_active``,
        ``profile_incomplete``, ``not_member``, ``suspended`` (403).
    """
    if post.state is not PostState.visible or not may_read(post.circle, Actor(visitor=visitor)):
        raise EngagementError(_l("This post does not exist."), code="no_post", status=404)
    if emoji not in REACTIONS:  # said only to who may know the post exists
        raise EngagementError(
            _l("Please choose one of the reactions shown."), code="unknown_reaction", status=400
        )
    _check_reactor(post.circle, visitor, now)
    added = (
        insert_for(Reaction)
        .values(post_id=post.id, visitor_id=visitor.id, emoji=emoji, created_at=now)
        .on_conflict_do_nothing(index_elements=["post_id", "visitor_id", "emoji"])
        .returning(Reaction.id)
    )
    taken_back = delete(Reaction).where(
        Reaction.post_id == post.id, Reaction.visitor_id == visitor.id, Reaction.emoji == emoji
    )
    for _try in range(_TOGGLE_TRIES):
        reaction_id = db.session.scalar(added)
        if reaction_id is not None:
            reaction = db.session.get(Reaction, reaction_id)
            reaction_added.send(reaction, post=post)
            return True
        if db.session.execute(taken_back).rowcount == 1:
            return False
    raise EngagementError(
        _l("Too many requests. Please wait a moment and try again."), code="busy", status=409
    )


def reaction_summaries(
    post_ids: list[int], viewer_id: int | None
) -> dict[int, list[ReactionSummary]]:
    """The reactions of a page of posts, in one query: for each post, the emoji someone
    used (in the order of :data:`REACTIONS`) with their count, whether the viewer is among
    them, and who reacted (display names, oldest first)."""
    if not post_ids:
        return {}
    rows = db.session.execute(
        select(Reaction.post_id, Reaction.emoji, Reaction.visitor_id, Resident.display_name)
        .outerjoin(Resident, Resident.visitor_id == Reaction.visitor_id)
        .where(Reaction.post_id.in_(post_ids))
        .order_by(Reaction.post_id, Reaction.created_at, Reaction.id)
    )
    grouped: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for post_id, emoji, visitor_id, name in rows:
        grouped[post_id][emoji].append((visitor_id, name))
    order = {emoji: position for position, emoji in enumerate(REACTIONS)}
    result: dict[int, list[ReactionSummary]] = {}
    for post_id, by_emoji in grouped.items():
        summaries = []
        for emoji in sorted(by_emoji, key=lambda e: order.get(e, len(order))):
            people = by_emoji[emoji]
            names = tuple(name for _id, name in people[:NAMES_SHOWN] if name)
            summaries.append(
                ReactionSummary(
                    emoji=emoji,
                    count=len(people),
                    mine=viewer_id is not None and any(i == viewer_id for i, _n in people),
                    names=names,
                    others=len(people) - len(names),
                )
            )
        result[post_id] = summaries
    return result


# Pins.


def end_of_district_day(day: date) -> datetime:
    """The end of ``day`` in the district's time zone (``RALLY_TIMEZONE``), as naive UTC:
    a pin "until 12 December" shows all that day and is gone at midnight."""
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    midnight = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def pinned_last_day(pin: Pin) -> date | None:
    """The last day (in the district's time zone) a pin shows; None: until unpinned."""
    if pin.until is None:
        return None
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    return (pin.until - timedelta(microseconds=1)).replace(tzinfo=UTC).astimezone(zone).date()


def _active(now: datetime):
    return and_(
        or_(Pin.until.is_(None), Pin.until > now),
        Post.state != PostState.deleted,
    )


def active_pins(circle: Circle, now: datetime) -> list[Pin]:
    """The circle's pinned threads, newest pin first: not past their end, not deleted."""
    return list(
        db.session.scalars(
            select(Pin)
            .join(Post, Post.id == Pin.post_id)
            .where(Pin.circle_id == circle.id, _active(now))
            .order_by(Pin.pinned_at.desc(), Pin.id.desc())
        )
    )


def check_may_pin(post: Post, actor: Actor) -> None:
    """Whether ``actor`` may pin or unpin ``post``.

    :raise EngagementError: ``no_post`` (404), ``not_moderator`` (403), ``not_a_thread``.
    """
    if not may_read(post.circle, actor) or post.state is PostState.deleted:
        raise EngagementError(_l("This post does not exist."), code="no_post", status=404)
    if not is_moderator(post.circle, actor):
        raise EngagementError(
            _l("Only this circle's moderators can do this."), code="not_moderator", status=403
        )
    if not post.is_thread:
        raise EngagementError(
            _l("Only a thread's first post can be pinned."), code="not_a_thread", status=400
        )


def pin_thread(post: Post, actor: Actor, until: date | None, now: datetime) -> Pin:
    """Pin a thread at the top of its circle, until the end of ``until`` (a day in the
    district's time zone) or until unpinned. Pinning a pinned thread again sets its end.

    At most :data:`MAX_PINS` active pins per circle, whatever the concurrency: the circle's
    row is locked first (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the writing
    request holds the write lock), so two moderators pinning at once are counted one after
    the other. Pins past their end neither count nor show; they are removed here.

    :raise EngagementError: ``no_post`` (404), ``not_moderator`` (403), ``not_a_thread``
        (400), ``until_past`` (400), ``too_many_pins`` (409).
    """
    check_may_pin(post, actor)
    ends = end_of_district_day(until) if until is not None else None
    if ends is not None and ends <= now:
        raise EngagementError(
            _l("Please choose today or a later day."), code="until_past", status=400
        )
    db.session.execute(select(Circle.id).where(Circle.id == post.circle_id).with_for_update())
    db.session.execute(
        delete(Pin).where(Pin.circle_id == post.circle_id, Pin.until.is_not(None), Pin.until <= now)
    )
    existing = db.session.scalar(select(Pin).where(Pin.post_id == post.id))
    if existing is not None:
        existing.until = ends
        db.session.flush()
        return existing
    pinned = db.session.scalar(
        select(func.count())
        .select_from(Pin)
        .join(Post, Post.id == Pin.post_id)
        .where(Pin.circle_id == post.circle_id, _active(now))
    )
    if pinned >= MAX_PINS:
        raise EngagementError(
            _l(
                "A circle can have at most %(count)s pinned threads. Unpin one first.",
                count=MAX_PINS,
            ),
            code="too_many_pins",
            status=409,
        )
    pin = Pin(circle_id=post.circle_id, post_id=post.id, pinned_at=now, until=ends)
    db.session.add(pin)
    db.session.flush()
    return pin


def unpin(post: Post, actor: Actor) -> bool:
    """Take a thread's pin away; True when it was pinned.

    :raise EngagementError: ``no_post`` (404), ``not_moderator`` (403), ``not_a_thread``.
    """
    check_may_pin(post, actor)
    return db.session.execute(delete(Pin).where(Pin.post_id == post.id)).rowcount == 1


# Unread.


def mark_read(visitor: Visitor, thread: Post, last_post_id: int, now: datetime) -> None:
    """Remember that ``visitor`` has been shown ``thread`` up to the post ``last_post_id``.

    One upsert that never moves a mark back (``greatest`` of the stored and the new id), so
    an older page loaded late, or two tabs at once, cannot make read posts unread again.
    """
    biggest = func.greatest if db.session.get_bind().dialect.name == "postgresql" else func.max
    statement = insert_for(ReadMark).values(
        visitor_id=visitor.id, thread_id=thread.id, last_post_id=last_post_id, read_at=now
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["visitor_id", "thread_id"],
            set_={
                "last_post_id": biggest(ReadMark.last_post_id, statement.excluded.last_post_id),
                "read_at": now,
            },
        )
    )


def read_up_to(visitor: Visitor, thread: Post) -> int:
    """The last post id ``visitor`` was shown of ``thread`` (0: never opened)."""
    return (
        db.session.scalar(
            select(ReadMark.last_post_id).where(
                ReadMark.visitor_id == visitor.id, ReadMark.thread_id == thread.id
            )
        )
        or 0
    )


def _unread_query(visitor: Visitor, key):
    """New posts for ``visitor``, grouped by ``key``: visible posts of others, in circles
    where the resident is a member, after their read mark of the thread; in a thread never
    opened, those written since the resident joined the circle (so joining a circle with a
    long past does not greet them with hundreds of "new" posts)."""
    thread_of = func.coalesce(Post.thread_id, Post.id)
    return (
        select(key, func.count())
        .select_from(Post)
        .join(
            CircleMember,
            and_(
                CircleMember.circle_id == Post.circle_id,
                CircleMember.visitor_id == visitor.id,
                CircleMember.state == MemberState.member,
            ),
        )
        .outerjoin(
            ReadMark,
            and_(ReadMark.thread_id == thread_of, ReadMark.visitor_id == visitor.id),
        )
        .where(
            Post.state == PostState.visible,
            or_(Post.author_id.is_(None), Post.author_id != visitor.id),
            or_(
                Post.id > ReadMark.last_post_id,
                and_(ReadMark.id.is_(None), Post.created_at >= CircleMember.joined_at),
            ),
        )
        .group_by(key)
    )


def unread_in_threads(visitor: Visitor | None, thread_ids: list[int]) -> dict[int, int]:
    """For each thread with something new for ``visitor``, how many posts are new (its
    first post counts when the thread itself is new). One query. Only a circle's members
    have unread posts: ``{}`` for anyone else."""
    if visitor is None or not thread_ids:
        return {}
    thread_of = func.coalesce(Post.thread_id, Post.id)
    query = _unread_query(visitor, thread_of).where(
        or_(Post.id.in_(thread_ids), Post.thread_id.in_(thread_ids))
    )
    return {thread_id: count for thread_id, count in db.session.execute(query)}


def unread_in_circles(visitor: Visitor | None, circle_ids: list[int]) -> dict[int, int]:
    """For each of ``circle_ids`` where the visitor is a member and something is new, how
    many posts are new (threads and replies). One query."""
    if visitor is None or not circle_ids:
        return {}
    query = _unread_query(visitor, Post.circle_id).where(Post.circle_id.in_(circle_ids))
    return {circle_id: count for circle_id, count in db.session.execute(query)}
