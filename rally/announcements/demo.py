"""Demo announcements: one sent (with its figures) and one scheduled for later.

Called by :func:`rally.demo.seed_demo`; idempotent (finds them by their Japanese title).
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from rally.auth.models import Role, User
from rally.extensions import db
from rally.i18n.content import texts_sql

from .models import Announcement, AnnouncementState, Audience
from .operations import AnnouncementInput, save
from .sending import claim_for_sending, fan_out

SENT = AnnouncementInput(
    title={"ja": "歳末スタンプラリー開催中", "en": "The year-end stamp rally is on"},
    body={
        "ja": "商店街の参加店でスタンプを集めて、景品に応募しましょう。",
        "en": "Collect stamps at the shops of the street and enter the prize draw.",
    },
    audience=Audience.everyone,
)
SCHEDULED = AnnouncementInput(
    title={"ja": "年末年始の営業について", "en": "Opening hours over the New Year"},
    body={
        "ja": "多くのお店が12月31日から1月3日までお休みします。",
        "en": "Many shops close from 31 December to 3 January.",
    },
    audience=Audience.everyone,
)


def _exists(title_ja: str) -> bool:
    query = select(Announcement.id).where(texts_sql(Announcement.title, "ja") == title_ja)
    return db.session.scalar(query) is not None


def seed_announcements(now: datetime) -> None:
    admin = db.session.scalar(select(User).where(User.role == Role.admin).order_by(User.id))
    if not _exists(SENT.title["ja"]):
        sent = save(admin, SENT, now - timedelta(minutes=5))
        sent.publish_at = now - timedelta(minutes=1)
        sent.state = AnnouncementState.scheduled  # due: sent just below, as a worker would
        db.session.flush()
        claimed = claim_for_sending(sent.id, now)
        if claimed is not None:
            fan_out(claimed)  # its mails and pushes go with the demo's commit
    if not _exists(SCHEDULED.title["ja"]):
        later = AnnouncementInput(**{**SCHEDULED.__dict__, "publish_at": now + timedelta(days=3)})
        save(admin, later, now)
    db.session.flush()
