"""What the circles room announces to the rooms above it (notifications)."""

from blinker import Namespace

_signals = Namespace()

#: A resident asked to join a members-only circle. Sender: the
#: :class:`~rally.circles.models.CircleMember` row (flushed, state ``requested``).
join_requested = _signals.signal("join-requested")

#: A moderator answered a join request. Sender: the circle; keywords ``visitor_id`` (who
#: asked) and ``approved`` (bool).
join_answered = _signals.signal("join-answered")
