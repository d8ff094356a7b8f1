"""What the hand-me-down board announces to the rooms above it (notifications).

Each sender is the :class:`~rally.handmedown.models.Listing` (flushed)."""

from blinker import Namespace

_signals = Namespace()

#: A resident reserved a listing: its giver is told. Keyword ``reserver_id``.
listing_reserved = _signals.signal("listing-reserved")

#: A message between the giver and the reserver. Keyword ``message`` (the
#: :class:`~rally.handmedown.models.ListingMessage`): the other one of the two is told.
listing_message = _signals.signal("listing-message")

#: A reservation the giver did not answer in time lapsed: the listing is available again
#: and the resident who reserved it is told. Keyword ``reserver_id``.
reservation_lapsed = _signals.signal("reservation-lapsed")

#: A reservation was cancelled by one side: the other is told. Keywords ``reserver_id``
#: (whose reservation it was) and ``by_id`` (who cancelled it).
reservation_cancelled = _signals.signal("reservation-cancelled")
