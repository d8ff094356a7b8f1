"""The jobs that send announcements.

:func:`send_announcement` is queued for the announcement's time (the job's ``eta``) when it
is scheduled, and at once by "send now"; :func:`send_due_announcements` runs each minute
in the worker (a Huey periodic task) and sends any that is due and still waiting (a job
lost with the queue's storage, a worker that was down). Whichever runs first claims it
(:func:`operations.claim_for_sending`); the others find it sent.

One job fans an announcement out, committing every :data:`CHUNK` residents (so SQLite's
write lock is never held for the whole audience): the in-app rows (signal
``announcement_sent``, one per resident and announcement by a unique index), one mail
:class:`~rally.jobs.models.Delivery` per recipient who hears right away (batched by
:func:`rally.jobs.deliver_mails`, each in the recipient's language with
``List-Unsubscribe``), and one push delivery per device (channel ``push``, its own job: a
failed device is retried alone, one that got it never twice). Each chunk commits the
announcement's cursor with it; a job that stops half-way leaves its lease to run out, and
the periodic check resumes after the cursor (:func:`claim_unfinished`): nobody told twice,
nobody skipped.
"""

from datetime import datetime, timedelta

from flask import current_app, has_app_context, url_for
from flask_babel import force_locale
from huey import crontab
from sqlalchemy import and_, or_, select, update

from rally.extensions import db
from rally.i18n import _, recipient_language
from rally.jobs import (
    deliver_mails,
    huey,
    job,
    site_request_context,
)
from rally.mail import Mail
from rally.push.channel import PUSH, queue_push
from rally.utils import utcnow
from rally.visitors.models import Visitor

from . import choices
from .audience import recipient_ids
from .models import Announcement, AnnouncementState, Frequency
from .signals import announcement_sent

#: Residents per commit: SQLite's write lock is held for one chunk at a time, so the
#: pages' writes and the scans wait for a chunk, not for the whole fan-out.
CHUNK = 500
#: How long a fan-out job holds its announcement without committing a chunk; after that
#: another job (the periodic check) takes it over where it stopped.
LEASE = timedelta(minutes=5)


def claim_for_sending(announcement_id: int, now: datetime) -> Announcement | None:
    """Turn a due scheduled announcement into a sent one, once (the database decides), the
    fan-out held by the caller (:data:`LEASE`); None when it is not due, sent, cancelled
    or unknown."""
    claimed = db.session.execute(
        update(Announcement)
        .where(
            Announcement.id == announcement_id,
            Announcement.state == AnnouncementState.scheduled,
            Announcement.publish_at <= now,
        )
        .values(state=AnnouncementState.sent, sent_at=now, fanout_lease_until=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    return _reread(announcement_id)


def claim_unfinished(announcement_id: int, now: datetime) -> Announcement | None:
    """Take over a sent announcement whose fan-out stopped half-way (its job crashed or was
    killed: its lease ran out), once (the database decides); None otherwise."""
    claimed = db.session.execute(
        update(Announcement)
        .where(
            Announcement.id == announcement_id,
            Announcement.state == AnnouncementState.sent,
            Announcement.fanned_out_at.is_(None),
            or_(
                Announcement.fanout_lease_until.is_(None),
                Announcement.fanout_lease_until < now,
            ),
        )
        .values(fanout_lease_until=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    return _reread(announcement_id)


def _reread(announcement_id: int) -> Announcement:
    return db.session.scalar(
        select(Announcement)
        .where(Announcement.id == announcement_id)
        .execution_options(populate_existing=True)
    )


def due_ids(now: datetime) -> list[int]:
    """Scheduled announcements whose time has come, and sent ones whose fan-out stopped
    half-way (the periodic check's list)."""
    return list(
        db.session.scalars(
            select(Announcement.id).where(
                or_(
                    and_(
                        Announcement.state == AnnouncementState.scheduled,
                        Announcement.publish_at <= now,
                    ),
                    and_(
                        Announcement.state == AnnouncementState.sent,
                        Announcement.fanned_out_at.is_(None),
                        Announcement.fanout_lease_until < now,
                    ),
                )
            )
        )
    )


@job()
def send_announcement(announcement_id: int) -> int:
    """Send the announcement if it is due and not sent yet, or finish a fan-out that
    stopped half-way; how many residents this run reached (0 when another job sends it, or
    its time has not come: a job run early does nothing, the one queued for its time or
    the periodic check sends it)."""
    now = utcnow()
    announcement = claim_for_sending(announcement_id, now) or claim_unfinished(announcement_id, now)
    if announcement is None:
        db.session.rollback()
        return 0
    return fan_out(announcement)


@huey.periodic_task(crontab(minute="*"))
def send_due_announcements() -> None:
    """Each minute: send what is due and still waiting, finish what stopped half-way."""
    app = current_app._get_current_object() if has_app_context() else huey.binding().app
    if app is None:
        return
    with app.app_context():
        for announcement_id in due_ids(utcnow()):
            send_announcement.call_local(announcement_id)


def fan_out(announcement: Announcement) -> int:
    """Queue the announcement for each recipient on each channel, :data:`CHUNK` residents
    (by id) per commit, from where an earlier run stopped; how many recipients this run
    reached. Each chunk commits its in-app rows, mails and push deliveries with the
    cursor, so a run that stops loses nothing and a resumed one repeats nothing (the
    notification and each delivery are keyed by announcement and resident, too)."""
    ids = sorted(recipient_ids(announcement.audience, announcement.target_id))
    if announcement.fanout_cursor == 0:
        announcement.recipients = len(ids)
    todo = [visitor_id for visitor_id in ids if visitor_id > announcement.fanout_cursor]
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start : start + CHUNK]
        _fan_out_chunk(announcement, chunk)
        announcement.fanout_cursor = chunk[-1]
        announcement.fanout_lease_until = utcnow() + LEASE
        db.session.commit()
    announcement.fanned_out_at = utcnow()
    announcement.fanout_lease_until = None
    db.session.commit()
    return len(todo)


def _fan_out_chunk(announcement: Announcement, ids: list[int]) -> None:
    """One chunk of residents: their in-app rows, e-mails and push deliveries (flushed)."""
    announcement_sent.send(announcement, visitor_ids=ids)
    chosen = choices.announcement_choices(ids)
    urgent = announcement.urgent
    # Right away: those who chose it; an urgent notice reaches everyone who did not say
    # "never" (it skips digests).
    now_ids = [
        visitor_id
        for visitor_id in ids
        if chosen[visitor_id] is Frequency.realtime
        or (urgent and chosen[visitor_id] is not Frequency.none)
    ]
    if now_ids:
        with site_request_context():
            visitors = db.session.scalars(select(Visitor).where(Visitor.id.in_(now_ids))).all()
            pairs = []
            for visitor in visitors:
                pairs.append(
                    (
                        announcement_mail(announcement, visitor),
                        _key(announcement, "mail", visitor.id),
                        visitor.id,
                    )
                )
                _push(announcement, visitor)
            deliver_mails(pairs, batch=announcement.batch)
    db.session.flush()


def _key(announcement: Announcement, channel: str, suffix) -> str:
    return f"announcement:{announcement.id}:{channel}:{suffix}"


def _absolute(endpoint: str, **values) -> str:
    return current_app.config["RALLY_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def announcement_mail(announcement: Announcement, visitor: Visitor) -> Mail:
    """The announcement's e-mail to ``visitor``, in their language, with the one-click
    unsubscribe headers (RFC 8058)."""
    lang = recipient_language(visitor.locale)
    unsubscribe = _absolute(
        "announcements.unsubscribe", token=choices.unsubscribe_token(visitor.id)
    )
    settings = _absolute("announcements.settings")
    with force_locale(lang):
        title = announcement.tr("title", lang)
        subject = _("[Urgent] %(title)s", title=title) if announcement.urgent else title
        body = _(
            "%(body)s\n\n"
            "Choose how often you hear from us: %(settings)s\n"
            "Stop these e-mails: %(unsubscribe)s",
            body=announcement.tr("body", lang),
            settings=settings,
            unsubscribe=unsubscribe,
        )
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return Mail(visitor.email, subject, body, headers)


def push_message(announcement: Announcement, lang: str) -> dict:
    """The push payload in ``lang``: title, body, where it opens, and its tag."""
    return {
        "title": announcement.tr("title", lang),
        "body": announcement.tr("body", lang),
        "url": url_for("notifications.index"),
        "tag": f"announcement-{announcement.id}",
    }


def _push(announcement: Announcement, visitor: Visitor) -> None:
    message = push_message(announcement, recipient_language(visitor.locale))

    queue_push(
        visitor.id,
        message,
        _key(announcement, PUSH, "device"),
        urgent=announcement.urgent,
        batch=announcement.batch,
    )


def figures(announcement: Announcement) -> dict[str, dict[str, int]]:
    """``{channel: {queued, sent, failed, opened}}`` for the admin page."""
    from rally.jobs.deliveries import delivery_counts
    from rally.jobs.models import DeliveryState

    counts = delivery_counts(announcement.batch)
    result = {}
    for channel in ("mail", PUSH):
        result[channel] = {state.value: counts.get((channel, state), 0) for state in DeliveryState}
    opened = [value for _, value in _opened(announcement) if value is not None]
    told = announcement.recipients if announcement.sent_at else 0
    if announcement.sent_at and announcement.fanned_out_at is None:  # still reaching them
        from .signals import told_count_wanted

        told = sum(value for _, value in told_count_wanted.send(announcement) if value)
    result["inapp"] = {
        "queued": max(announcement.recipients - told, 0) if announcement.sent_at else 0,
        "sent": told,
        "failed": 0,
        "opened": sum(opened),
    }
    return result


def _opened(announcement: Announcement):
    from .signals import opened_count_wanted

    return opened_count_wanted.send(announcement)
