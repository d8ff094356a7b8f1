"""What the circles room announces to the rooms above it (notifications)."""

from blinker import Namespace

_signals = Namespace()

#: A resident asked to join a members-only circle. Sender: the
#: :class:`~rally.circles.models.CircleMember` row (flushed, state ``requested``).
join_requested = _signals.signal("join-requested")

#: A moderator answered a join request. Sender: the circle; keywords ``visitor_id`` (who
#: asked) and ``approved`` (bool).
join_answered = _signals.signal("join-answered")

#: The list of circles is about to be shown. Sender: the list of circles; keyword ``actor``.
#: A receiver returns a dict that the page's template receives besides its own context (the
#: threads room adds how many posts are new for the reader in each circle, ``unread``).
circles_listed = _signals.signal("circles-listed")
