"""Residents and circles for the tests, made with the models: one way to make each, which
the packages' fixtures (``make_visitor``, ``make_resident``, ``make_circle``, ``add_member``)
call with their own defaults, e-mail prefixes and handles."""

from rally.circles.models import Circle, CircleMember, CircleStatus, MemberState
from rally.extensions import db
from rally.residents.models import Resident
from rally.utils import utcnow
from rally.visitors.models import Visitor

PASSWORD = "long enough pw"


def create_visitor(
    app,
    *,
    email,
    handle,
    display_name,
    locale="ja",
    confirmed=True,
    profile=True,
    verified=False,
    created_at=None,
    last_seen_at=None,
    **resident,
):
    """A visitor account (``confirmed``: its e-mail address confirmed now) with, unless
    ``profile`` is false, a complete resident profile (``verified``: a verified resident;
    ``resident``: more of the profile's columns); ``created_at``/``last_seen_at`` are set
    only when given. Returns the visitor's id."""
    with app.app_context():
        visitor = Visitor(email=email, locale=locale)
        visitor.set_password(PASSWORD)
        visitor.verified_at = utcnow() if confirmed else None
        if created_at is not None:
            visitor.created_at = created_at
        if last_seen_at is not None:
            visitor.last_seen_at = last_seen_at
        db.session.add(visitor)
        db.session.flush()
        if profile:
            if verified:
                resident["resident_verified_at"] = utcnow()
            db.session.add(
                Resident(
                    visitor_id=visitor.id,
                    display_name=display_name,
                    handle=handle,
                    code_tries=0,
                    **resident,
                )
            )
        db.session.commit()
        return visitor.id


def _member(circle_id, visitor_id, state, moderator, joined_at):
    if joined_at is None and state is MemberState.member:
        joined_at = utcnow()
    return CircleMember(
        circle_id=circle_id,
        visitor_id=visitor_id,
        state=state,
        is_moderator=moderator,
        joined_at=joined_at,
    )


def create_circle(app, *, name, status=CircleStatus.active, members=(), **fields):
    """An active circle named ``name`` (a dict of languages) with ``fields`` (kind,
    description, icon, ...) and ``members`` (visitor ids, members since now). Returns its id."""
    with app.app_context():
        circle = Circle(status=status, name=name, **fields)
        db.session.add(circle)
        db.session.flush()
        for visitor_id in members:
            db.session.add(_member(circle.id, visitor_id, MemberState.member, False, None))
        db.session.commit()
        return circle.id


def add_member(
    app, circle_id, visitor_id, *, state=MemberState.member, moderator=False, joined_at=None
):
    """``visitor_id`` in the circle as ``state`` (a member since ``joined_at``, or now), a
    moderator if ``moderator``. Returns the membership's id."""
    with app.app_context():
        row = _member(circle_id, visitor_id, state, moderator, joined_at)
        db.session.add(row)
        db.session.commit()
        return row.id
