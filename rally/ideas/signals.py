"""What the ideas room announces: ``idea_changed`` (sender: the :class:`IdeaChange`, flushed)
for every change of state, answer published and progress update; the notifications room
tells the author, supporters and followers."""

from blinker import Namespace

_signals = Namespace()

idea_changed = _signals.signal("idea-changed")
