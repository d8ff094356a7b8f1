"""Residents, circles, areas and the queue's and push service's test helpers for the
announcement tests."""

import importlib.util
import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from rally.announcements import operations
from rally.announcements.models import Audience
from rally.areas.models import Area
from rally.auth.models import Role, User
from rally.circles.models import CircleKind
from rally.extensions import db
from rally.jobs.models import Delivery
from rally.mail import outbox
from rally.utils import utcnow
from tests import factories


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The job queue's helpers (tests/jobs/conftest.py): a flaky mail server, a queue the test
# runs, a real consumer.
_jobs = _load("jobs_test_helpers", Path(__file__).parents[1] / "jobs" / "conftest.py")
smtp = _jobs.smtp
queue = _jobs.queue
worker_app = _jobs.worker_app
Worker = _jobs.Worker

# The push tests' local push service that decrypts (tests/push).
from push.conftest import push_service, subscribe_device, vapid  # noqa: E402, F401

_n = itertools.count(1)


@pytest.fixture
def make_resident(app):
    """A resident with an account; returns the visitor id."""

    def make(locale="ja", area_id=None, verified=False, seen_days_ago=None, profile=True):
        number = next(_n)
        return factories.create_visitor(
            app,
            email=f"ann{number}@example.jp",
            handle=f"ann{number}",
            display_name=f"住民{number}",
            locale=locale,
            profile=profile,
            verified=verified,
            last_seen_at=None
            if seen_days_ago is None
            else utcnow() - timedelta(days=seen_days_ago),
            area_id=area_id,
        )

    return make


@pytest.fixture
def make_area(app):
    def make(name="下連雀"):
        with app.app_context():
            area = Area(name={"ja": name, "en": "Shimorenjaku"})
            db.session.add(area)
            db.session.commit()
            return area.id

    return make


@pytest.fixture
def make_circle(app):
    def make(name="子育てひろば", members=()):
        return factories.create_circle(
            app,
            kind=CircleKind.open,
            name={"ja": name, "en": "Hiroba"},
            description={"ja": "説明", "en": "About"},
            icon="🧸",
            members=members,
        )

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user(role=Role.admin)


@pytest.fixture
def announcer(auth, admin_user):
    """A back-office administrator's client."""
    return auth.new_client(admin_user)


def announcement_form(**kw) -> dict:
    data = {
        "title-ja": "夏祭りのお知らせ",
        "title-en": "Summer festival",
        "body-ja": "土曜日に夏祭りがあります。",
        "body-en": "The summer festival is on Saturday.",
        "audience": "everyone",
        "circle_id": "0",
        "area_id": "0",
        "campaign_id": "0",
        "publish_at": "",
        "banner_days": "7",
        "submit": "Save",
    }
    data.update(kw)
    return {key: value for key, value in data.items() if value is not None}


def mails_to(app, email: str):
    with app.app_context():
        return [m for m in outbox() if m["To"] == email]


def deliveries(app, channel=None):
    with app.app_context():
        query = select(Delivery).order_by(Delivery.id)
        if channel:
            query = query.where(Delivery.channel == channel)
        rows = list(db.session.scalars(query))
        for row in rows:
            db.session.expunge(row)
        return rows


def due_announcement(app, admin_user) -> int:
    """An announcement to everyone, saved as scheduled and now due; returns its id."""
    with app.app_context():
        data = operations.AnnouncementInput(
            title={"ja": "お知らせ"},
            body={"ja": "本文"},
            audience=Audience.everyone,
            publish_at=utcnow() + timedelta(hours=1),
        )
        announcement = operations.save(db.session.get(User, admin_user.id), data, utcnow())
        announcement.publish_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        return announcement.id
