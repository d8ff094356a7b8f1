"""What announcements tell the rooms above them."""

from blinker import Namespace

_signals = Namespace()

# Sent with (announcement, visitor_ids=list[int]) when it goes out: the notifications room
# writes one in-app row per recipient (bulk) in the same transaction.
announcement_sent = _signals.signal("announcement-sent")
# Asked with (announcement): a receiver answers how many recipients opened it in-app.
opened_count_wanted = _signals.signal("announcement-opened-count")
# Asked with (announcement): a receiver answers how many in-app rows it has so far (while a
# fan-out goes on, chunk by chunk).
told_count_wanted = _signals.signal("announcement-told-count")
