"""What the moderation room announces to the rooms above it (notifications)."""

from blinker import Namespace

_signals = Namespace()

#: A decision about a resident or one of their posts was made or undone, and its author
#: should be told why. Sender: the moderation decision (flushed), with at least the
#: attributes ``subject_id`` (the visitor told; may be None), ``post_id`` (may be None),
#: ``circle_id`` (may be None), ``action`` (a code such as "hide", "restore", "warn",
#: "suspend", "ban", "auto_hide") and ``reason`` (text). Keyword ``undone`` (bool).
decision_made = _signals.signal("decision-made")
