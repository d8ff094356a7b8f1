"""What the stamping room announces, for the rooms above it (fraud flags, as pretix and
Indico announce a check-in): receivers are connected by those rooms, never imported here."""

from typing import NamedTuple

from blinker import Namespace

_signals = Namespace()


class Visit(NamedTuple):
    """Where and when a card's stamp was given: what the travel check compares."""

    checkpoint_id: int
    created_at: object  # datetime, naive UTC
    latitude: float | None
    longitude: float | None


#: A visitor's own scan is about to give a stamp (staff grants do not send it).
#: Sender: the checkpoint (anything with ``id`` and ``campaign_id``). Keyword arguments:
#: ``card_id``, ``here`` (the place's latitude, longitude), ``previous`` (the card's most
#: recent :class:`Visit` in any campaign, or ``None``) and ``now``. A receiver may add rows
#: to the session (a flag); it never refuses the stamp.
stamp_scanned = _signals.signal("stamp-scanned")

#: A campaign asked for the phone's position and the visitor declined; the stamp was given.
#: Sender: the checkpoint. Keyword arguments: ``card_id`` and ``now``.
location_declined = _signals.signal("location-declined")

#: A stamp was written (a new row in the request's transaction; a repeat sends nothing).
#: Sender: the checkpoint's id. Keyword argument: ``channel``, ``"visitor"`` for the
#: visitor's own act (a scan, a PIN, an event's code), ``"staff"`` for a grant at the
#: register or on a paper card.
stamp_given = _signals.signal("stamp-given")
