"""What the areas room announces to the rooms above it."""

from blinker import Namespace

_signals = Namespace()

#: A store or spot is about to move from one area to another. Sent by the places rooms
#: with ``store_id`` or ``spot_id``, ``old`` and ``new`` (area ids or ``None``) and
#: ``error_class`` (the sender's error, to raise); a receiver refuses by raising it.
area_changing = _signals.signal("area-changing")
