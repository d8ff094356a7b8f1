"""Volunteer staff: residents, circles and events to give roles for, and a clock."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from rally.auth.models import Role
from rally.extensions import db
from rally.roles import operations
from rally.roles.models import RoleKind, RoleLog, StaffRole
from rally.utils import utcnow
from tests.news.conftest import make_event  # noqa: F401 (a fixture)
from tests.threads.conftest import make_circle, make_visitor, write  # noqa: F401

EN = {"Accept-Language": "en"}
TOKYO = ZoneInfo("Asia/Tokyo")
# A day far from today, so the tests never depend on when they run.
DAY = date(2031, 3, 10)


def at(day: date, clock: time = time(12, 0)) -> datetime:
    """The moment ``clock`` o'clock in Tokyo on ``day``, as the naive UTC the code stores."""
    return datetime.combine(day, clock, TOKYO).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def clock(monkeypatch):
    """Sets the moment rally.roles takes as now (``holds`` and the pages ask it)."""

    def set_now(moment: datetime):
        monkeypatch.setattr("rally.roles.operations.utcnow", lambda: moment)

    return set_now


@pytest.fixture
def admin_id(make_user):
    return make_user(role=Role.admin, email="chair@example.jp").id


@pytest.fixture
def grant(app):
    """Grant a role through the operation (committed); returns its id."""

    def give(visitor_id, kind=RoleKind.town_office_staff, starts=DAY, ends=None, **kw):
        with app.app_context():
            email = db.session.get(operations.Visitor, visitor_id).email
            data = operations.RoleInput(
                who=email,
                kind=kind,
                starts_on=starts,
                ends_on=ends or starts + timedelta(days=3),
                **kw,
            )
            role = operations.grant_role(data, None, utcnow())
            db.session.commit()
            return role.id

    return give


@pytest.fixture
def counts(app):
    """(roles, log rows): a refusal must leave both as they were."""

    def read():
        with app.app_context():
            return (
                db.session.scalar(select(func.count()).select_from(StaffRole)),
                db.session.scalar(select(func.count()).select_from(RoleLog)),
            )

    return read
