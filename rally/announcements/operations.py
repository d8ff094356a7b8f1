"""Writing, scheduling, sending and cancelling announcements; urgent notices; disaster
mode; residents' choices and the signed one-click unsubscribe.

An announcement goes out once: :func:`claim_for_sending` turns it from scheduled to sent
with one conditional ``UPDATE ... WHERE state = 'scheduled' AND publish_at <= now``, in
the job that fans it out (:mod:`.sending`), so a second job, the periodic check and a
double click find it sent and do nothing. Each message of it is a
:class:`~rally.jobs.models.Delivery` with a key of its own (announcement, channel,
recipient or device): queued once, sent once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from rally.auth.models import Role
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.jobs import enqueue_on_commit

from .audience import recipient_count
from .choices import (  # noqa: F401 (the views' one import)
    ANNOUNCEMENTS_DEFAULT,
    CIRCLES_DEFAULT,
    choices,
    choose,
    read_unsubscribe_token,
    unsubscribe,
    unsubscribe_token,
)
from .models import (
    URGENT_MAX,
    Announcement,
    AnnouncementState,
    Audience,
    DisasterMode,
)
from .sending import send_announcement

# The in-app banner shows this long unless the announcement says otherwise.
BANNER_DAYS = 7


class AnnouncementError(RallyError):
    """An announcement step that cannot go ahead; ``code`` says why."""


@dataclass(frozen=True)
class AnnouncementInput:
    """What the back office's form gives."""

    title: dict[str, str]
    body: dict[str, str]
    audience: Audience
    target_id: int | None = None
    urgent: bool = False
    # None: kept as a draft; else sent at that time (naive UTC).
    publish_at: datetime | None = None
    banner_days: int = BANNER_DAYS


def _check(user, data: AnnouncementInput) -> None:
    if data.urgent:
        if user is None or user.role is not Role.admin:
            raise AnnouncementError(
                _l("Only the association's administrators may send urgent notices."),
                code="urgent_admins_only",
                status=403,
            )
        if any(len(text) > URGENT_MAX for text in data.body.values()):
            raise AnnouncementError(
                _l("An urgent notice may be at most %(max)d characters long.", max=URGENT_MAX),
                code="urgent_too_long",
            )
    if not data.title or not data.body:
        raise AnnouncementError(
            _l("Please write a title and a text in at least one language."), code="empty"
        )
    if data.audience is not Audience.everyone and data.audience is not Audience.verified:
        if data.target_id is None:
            raise AnnouncementError(
                _l("Please choose whom the announcement is for."), code="no_target"
            )


def save(
    user, data: AnnouncementInput, now: datetime, announcement: Announcement | None = None
) -> Announcement:
    """Create or change a draft or scheduled announcement; with ``publish_at`` it is
    scheduled and its job queued (with the session's commit) for that time.

    :param user: the back-office user (urgent notices: administrators only).
    :raise AnnouncementError: ``urgent_admins_only`` (403), ``urgent_too_long``, ``empty``,
        ``no_target``, ``not_editable`` (409: sent or cancelled already).
    """
    _check(user, data)
    if announcement is None:
        announcement = Announcement(author_id=user.id if user else None)
        db.session.add(announcement)
    elif not announcement.editable:
        raise AnnouncementError(
            _l("This announcement was sent or cancelled: it can no longer change."),
            code="not_editable",
            status=409,
        )
    announcement.title = data.title
    announcement.body = data.body
    announcement.audience = data.audience
    announcement.target_id = (
        None if data.audience in (Audience.everyone, Audience.verified) else data.target_id
    )
    announcement.urgent = data.urgent
    announcement.publish_at = data.publish_at
    start = data.publish_at or now
    announcement.banner_until = start + timedelta(days=max(1, data.banner_days))
    announcement.state = (
        AnnouncementState.draft if data.publish_at is None else AnnouncementState.scheduled
    )
    db.session.flush()
    if announcement.state is AnnouncementState.scheduled:
        _queue_send(announcement, now)
    return announcement


def _queue_send(announcement: Announcement, now: datetime) -> None:
    delay = max(0.0, (announcement.publish_at - now).total_seconds())
    enqueue_on_commit(db.session, send_announcement, announcement.id, delay=delay)


def send_now(announcement: Announcement, now: datetime) -> None:
    """Send a draft or scheduled announcement at once (its job fans it out after the
    commit).

    :raise AnnouncementError: ``not_editable`` (409) when it is sent or cancelled already.
    """
    changed = db.session.execute(
        update(Announcement)
        .where(
            Announcement.id == announcement.id,
            Announcement.state.in_([AnnouncementState.draft, AnnouncementState.scheduled]),
        )
        .values(state=AnnouncementState.scheduled, publish_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise AnnouncementError(
            _l("This announcement was sent or cancelled already."), code="not_editable", status=409
        )
    db.session.refresh(announcement)
    _queue_send(announcement, now)


def cancel(announcement: Announcement) -> None:
    """Cancel a scheduled (or draft) announcement before it goes out.

    :raise AnnouncementError: ``not_editable`` (409) when it was sent (or cancelled).
    """
    changed = db.session.execute(
        update(Announcement)
        .where(
            Announcement.id == announcement.id,
            Announcement.state.in_([AnnouncementState.draft, AnnouncementState.scheduled]),
        )
        .values(state=AnnouncementState.cancelled)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise AnnouncementError(
            _l("This announcement was sent or cancelled already."), code="not_editable", status=409
        )
    db.session.refresh(announcement)


def preview_count(audience: Audience, target_id: int | None) -> int:
    """How many residents an announcement with this audience would reach now."""
    return recipient_count(audience, target_id)


def page(page_number: int, per_page: int):
    from rally.pagination import paginate

    query = select(Announcement).order_by(Announcement.created_at.desc(), Announcement.id.desc())
    return paginate(query, page_number, per_page)


# --- Disaster mode -----------------------------------------------------------------------


def disaster_row() -> DisasterMode | None:
    return db.session.get(DisasterMode, 1)


def start_disaster_mode(user, message: dict[str, str], now: datetime) -> DisasterMode:
    """Turn disaster mode on (or change its message) with ``message`` in the languages.

    :raise AnnouncementError: ``admins_only`` (403), ``empty``.
    """
    if user is None or user.role is not Role.admin:
        raise AnnouncementError(
            _l("Only the association's administrators may do this."), code="admins_only", status=403
        )
    if not message:
        raise AnnouncementError(_l("Please write the banner's message."), code="empty")
    if any(len(text) > 200 for text in message.values()):
        raise AnnouncementError(
            _l("The banner's message may be at most %(max)d characters long.", max=200),
            code="too_long",
        )
    row = disaster_row()
    if row is None:
        row = DisasterMode(id=1, version=0)
        db.session.add(row)
    row.message = message
    row.started_at = now
    row.ended_at = None
    row.started_by_id = user.id
    row.version = (row.version or 0) + 1
    db.session.flush()
    return row


def end_disaster_mode(user, now: datetime) -> bool:
    """Turn disaster mode off; whether it was on.

    :raise AnnouncementError: ``admins_only`` (403).
    """
    if user is None or user.role is not Role.admin:
        raise AnnouncementError(
            _l("Only the association's administrators may do this."), code="admins_only", status=403
        )
    changed = db.session.execute(
        update(DisasterMode)
        .where(DisasterMode.id == 1, DisasterMode.ended_at.is_(None))
        .values(ended_at=now, version=DisasterMode.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def active_disaster_message() -> dict[str, str] | None:
    """The banner's message while disaster mode is on, else None (one primary-key read)."""
    row = db.session.execute(
        select(DisasterMode.message, DisasterMode.started_at, DisasterMode.ended_at).where(
            DisasterMode.id == 1
        )
    ).first()
    if row is None or row.started_at is None or row.ended_at is not None:
        return None
    return dict(row.message)


# --- Lists for the pages -----------------------------------------------------------------


def audience_targets() -> dict[str, list[tuple[int, str]]]:
    """The circles, areas and campaigns an announcement may be for, ``(id, name)``."""
    from rally.areas.models import Area
    from rally.campaigns.models import Campaign
    from rally.circles.models import Circle

    return {
        "circle": [
            (c.id, c.tr("name")) for c in db.session.scalars(select(Circle).order_by(Circle.id))
        ],
        "area": [
            (a.id, a.tr("name"))
            for a in db.session.scalars(select(Area).order_by(Area.position, Area.id))
        ],
        "campaign": [
            (c.id, c.tr("title"))
            for c in db.session.scalars(select(Campaign).order_by(Campaign.id.desc()))
        ],
    }


def member_circles(visitor_id: int):
    """The circles a resident is a member of (a line each on the choices page)."""
    from rally.circles.models import Circle, CircleMember, MemberState

    return list(
        db.session.scalars(
            select(Circle)
            .join(CircleMember, CircleMember.circle_id == Circle.id)
            .where(CircleMember.visitor_id == visitor_id, CircleMember.state == MemberState.member)
            .order_by(Circle.id)
        )
    )


def target_name(announcement: Announcement) -> str:
    """The circle's, area's or campaign's name an announcement is for ("" for the others)."""
    if announcement.target_id is None:
        return ""
    names = dict(audience_targets().get(announcement.audience.value, []))
    return names.get(announcement.target_id, "")
