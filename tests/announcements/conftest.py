"""Residents, circles, areas and the queue's and push service's test helpers for the
announcement tests."""

import importlib.util
import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from rally.areas.models import Area
from rally.auth.models import Role
from rally.circles.models import Circle, CircleKind, CircleMember, CircleStatus, MemberState
from rally.extensions import db
from rally.jobs.models import Delivery
from rally.mail import outbox
from rally.residents.models import Resident
from rally.utils import utcnow
from rally.visitors.models import Visitor


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
        with app.app_context():
            number = next(_n)
            visitor = Visitor(email=f"ann{number}@example.jp", locale=locale)
            visitor.set_password("long enough pw")
            visitor.verified_at = utcnow()
            if seen_days_ago is not None:
                visitor.last_seen_at = utcnow() - timedelta(days=seen_days_ago)
            db.session.add(visitor)
            db.session.flush()
            if profile:
                db.session.add(
                    Resident(
                        visitor_id=visitor.id,
                        display_name=f"住民{number}",
                        handle=f"ann{number}",
                        code_tries=0,
                        area_id=area_id,
                        resident_verified_at=utcnow() if verified else None,
                    )
                )
            db.session.commit()
            return visitor.id

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
        with app.app_context():
            circle = Circle(
                kind=CircleKind.open,
                status=CircleStatus.active,
                name={"ja": name, "en": "Hiroba"},
                description={"ja": "説明", "en": "About"},
                icon="🧸",
            )
            db.session.add(circle)
            db.session.flush()
            for visitor_id in members:
                db.session.add(
                    CircleMember(
                        circle_id=circle.id,
                        visitor_id=visitor_id,
                        state=MemberState.member,
                        joined_at=utcnow(),
                    )
                )
            db.session.commit()
            return circle.id

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
