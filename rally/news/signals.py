"""What the news room announces to the rooms above it (blinker signals)."""

from blinker import Namespace

_signals = Namespace()

#: A resident moved up from an event's waiting list to a seat.
#: ``sender``: the :class:`~rally.news.models.EventRegistration` (status ``registered``,
#: ``promoted_at`` set), sent inside the transaction that promoted it, after the flush, and
#: once per promotion. Receivers write in that same transaction (an in-app notification);
#: they must not send anything themselves: the promoted resident's e-mail is sent by the
#: news room after the commit (a rolled-back promotion tells nobody).
seat_promoted = _signals.signal("seat-promoted")
