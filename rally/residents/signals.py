"""What the residents room announces to the rooms above it."""

from blinker import Namespace

_signals = Namespace()

#: A resident's public profile page is about to be shown. Sender: the
#: :class:`~rally.residents.models.Resident`. A receiver returns a dict that the page's
#: template receives besides its own context (rally.roles adds ``role_badges``: the
#: volunteer staff badges active today).
profile_shown = _signals.signal("profile-shown")
