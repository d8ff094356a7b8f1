"""The notifications room's answers to what the rooms below it announce: each turns a
signal into notifications (see :mod:`.operations` for who is told)."""

from rally.circles.signals import join_answered, join_requested
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
