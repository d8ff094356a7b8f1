"""What the rewards room announces, for the rooms above it (metrics): receivers are
connected by those rooms, never imported here."""

from blinker import Namespace

_signals = Namespace()

#: A card claimed a reward (a new claim row in the request's transaction; a repeated
#: claim of the same occurrence returns the first and sends nothing). Sender: the tier.
#: Keyword argument: ``claim``.
reward_claimed = _signals.signal("reward-claimed")
