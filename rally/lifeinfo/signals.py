"""What the daily-life directory announces to the rooms above it (blinker signals)."""

from blinker import Namespace

_signals = Namespace()

#: The association answered a resident's correction (accepted or declined).
#: ``sender``: the :class:`~rally.lifeinfo.models.LifeCorrection`, answered and flushed, sent
#: inside the answering transaction and once per correction (the answer is decided by a
#: conditional UPDATE). Receivers write in that transaction (an in-app notification).
correction_answered = _signals.signal("correction-answered")
