"""Digest e-mails: each resident's unread notifications of the day or the week, gathered in
one message in their language, for the lines (announcements, each circle) they chose to
hear of daily or weekly.

Circles are heard of weekly by default; that default digest goes only to residents who
have not visited for :data:`AWAY_FROM` (7 days) and stops after :data:`AWAY_UNTIL` (180
days away): someone who comes by sees the notifications on the site, and someone gone for
half a year should not keep receiving mail they never asked for. A choice made on the
settings page is followed whatever the visits. Urgent notices are never in a digest: they
went out at once. Runs as Huey periodic tasks (each morning, and on Mondays for the week).
"""

from collections import defaultdict
from contextlib import nullcontext
from datetime import datetime, timedelta

from flask import current_app, has_app_context, has_request_context, url_for
from flask_babel import force_locale
from huey import crontab
from sqlalchemy import select

from rally.announcements.choices import ANNOUNCEMENTS_DEFAULT, CIRCLES_DEFAULT
from rally.announcements.models import Announcement, Frequency, NotificationChoice
from rally.circles.models import Circle
from rally.extensions import db
from rally.i18n import _, ngettext, recipient_language
from rally.jobs import deliver_mails, huey, site_request_context
from rally.mail import Mail
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .models import Notification
from .unsubscribe import digest_unsubscribe_token

AWAY_FROM = timedelta(days=7)
AWAY_UNTIL = timedelta(days=180)
PERIODS = {Frequency.daily: timedelta(days=1), Frequency.weekly: timedelta(days=7)}


def _choices(visitor_ids: set[int]) -> dict[tuple[int, int], Frequency]:
    rows = db.session.execute(
        select(
            NotificationChoice.visitor_id,
            NotificationChoice.circle_key,
            NotificationChoice.frequency,
        ).where(NotificationChoice.visitor_id.in_(visitor_ids))
    )
    return {(visitor_id, key): frequency for visitor_id, key, frequency in rows}


def _away(visitor: Visitor, now: datetime) -> bool:
    """Away long enough for the default weekly digest, and not too long."""
    seen = visitor.last_seen_at or visitor.created_at
    return now - AWAY_UNTIL < seen <= now - AWAY_FROM


def digests_due(period: Frequency, now: datetime) -> dict[int, list[Notification]]:
    """``{visitor id: [notifications]}`` for the digest of ``period`` at ``now``."""
    since = now - PERIODS[period]
    rows = list(
        db.session.execute(
            select(Notification, Announcement.urgent)
            .outerjoin(Announcement, Announcement.id == Notification.announcement_id)
            .where(Notification.read_at.is_(None), Notification.created_at > since)
            .order_by(Notification.visitor_id, Notification.created_at)
        )
    )
    if not rows:
        return {}
    visitor_ids = {row.visitor_id for row, _ in rows}
    chosen = _choices(visitor_ids)
    visitors = {
        v.id: v for v in db.session.scalars(select(Visitor).where(Visitor.id.in_(visitor_ids)))
    }
    due: dict[int, list[Notification]] = defaultdict(list)
    for row, urgent in rows:
        if urgent:
            continue
        key = row.circle_id or 0
        kept = chosen.get((row.visitor_id, key))
        default = CIRCLES_DEFAULT if row.circle_id else ANNOUNCEMENTS_DEFAULT
        frequency = kept or default
        if frequency is not period:
            continue
        if kept is None and not _away(visitors[row.visitor_id], now):
            continue  # the default digest: only for those away, and not too long
        due[row.visitor_id].append(row)
    return dict(due)


def digest_mail(visitor: Visitor, rows: list[Notification], period: Frequency) -> Mail:
    """The digest to ``visitor`` in their language."""
    lang = recipient_language(visitor.locale)
    announcements = {
        a.id: a
        for a in db.session.scalars(
            select(Announcement).where(
                Announcement.id.in_({r.announcement_id for r in rows if r.announcement_id})
            )
        )
    }
    circles = {
        c.id: c
        for c in db.session.scalars(
            select(Circle).where(Circle.id.in_({r.circle_id for r in rows if r.circle_id}))
        )
    }
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    with force_locale(lang):
        lines = []
        per_circle: dict[int, int] = defaultdict(int)
        others = 0
        for row in rows:
            if row.announcement_id in announcements:
                title = announcements[row.announcement_id].tr("title", lang)
                lines.append(_("Announcement: %(title)s", title=title))
            elif row.circle_id in circles:
                per_circle[row.circle_id] += 1
            else:
                others += 1
        for circle_id, count in per_circle.items():
            lines.append(
                ngettext(
                    "%(num)d new notification in %(circle)s",
                    "%(num)d new notifications in %(circle)s",
                    count,
                    circle=circles[circle_id].tr("name", lang),
                )
            )
        if others:
            lines.append(
                ngettext(
                    "%(num)d other new notification", "%(num)d other new notifications", others
                )
            )
        subject = _("Your daily digest") if period is Frequency.daily else _("Your weekly digest")
        unsubscribe = base + url_for(
            "notifications.digest_unsubscribe", token=digest_unsubscribe_token(visitor)
        )
        body = _(
            "%(lines)s\n\nRead them: %(link)s\nChoose how often you hear from us: %(settings)s\n"
            "Stop these digests: %(unsubscribe)s",
            lines="\n".join(f"• {line}" for line in lines),
            link=base + url_for("notifications.index"),
            settings=base + url_for("announcements.settings"),
            unsubscribe=unsubscribe,
        )
    # RFC 8058: a mail client's "unsubscribe" button POSTs the link, without a log-in.
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return Mail(visitor.email, subject, body, headers)


def send_digests(period: Frequency, now: datetime) -> int:
    """Queue this period's digests (one per resident, once per day: the key decides);
    how many were new."""
    due = digests_due(period, now)
    if not due:
        return 0
    visitors = db.session.scalars(select(Visitor).where(Visitor.id.in_(set(due)))).all()
    day = now.date().isoformat()
    with site_request_context():
        pairs = [
            (
                digest_mail(visitor, due[visitor.id], period),
                f"digest:{period.value}:{day}:{visitor.id}",
                visitor.id,
            )
            for visitor in visitors
        ]
    count = deliver_mails(pairs, batch=f"digest:{period.value}:{day}")
    db.session.commit()
    return count


def mail_right_away(rows: list[Notification]) -> int:
    """Queue an e-mail for each new notification about a circle whose recipient chose to
    hear of that circle right away (the default is the weekly digest); how many."""
    about_circles = [row for row in rows if row.circle_id]
    if not about_circles:
        return 0
    chosen = _choices({row.visitor_id for row in about_circles})
    wanted = [
        row
        for row in about_circles
        if chosen.get((row.visitor_id, row.circle_id)) is Frequency.realtime
    ]
    if not wanted:
        return 0
    visitors = {
        v.id: v
        for v in db.session.scalars(
            select(Visitor).where(Visitor.id.in_({row.visitor_id for row in wanted}))
        )
    }
    circles = {
        c.id: c
        for c in db.session.scalars(
            select(Circle).where(Circle.id.in_({row.circle_id for row in wanted}))
        )
    }
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    pairs = []
    # In a request, its own; in a job or a command, one at the site's address.
    with nullcontext() if has_request_context() else site_request_context():
        for row in wanted:
            visitor = visitors[row.visitor_id]
            lang = recipient_language(visitor.locale)
            with force_locale(lang):
                circle = circles[row.circle_id].tr("name", lang)
                subject = _("New in %(circle)s", circle=circle)
                body = _(
                    "There is something new for you in %(circle)s.\n\nRead it: %(link)s\n"
                    "Choose how often you hear from us: %(settings)s",
                    circle=circle,
                    link=base + url_for("notifications.index"),
                    settings=base + url_for("announcements.settings"),
                )
            pairs.append((Mail(visitor.email, subject, body), f"notification:{row.id}", visitor.id))
    return deliver_mails(pairs)


def _run(period: Frequency) -> None:
    app = current_app._get_current_object() if has_app_context() else huey.binding().app
    if app is None:
        return
    with app.app_context():
        send_digests(period, utcnow())


# Mornings in Japan (23:00 UTC): each day, and on Mondays for the week.
@huey.periodic_task(crontab(minute="0", hour="23"))
def daily_digest() -> None:
    _run(Frequency.daily)


@huey.periodic_task(crontab(minute="5", hour="23", day_of_week="0"))
def weekly_digest() -> None:
    _run(Frequency.weekly)
