"""The notifications room's answers to what the rooms below it announce: each turns a
signal into notifications (see :mod:`.operations` for who is told)."""

from rally.announcements.signals import (
    announcement_sent,
    opened_count_wanted,
    told_count_wanted,
)
from rally.circles.signals import join_answered, join_requested
from rally.handmedown.signals import (
    listing_message,
    listing_reserved,
    reservation_cancelled,
    reservation_lapsed,
)
from rally.ideas.signals import idea_changed
from rally.lifeinfo.signals import correction_answered
from rally.moderation.signals import decision_made
from rally.news.signals import seat_promoted
from rally.threads.signals import post_published, reaction_added

from . import operations


@post_published.connect
def tell_replies_and_mentions(post, *, mentioned=frozenset(), **extra) -> None:
    operations.notify_post(post, set(mentioned or ()))


@reaction_added.connect
def tell_reaction(reaction, *, post, **extra) -> None:
    operations.notify_reaction(reaction, post)


@join_requested.connect
def tell_moderators(row, **extra) -> None:
    operations.notify_join_request(row)


@join_answered.connect
def tell_asker(circle, *, visitor_id: int, approved: bool, **extra) -> None:
    operations.notify_join_answer(circle, visitor_id, approved)


@decision_made.connect
def tell_subject(decision, *, undone: bool = False, **extra) -> None:
    operations.notify_decision(decision, bool(undone))


@seat_promoted.connect
def tell_seat(registration, **extra) -> None:
    operations.notify_seat(registration)


@correction_answered.connect
def tell_correction(correction, **extra) -> None:
    operations.notify_correction(correction)


@listing_reserved.connect
def tell_giver(listing, *, reserver_id: int, **extra) -> None:
    operations.notify_listing_reserved(listing, reserver_id)


@listing_message.connect
def tell_other_party(listing, *, message, **extra) -> None:
    operations.notify_listing_message(listing, message)


@reservation_lapsed.connect
def tell_lapsed(listing, *, reserver_id: int | None, **extra) -> None:
    operations.notify_reservation_lapsed(listing, reserver_id)


@reservation_cancelled.connect
def tell_cancelled(listing, *, reserver_id: int | None, by_id: int, **extra) -> None:
    operations.notify_reservation_cancelled(listing, reserver_id, by_id)


@idea_changed.connect
def tell_idea_change(change, **extra) -> None:
    operations.notify_idea_change(change)


@announcement_sent.connect
def tell_recipients(announcement, *, visitor_ids=(), **extra) -> None:
    operations.notify_announcement(announcement, list(visitor_ids))


@opened_count_wanted.connect
def count_opened(announcement, **extra) -> int:
    return operations.opened_count(announcement)


@told_count_wanted.connect
def count_told(announcement, **extra) -> int:
    return operations.told_count(announcement)
