"""Notifications: who is told what (from the signals of the rooms below), the page's items,
the unread count of the header, and marking read.

A notification is stored as bare facts (kind, actor, circle, post, detail); the page words
it in the reader's language when shown, and checks then that the reader may still read
what it is about.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from rally.announcements.models import Announcement
from rally.circles.models import Circle, CircleMember
from rally.circles.operations import Actor, may_read, may_see, moderator_ids
from rally.database import insert_for
from rally.errors import RallyError
from rally.extensions import db
from rally.handmedown.models import Listing
from rally.handmedown.operations import may_see as may_see_listing
from rally.i18n import _l
from rally.ideas.models import Idea, IdeaChange
from rally.ideas.operations import audience as idea_audience
from rally.ideas.operations import may_see as may_see_idea
from rally.lifeinfo.models import LifePlace
from rally.news.models import Event
from rally.pagination import paginate
from rally.residents.models import Resident, ResidentBlock
from rally.residents.operations import hidden_authors
from rally.threads.models import Post, PostState, Reaction
from rally.ugc.text import post_excerpt
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .digests import mail_right_away
from .models import Notification

PER_PAGE = 20
EXCERPT = 60
# The kinds about a post that someone else wrote or did: shown only while the reader may
# read that post, and never from someone the reader mutes or blocks.
ABOUT_OTHERS_POSTS = ("reply", "mention", "reaction")
MODERATION = ("moderation", "moderation_undone")
#: The kinds about a hand-me-down listing: shown while the reader may still see it.
LISTING_KINDS = (
    "listing_reserved",
    "listing_message",
    "listing_lapsed",
    "listing_cancelled",
)


class NotificationError(RallyError):
    """A notification step that cannot go ahead; ``code`` says why."""


# Who is told: the answers to the signals (see receivers.py).


def _hiding(actor_id: int | None, recipient_ids: set[int]) -> set[int]:
    """Which of ``recipient_ids`` mute or block ``actor_id``: they are not told of its acts."""
    if actor_id is None or not recipient_ids:
        return set()
    return set(
        db.session.scalars(
            select(ResidentBlock.visitor_id).where(
                ResidentBlock.other_id == actor_id,
                ResidentBlock.visitor_id.in_(recipient_ids),
            )
        )
    )


def _tell(recipients: set[int], actor_id: int | None, kind: str, **about) -> list[Notification]:
    """One notification of ``kind`` for each recipient, except the actor themself and whoever
    mutes or blocks the actor."""
    told = recipients - {actor_id} - _hiding(actor_id, recipients)
    rows = [
        Notification(visitor_id=visitor_id, kind=kind, actor_id=actor_id, **about)
        for visitor_id in sorted(told)
    ]
    db.session.add_all(rows)
    db.session.flush()
    mail_right_away(rows)  # only for circles whose news the reader chose to get at once
    return rows


def notify_post(post: Post, mentioned: set[int]) -> list[Notification]:
    """A published post tells each resident it mentions ("mention") and, for a reply, the
    thread's author ("reply"; a thread author it also mentions gets the mention alone).
    Published twice (released from review again), it tells no one twice.

    :param post: the post just published (flushed).
    :param mentioned: visitor ids its mentions name.
    """
    already = set(
        db.session.scalars(
            select(Notification.visitor_id).where(
                Notification.post_id == post.id, Notification.kind.in_(("reply", "mention"))
            )
        )
    )
    about = {"circle_id": post.circle_id, "post_id": post.id}
    rows = _tell(set(mentioned) - already, post.author_id, "mention", **about)
    if post.thread_id is not None:
        thread_author = db.session.scalar(select(Post.author_id).where(Post.id == post.thread_id))
        if thread_author is not None and thread_author not in set(mentioned) | already:
            rows += _tell({thread_author}, post.author_id, "reply", **about)
    return rows


def notify_reaction(reaction: Reaction, post: Post) -> Notification | None:
    """Tell a post's author of a new reaction to it. Reactions are grouped: one unread
    notification per author, post and emoji, which each further reaction updates (its actor
    and time; the page counts the reactions). The unique index
    ``uq_notification_unread_reaction`` decides under concurrency: of two first reactions at
    once, one inserts, the other finds its row and updates it.

    :param reaction: the new reaction (flushed).
    :param post: the post reacted to.
    """
    recipient = post.author_id
    actor_id = reaction.visitor_id
    if recipient is None or recipient == actor_id or _hiding(actor_id, {recipient}):
        return None
    group = (
        Notification.visitor_id == recipient,
        Notification.kind == "reaction",
        Notification.post_id == post.id,
        Notification.detail == reaction.emoji,
        Notification.read_at.is_(None),
    )

    def join_group() -> bool:
        return (
            db.session.execute(
                update(Notification)
                .where(*group)
                .values(actor_id=actor_id, created_at=utcnow())
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )

    if not join_group():
        row = Notification(
            visitor_id=recipient,
            kind="reaction",
            actor_id=actor_id,
            circle_id=post.circle_id,
            post_id=post.id,
            detail=reaction.emoji,
        )
        try:
            with db.session.begin_nested():
                db.session.add(row)
            return row
        except IntegrityError:  # another reaction started the group at the same moment
            join_group()
    return db.session.scalar(select(Notification).where(*group))


def notify_join_request(row: CircleMember) -> list[Notification]:
    """Tell each of the circle's resident moderators that someone asked to join it: named
    ones and today's role holders alike (:func:`rally.circles.operations.moderator_ids`)."""
    circle = db.session.get(Circle, row.circle_id)
    return _tell(moderator_ids(circle), row.visitor_id, "join_request", circle_id=row.circle_id)


def notify_join_answer(circle: Circle, visitor_id: int, approved: bool) -> list[Notification]:
    """Tell a resident that their request to join ``circle`` was approved or refused."""
    kind = "join_approved" if approved else "join_refused"
    return _tell({visitor_id}, None, kind, circle_id=circle.id)


def notify_seat(registration) -> list[Notification]:
    """Tell a resident they moved up from an event's waiting list to a seat (``detail``: the
    event's id). Their e-mail is the news room's."""
    return _tell(
        {registration.visitor_id}, None, "seat_promoted", detail=str(registration.event_id)
    )


def notify_correction(correction) -> list[Notification]:
    """Tell a resident the association answered their correction to a daily-life place
    (``detail``: ``"<accepted|declined>:<place id>"``)."""
    detail = f"{correction.state.value}:{correction.place_id}"
    return _tell({correction.visitor_id}, None, "life_correction", detail=detail)


def notify_idea_change(change: IdeaChange) -> list[Notification]:
    """Tell an idea's author, supporters and followers of its change, each once (a
    supporter who also follows gets one); never whoever made it (``detail``: the change's
    id, worded when shown). Their e-mails: :mod:`rally.ideas.mails` (queued).
    """
    return _tell(
        idea_audience(change),
        change.actor_id,
        "idea",
        idea_id=change.idea_id,
        detail=str(change.id),
    )


def notify_decision(decision, undone: bool) -> list[Notification]:
    """Tell the resident a moderation decision is about what was decided, and why (or that
    it was undone). The moderator stays unnamed; a muted moderator's decision is told too.

    :param decision: anything with ``subject_id``, ``post_id``, ``circle_id``, ``action``
        and ``reason`` (see :data:`rally.moderation.signals.decision_made`).
    """
    if decision.subject_id is None:
        return []
    return _tell(
        {decision.subject_id},
        None,
        "moderation_undone" if undone else "moderation",
        circle_id=decision.circle_id,
        post_id=decision.post_id,
        listing_id=getattr(decision, "listing_id", None),
        detail=(decision.action or "")[:80],
        reason=decision.reason or "",
    )


def notify_listing_reserved(listing: Listing, reserver_id: int) -> list[Notification]:
    """Tell a listing's giver that a resident reserved it."""
    return _tell({listing.giver_id}, reserver_id, "listing_reserved", listing_id=listing.id)


def notify_listing_message(listing: Listing, message) -> list[Notification]:
    """Tell the other one of a listing's giver and reserver of a message."""
    other = listing.reserver_id if message.sender_id == listing.giver_id else listing.giver_id
    if other is None:
        return []
    return _tell({other}, message.sender_id, "listing_message", listing_id=listing.id)


def notify_reservation_lapsed(listing: Listing, reserver_id: int | None) -> list[Notification]:
    """Tell the resident whose reservation lapsed (the giver did not answer in time)."""
    if reserver_id is None:
        return []
    return _tell({reserver_id}, None, "listing_lapsed", listing_id=listing.id)


def notify_reservation_cancelled(
    listing: Listing, reserver_id: int | None, by_id: int
) -> list[Notification]:
    """Tell the other side that a reservation was cancelled (or the listing withdrawn)."""
    other = reserver_id if by_id == listing.giver_id else listing.giver_id
    if other is None:
        return []
    return _tell({other}, by_id, "listing_cancelled", listing_id=listing.id)


# The header and the page.


def unread_count(visitor_id: int) -> int:
    """The header's badge: one count over the index ``ix_notification_visitor_read``."""
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.visitor_id == visitor_id, Notification.read_at.is_(None))
    )


@dataclass
class Shown:
    """A notification as the page words it: what the template needs, decided here."""

    notification: Notification
    # The actor's display name (None: unnamed, a deleted account, no profile yet).
    actor_name: str | None = None
    circle: Circle | None = None
    post: Post | None = None
    # For a reply: the thread's first words; else the post's.
    excerpt: str = ""
    # The reply or mention itself, quoted below.
    quote: str = ""
    # For grouped reactions: how many others reacted with the same emoji.
    others: int = 0
    # Where its link goes: "thread", "circle", "event" or None.
    target: str | None = None
    # For a seat at an event: the event.
    event: Event | None = None
    # For an answered correction: the daily-life place, and whether it was accepted.
    life_place: LifePlace | None = None
    accepted: bool = False
    # For a hand-me-down listing: the listing.
    listing: Listing | None = None
    # For an idea's change: the change and its idea.
    change: IdeaChange | None = None
    idea: Idea | None = None
    # For an announcement of the association: it.
    announcement: Announcement | None = None

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


class _Reader:
    """What one reader may see, looked up once per circle."""

    def __init__(self, visitor: Visitor):
        self.actor = Actor(visitor=visitor)
        self._read: dict[int, bool] = {}
        self._see: dict[int, bool] = {}

    def may_read(self, circle: Circle | None) -> bool:
        if circle is None:
            return False
        if circle.id not in self._read:
            self._read[circle.id] = may_read(circle, self.actor)
        return self._read[circle.id]

    def may_see(self, circle: Circle | None) -> bool:
        if circle is None:
            return False
        if circle.id not in self._see:
            self._see[circle.id] = may_see(circle, self.actor)
        return self._see[circle.id]


def _event_id(row: Notification) -> int | None:
    return int(row.detail) if row.kind == "seat_promoted" and row.detail.isdigit() else None


def _life_place_id(row: Notification) -> int | None:
    if row.kind != "life_correction":
        return None
    place_id = row.detail.partition(":")[2]
    return int(place_id) if place_id.isdigit() else None


def _change_id(row: Notification) -> int | None:
    return int(row.detail) if row.kind == "idea" and row.detail.isdigit() else None


def _by_id(model, key, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = db.session.scalars(select(model).where(key.in_(ids)))
    return {getattr(row, key.key): row for row in rows}


def _reaction_counts(rows: list[Notification], reader_id: int, hidden: set[int]) -> dict:
    """(post id, emoji) → how many residents (not the reader, not hidden) reacted so."""
    post_ids = {row.post_id for row in rows if row.kind == "reaction"}
    if not post_ids:
        return {}
    query = (
        select(Reaction.post_id, Reaction.emoji, func.count())
        .where(Reaction.post_id.in_(post_ids), Reaction.visitor_id != reader_id)
        .group_by(Reaction.post_id, Reaction.emoji)
    )
    if hidden:
        query = query.where(Reaction.visitor_id.not_in(hidden))
    return {(post_id, emoji): count for post_id, emoji, count in db.session.execute(query)}


def _shown(row: Notification, context: dict) -> Shown | None:
    """The item as shown, or None when the reader may no longer see it."""
    reader: _Reader = context["reader"]
    circle = context["circles"].get(row.circle_id)
    post = context["posts"].get(row.post_id)
    actor = context["residents"].get(row.actor_id)
    item = Shown(row, actor_name=(actor.display_name or None) if actor else None, circle=circle)
    if row.kind in ABOUT_OTHERS_POSTS:
        if row.actor_id in context["hidden"] or post is None or post.state is not PostState.visible:
            return None
        if not reader.may_read(circle):
            return None
        item.post = post
        item.target = "thread"
        if row.kind == "reply":
            thread = context["posts"].get(post.thread_id)
            if thread is not None and thread.state is PostState.visible:
                item.excerpt = post_excerpt(thread.text, EXCERPT)
            item.quote = post_excerpt(post.text, EXCERPT)
        elif row.kind == "mention":
            item.quote = post_excerpt(post.text, EXCERPT)
        else:
            item.excerpt = post_excerpt(post.text, EXCERPT)
            count = context["reactions"].get((post.id, row.detail), 1)
            item.others = max(count - 1, 0)
        return item
    if row.listing_id is not None:
        listing = context["listings"].get(row.listing_id)
        seen = listing is not None and may_see_listing(listing, reader.actor)
        if row.kind in MODERATION:  # about the reader's own listing: always told
            item.listing, item.target = (listing, "listing") if seen else (None, None)
            if seen and listing.moderation_state is not PostState.deleted:
                item.excerpt = listing.title
            return item
        if not seen:
            return None
        if row.kind in LISTING_KINDS and row.actor_id in context["hidden"]:
            return None
        item.listing, item.target = listing, "listing"
        return item
    if row.kind in MODERATION:
        # About the reader's own post or account: always told, the post quoted while the
        # reader may still read its circle (the thread page says what became of it).
        if post is not None and reader.may_read(circle):
            item.post = post
            if post.state is not PostState.deleted:
                item.excerpt = post_excerpt(post.text, EXCERPT)
            item.target = "thread"
        elif reader.may_see(circle):
            item.target = "circle"
        return item
    if row.kind == "life_correction":
        place = context["life_places"].get(_life_place_id(row))
        if place is None:
            return None
        item.life_place, item.accepted = place, row.detail.startswith("accepted:")
        item.target = "life" if place.published else None
        return item
    if row.kind == "announcement":
        announcement = context["announcements"].get(row.announcement_id)
        if announcement is None:
            return None
        item.announcement, item.target = announcement, "announcement"
        return item
    if row.kind == "seat_promoted":
        event = context["events"].get(_event_id(row))
        if event is None:
            return None
        item.event, item.target = event, "event"
        return item
    if row.kind == "idea":
        change = context["changes"].get(_change_id(row))
        if change is None or not may_see_idea(change.idea, reader.actor.visitor):
            return None
        item.change, item.idea, item.target = change, change.idea, "idea"
        return item
    # Join requests and answers: about a circle.
    if row.kind == "join_request" and row.actor_id in context["hidden"]:
        return None
    if not reader.may_see(circle):
        return None
    item.target = "circle"
    return item


def notification_page(visitor: Visitor, page: int, per_page: int = PER_PAGE):
    """One page of the reader's notifications, newest first, worded when shown.

    Items the reader may no longer see (a post hidden or deleted since, a circle they left,
    an actor they have muted since) are left out; the caller passes the unread ones among
    them to :func:`dismiss`.

    :return: ``(pagination, items, gone)``: the Flask-SQLAlchemy pagination of the rows, the
        :class:`Shown` items of this page, the ids of its unread rows left out.
    """
    query = (
        select(Notification)
        .where(Notification.visitor_id == visitor.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    pagination = paginate(query, page, per_page)
    rows: list[Notification] = list(pagination.items)
    hidden = hidden_authors(visitor.id)
    posts = _by_id(Post, Post.id, {row.post_id for row in rows})
    posts.update(_by_id(Post, Post.id, {p.thread_id for p in posts.values()} - set(posts)))
    context = {
        "reader": _Reader(visitor),
        "hidden": hidden,
        "posts": posts,
        "circles": _by_id(Circle, Circle.id, {row.circle_id for row in rows}),
        "residents": _by_id(Resident, Resident.visitor_id, {row.actor_id for row in rows}),
        "reactions": _reaction_counts(rows, visitor.id, hidden),
        "events": _by_id(Event, Event.id, {_event_id(row) for row in rows}),
        "life_places": _by_id(LifePlace, LifePlace.id, {_life_place_id(row) for row in rows}),
        "listings": _by_id(Listing, Listing.id, {row.listing_id for row in rows}),
        "changes": _by_id(IdeaChange, IdeaChange.id, {_change_id(row) for row in rows}),
        "announcements": _by_id(Announcement, Announcement.id, {r.announcement_id for r in rows}),
    }
    items, gone = [], []
    for row in rows:
        item = _shown(row, context)
        if item is not None:
            items.append(item)
        elif row.read_at is None:
            gone.append(row.id)
    return pagination, items, gone


def dismiss(visitor: Visitor, notification_ids: list[int]) -> int:
    """Mark read the reader's unread notifications that can no longer be shown (see
    :func:`notification_page`), so the header's count leaves them out."""
    if not notification_ids:
        return 0
    return _mark_read(visitor.id, Notification.id.in_(notification_ids))


def own_item(visitor: Visitor, notification_id: int) -> Shown | None:
    """The reader's notification ``notification_id`` as shown, None when it may no longer
    be shown.

    :raise NotificationError: ``no_notification`` (404): none, or another resident's.
    """
    row = db.session.get(Notification, notification_id)
    if row is None or row.visitor_id != visitor.id:
        raise NotificationError(
            _l("This notification does not exist."), code="no_notification", status=404
        )
    hidden = hidden_authors(visitor.id)
    posts = _by_id(Post, Post.id, {row.post_id})
    posts.update(_by_id(Post, Post.id, {p.thread_id for p in posts.values()} - set(posts)))
    context = {
        "reader": _Reader(visitor),
        "hidden": hidden,
        "posts": posts,
        "circles": _by_id(Circle, Circle.id, {row.circle_id}),
        "residents": _by_id(Resident, Resident.visitor_id, {row.actor_id}),
        "reactions": {},
        "events": _by_id(Event, Event.id, {_event_id(row)}),
        "life_places": _by_id(LifePlace, LifePlace.id, {_life_place_id(row)}),
        "listings": _by_id(Listing, Listing.id, {row.listing_id}),
        "changes": _by_id(IdeaChange, IdeaChange.id, {_change_id(row)}),
        "announcements": _by_id(Announcement, Announcement.id, {row.announcement_id}),
    }
    return _shown(row, context)


def _mark_read(visitor_id: int, *where) -> int:
    return db.session.execute(
        update(Notification)
        .where(Notification.visitor_id == visitor_id, Notification.read_at.is_(None), *where)
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def mark_read(visitor: Visitor, notification_id: int) -> bool:
    """Mark one of the reader's notifications read (``UPDATE ... WHERE read_at IS NULL``:
    opening it twice marks it once). True when it was unread."""
    done = _mark_read(visitor.id, Notification.id == notification_id) == 1
    db.session.expire_all()
    return done


def mark_all_read(visitor: Visitor, until: datetime | None = None) -> int:
    """Mark the reader's unread notifications read; how many were unread.

    :param until: the time the reader's page was shown: what came (or grew, a reaction
        group) after it stays unread, as the reader has not seen it.
    """
    where = () if until is None else (Notification.created_at <= until,)
    done = _mark_read(visitor.id, *where)
    db.session.expire_all()
    return done


# Announcements (rally.announcements sends ``announcement_sent``).


def notify_announcement(announcement: Announcement, visitor_ids: list[int]) -> int:
    """One unread "announcement" notification per recipient, inserted in bulk (one
    ``INSERT`` per thousand rows, no ORM objects), once: a recipient who has it already
    (a resumed fan-out) is skipped by the unique (announcement, resident) index; how many
    were asked for."""
    now = utcnow()
    rows = [
        {
            "visitor_id": visitor_id,
            "kind": "announcement",
            "announcement_id": announcement.id,
            "detail": "",
            "reason": "",
            "created_at": now,
        }
        for visitor_id in visitor_ids
    ]
    for start in range(0, len(rows), 1000):
        db.session.execute(
            insert_for(Notification).on_conflict_do_nothing(), rows[start : start + 1000]
        )
    return len(rows)


def opened_count(announcement: Announcement) -> int:
    """How many recipients opened (read or dismissed) the announcement in-app."""
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.announcement_id == announcement.id, Notification.read_at.is_not(None))
    )


def told_count(announcement: Announcement) -> int:
    """How many recipients have the announcement in-app so far."""
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.announcement_id == announcement.id)
    )


def banner_announcement(visitor_id: int, now) -> tuple[Notification, Announcement] | None:
    """The reader's latest unread announcement whose banner time has not run out."""
    row = db.session.execute(
        select(Notification, Announcement)
        .join(Announcement, Announcement.id == Notification.announcement_id)
        .where(
            Notification.visitor_id == visitor_id,
            Notification.kind == "announcement",
            Notification.read_at.is_(None),
            Announcement.banner_until > now,
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def own_announcement(visitor: Visitor, notification_id: int) -> Announcement:
    """The announcement a reader's notification is about.

    :raise NotificationError: ``no_notification`` (404): none, another resident's, or
        not an announcement.
    """
    row = db.session.get(Notification, notification_id)
    if row is None or row.visitor_id != visitor.id or row.announcement_id is None:
        raise NotificationError(
            _l("This notification does not exist."), code="no_notification", status=404
        )
    return db.session.get(Announcement, row.announcement_id)
