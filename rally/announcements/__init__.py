"""Announcements (お知らせ配信): the association's word to residents, in-app, by e-mail and
by Web Push, each in the reader's language; residents' choices of how often they hear;
urgent notices; disaster mode's banner on every page.

* ``models.py``: :class:`Announcement` (draft, scheduled, sent, cancelled), the
  audience, :class:`NotificationChoice` (per resident: announcements or one circle,
  real-time/daily/weekly/none) and :class:`DisasterMode` (one row);
* ``audience.py``: who an announcement reaches, as one query per kind;
* ``operations.py``: saving, scheduling, sending now, cancelling, urgent notices, disaster
  mode, preferences and the signed one-click unsubscribe;
* ``sending.py``: the jobs: sending a due announcement (by the job's eta, and a periodic
  check each minute), e-mails batched through :mod:`rally.jobs`, one push job per device;
* ``signals.py``: ``announcement_sent`` (the notifications room writes the in-app rows).
"""
