"""Messages delivered by the queue: queued once per key, retried with back-off on a
temporary failure, never sent again once sent, and shown to admins when they finally fail.

A request (or a command, or another job) calls :func:`deliver_mail` and commits: the
:class:`~rally.jobs.models.Delivery` row and the job that sends it come into being with the
commit, never without it. The job (:func:`deliver`) claims the row with one conditional
``UPDATE`` (so two workers never send one message at once), sends, and records the outcome:

* sent: ``state = sent``; any later run of the same job finds it sent and does nothing;
* a temporary failure (the mail server unreachable, a 4xx answer): tried again after
  ``RALLY_JOB_RETRY_DELAYS`` seconds (30 s, 2 min, 10 min), then ``failed``;
* a permanent failure (a 5xx answer, an unexpected error): ``failed`` at once.

A failed delivery is listed on /admin/jobs with its error; :func:`retry_delivery` queues it
again. A worker that dies while sending leaves its claim to run out (:data:`CLAIM_LEASE`),
so the message can go again: at least once, and once as far as the queue knows.
"""

import smtplib
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from huey import crontab
from huey.exceptions import RetryTask
from sqlalchemy import and_, delete, func, null, or_, select, update

from rally import mail as mailer
from rally.database import insert_for
from rally.extensions import db
from rally.mail import Mail
from rally.pagination import paginate
from rally.utils import utcnow

from .models import Delivery, DeliveryState
from .queue import enqueue_on_commit, huey, job

MAIL = "mail"
CLAIM_LEASE = timedelta(minutes=10)  # longer than any send: a mail server times out in 10 s
# A delivery queued this long ago and not sent shows on /admin/jobs beside the failed ones.
STALLED_AFTER = timedelta(hours=1)
STALLED_SHOWN = 50
# Mails sent over one connection by one job: connecting, STARTTLS and logging in take up
# to a second each; a server's cap per connection is met by reconnecting (rally.mail).
MAILS_PER_JOB = 50

_senders: dict[str, Callable[[dict], None]] = {}


def register_channel(channel: str, sender: Callable[[dict], None]) -> None:
    """Let :func:`deliver` send ``channel``'s deliveries with ``sender(payload)``, which
    raises on failure (``OSError`` and ``smtplib.SMTPException`` count as temporary)."""
    _senders[channel] = sender


def _send_mail_payload(payload: dict) -> None:
    mailer.send_mail(payload["to"], payload["subject"], payload["body"], payload.get("headers"))


register_channel(MAIL, _send_mail_payload)


def _record(
    key: str, channel: str, payload: dict, visitor_id: int | None, batch: str | None
) -> bool:
    """Insert the delivery ``key`` unless it exists (the unique key decides)."""
    if channel not in _senders:
        raise ValueError(f"No sender for the channel {channel!r}.")
    now = utcnow()
    inserted = db.session.scalar(
        insert_for(Delivery)
        .values(
            key=key,
            channel=channel,
            batch=batch,
            visitor_id=visitor_id,
            state=DeliveryState.queued,
            attempts=0,
            last_error="",
            payload=payload,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Delivery.id)
    )
    return inserted is not None


def queue_delivery(
    key: str,
    channel: str,
    payload: dict,
    *,
    visitor_id: int | None = None,
    batch: str | None = None,
) -> bool:
    """Record a delivery and queue its job for when the session commits; a key already
    recorded (asked again, by anyone) queues nothing. Whether this call queued it.

    :param key: names the message once and for all (``"password-reset:<uuid>"``,
        ``"lottery-winner:<lottery>:<entry>"``): the unique constraint on it decides.
    :param channel: a channel given to :func:`register_channel` (``"mail"``).
    :param payload: what the channel's sender needs, as JSON.
    :param visitor_id: the recipient's visitor account, if any.
    :param batch: what the delivery belongs to, for counting (``"announcement:12"``).
    """
    if not _record(key, channel, payload, visitor_id, batch):
        return False
    enqueue_on_commit(db.session, deliver, key)
    return True


def _mail_payload(mail: Mail) -> dict:
    payload = {"to": mail.to, "subject": mail.subject, "body": mail.body}
    if mail.headers:
        payload["headers"] = dict(mail.headers)
    return payload


def deliver_mail(
    mail: Mail, key: str, *, visitor_id: int | None = None, batch: str | None = None
) -> bool:
    """Queue ``mail`` (already written in its reader's language) once per ``key``; it is
    sent after the commit by a worker. Whether this call queued it (see
    :func:`queue_delivery`)."""
    return queue_delivery(key, MAIL, _mail_payload(mail), visitor_id=visitor_id, batch=batch)


def deliver_mails(
    pairs: Iterable[tuple[Mail, str] | tuple[Mail, str, int | None]],
    *,
    batch: str | None = None,
) -> int:
    """Queue each ``(mail, key)`` (or ``(mail, key, visitor id)``) once per key, as
    :func:`deliver_mail` does, to be sent :data:`MAILS_PER_JOB` at a time over one
    connection to the mail server (one that fails is retried on its own). How many were
    new.

    :param batch: what they belong to, for counting (``"lottery:3"``).
    """
    keys = []
    for mail, key, *visitor in pairs:
        if _record(key, MAIL, _mail_payload(mail), visitor[0] if visitor else None, batch):
            keys.append(key)
    for start in range(0, len(keys), MAILS_PER_JOB):
        enqueue_on_commit(db.session, deliver_mail_batch, keys[start : start + MAILS_PER_JOB])
    return len(keys)


# --- The job -----------------------------------------------------------------------------


def claim_delivery(key: str, now: datetime) -> Delivery | None:
    """The queued delivery ``key``, claimed for this worker until ``now`` +
    :data:`CLAIM_LEASE` with its attempt counted (one conditional ``UPDATE``), or ``None``:
    sent already, failed, unknown, or claimed by another worker."""
    claimed = db.session.execute(
        update(Delivery)
        .where(
            Delivery.key == key,
            Delivery.state == DeliveryState.queued,
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
        )
        .values(attempts=Delivery.attempts + 1, claimed_until=now + CLAIM_LEASE, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    return db.session.scalar(
        select(Delivery).where(Delivery.key == key).execution_options(populate_existing=True)
    )


def record_sent(delivery: Delivery, now: datetime) -> None:
    """``delivery`` went out: never again. Its payload (a link, a text) is let go."""
    delivery.state = DeliveryState.sent
    delivery.sent_at = delivery.updated_at = now
    delivery.claimed_until = None
    delivery.payload = None
    db.session.flush()


def temporary(error: BaseException) -> bool:
    """Whether trying again later may succeed: the server unreachable or busy (4xx), not a
    refusal for good (5xx) nor a fault of ours."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < 500
    return isinstance(error, OSError | smtplib.SMTPException)


def record_failure(delivery: Delivery, error: BaseException, now: datetime) -> float | None:
    """Note ``error`` on ``delivery``; answer the seconds to wait before the next try, or
    ``None`` when it has failed for good (a permanent error, or no tries left)."""
    delays = current_app.config["RALLY_JOB_RETRY_DELAYS"]
    delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
    delivery.claimed_until = None
    delivery.updated_at = now
    if temporary(error) and delivery.attempts <= len(delays):
        db.session.flush()
        return float(delays[delivery.attempts - 1])
    delivery.state = DeliveryState.failed
    db.session.flush()
    return None


@job()
def deliver(key: str) -> None:
    """Send the delivery ``key`` if it is still to be sent; a temporary failure asks Huey
    to run this again after the back-off (:func:`record_failure`)."""
    delivery = claim_delivery(key, utcnow())
    if delivery is None:
        db.session.rollback()
        return
    channel, payload = delivery.channel, delivery.payload or {}
    db.session.commit()  # the claim stands, and no transaction waits on the mail server
    try:
        _senders[channel](payload)
    except Exception as error:  # recorded: a failure is shown to admins, never lost
        current_app.logger.warning("Delivery %s failed: %s", key, error)
        delay = record_failure(delivery, error, utcnow())
        db.session.commit()
        if delay is not None:
            # No delay: Huey queues it again at once (and immediate mode runs it at once).
            raise RetryTask(delay=delay) if delay > 0 else RetryTask() from error
        return
    record_sent(delivery, utcnow())
    db.session.commit()


@job()
def deliver_mail_batch(keys: list[str]) -> None:
    """Send the mail deliveries ``keys`` still to be sent over one connection; each that
    fails for a passing reason is tried again on its own (:func:`deliver`) after its
    back-off."""
    now = utcnow()
    claimed = [d for d in (claim_delivery(key, now) for key in keys) if d is not None]
    mails = [Mail(**(delivery.payload or {})) for delivery in claimed]
    db.session.commit()  # the claims stand, and no transaction waits on the mail server
    if not claimed:
        return
    outcomes = mailer.send_each(mails)
    now = utcnow()
    for delivery, error in zip(claimed, outcomes, strict=True):
        if error is None:
            record_sent(delivery, now)
            continue
        delay = record_failure(delivery, error, now)
        if delay is not None:
            enqueue_on_commit(db.session, deliver, delivery.key, delay=delay)
    db.session.commit()


# --- The admins' view ------------------------------------------------------------------


def _stalled(now: datetime):
    """Queued long ago, and no worker holds it: its job was lost (the queue's storage
    failed after the commit) or no worker runs."""
    return and_(
        Delivery.state == DeliveryState.queued,
        Delivery.updated_at < now - STALLED_AFTER,
        or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
    )


def failed_page(page: int, per_page: int):
    """One page of the deliveries that finally failed, the latest first (see
    :func:`rally.pagination.paginate`)."""
    query = (
        select(Delivery)
        .where(Delivery.state == DeliveryState.failed)
        .order_by(Delivery.updated_at.desc(), Delivery.id.desc())
    )
    return paginate(query, page, per_page)


def stalled_deliveries(now: datetime, limit: int = STALLED_SHOWN) -> list[Delivery]:
    """Deliveries queued longer than :data:`STALLED_AFTER` without being sent, oldest
    first."""
    return list(
        db.session.scalars(
            select(Delivery)
            .where(_stalled(now))
            .order_by(Delivery.updated_at, Delivery.id)
            .limit(limit)
        )
    )


def failed_count() -> int:
    """How many deliveries finally failed (the back office's badge)."""
    return db.session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.state == DeliveryState.failed)
    )


def retry_delivery(delivery_id: int, now: datetime) -> bool:
    """Queue a failed (or stalled) delivery again, with its tries counted anew, once the
    session commits; whether it was waiting for that. One conditional ``UPDATE`` decides:
    a second click finds it queued and does nothing.

    :param delivery_id: the delivery's id.
    :param now: the time of the request (naive UTC).
    """
    key = db.session.scalar(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            or_(Delivery.state == DeliveryState.failed, _stalled(now)),
            Delivery.payload.is_not(None),  # pruned (prune_deliveries): nothing to send
        )
        .values(state=DeliveryState.queued, attempts=0, claimed_until=None, updated_at=now)
        .returning(Delivery.key)
        .execution_options(synchronize_session=False)
    )
    if key is None:
        return False
    enqueue_on_commit(db.session, deliver, key)
    return True


def forget_recipient(visitor_id: int) -> int:
    """An erased account is sent nothing more and its messages' texts are not kept: its
    deliveries not sent yet are dropped (their jobs then find nothing to send). How many."""
    return db.session.execute(
        delete(Delivery)
        .where(Delivery.visitor_id == visitor_id, Delivery.state != DeliveryState.sent)
        .execution_options(synchronize_session=False)
    ).rowcount


def delivery_counts(batch: str) -> dict[tuple[str, DeliveryState], int]:
    """``{(channel, state): count}`` of ``batch``'s deliveries."""
    rows = db.session.execute(
        select(Delivery.channel, Delivery.state, func.count())
        .where(Delivery.batch == batch)
        .group_by(Delivery.channel, Delivery.state)
    )
    return {(channel, state): count for channel, state, count in rows}


# --- Pruning ---------------------------------------------------------------------------

#: Days a delivery is kept once sent or failed (``flask --app rally jobs prune --days``).
KEEP_DAYS = 90


def prune_deliveries(now: datetime, days: int = KEEP_DAYS) -> tuple[int, int]:
    """Let old deliveries go: those sent more than ``days`` ago are deleted, unless they belong to
    a batch (an announcement's figures count its rows: they stay, their payload long
    cleared), and those that failed more than ``days`` ago lose their payload (a reset link,
    an address, a text must not linger) but stay listed for the admins, without a Retry
    (nothing is left to send). Queued ones are left alone, however old: a worker may still
    send them. Answers ``(deleted, cleared)``; running it again changes nothing more.

    :param now: the time the ages are counted from.
    :param days: the age in days (measured on ``updated_at``, the last try); at least 1.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    before = now - timedelta(days=days)
    deleted = db.session.execute(
        delete(Delivery)
        .where(
            Delivery.state == DeliveryState.sent,
            Delivery.updated_at < before,
            Delivery.batch.is_(None),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    cleared = db.session.execute(
        update(Delivery)
        .where(
            Delivery.state == DeliveryState.failed,
            Delivery.updated_at < before,
            Delivery.payload.is_not(None),
        )
        # SQL NULL (not JSON's null), so "IS NULL" finds what was cleared.
        .values(payload=null())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    return deleted, cleared


@huey.periodic_task(crontab(minute="30", hour="18"))
def prune_old_deliveries() -> None:
    """Each night (03:30 in Tokyo), as ``jobs prune`` does, keeping
    ``RALLY_DELIVERY_KEEP_DAYS`` (90) days."""
    app = current_app._get_current_object() if has_app_context() else huey.binding().app
    if app is None:
        return
    with app.app_context():
        prune_deliveries(utcnow(), int(app.config.get("RALLY_DELIVERY_KEEP_DAYS", KEEP_DAYS)))
        db.session.commit()
