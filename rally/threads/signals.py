"""What the threads room announces to the rooms above it (notifications, moderation)."""

from blinker import Namespace

_signals = Namespace()

#: A post became visible to its circle (published at once, or released from review).
#: Sender: the :class:`~rally.threads.models.Post` (flushed). Keyword ``mentioned``: the
#: set of visitor ids its ``@handle`` (or a moderator's ``@all``) names, already without
#: its author and without anyone who blocks the author.
post_published = _signals.signal("post-published")

#: A resident reacted to a post (the reaction is new, not toggled off). Sender: the
#: :class:`~rally.threads.models.Reaction` (flushed); keyword ``post``.
reaction_added = _signals.signal("reaction-added")
