"""Residents, circles and posts for the tests of reactions, pins and unread counts."""

import itertools
from datetime import datetime

import pytest
from sqlalchemy import event, func, select

from rally.circles.models import CircleKind, CircleStatus, MemberState
from rally.extensions import db
from rally.threads.models import Pin, Post, PostState, Reaction, ReadMark
from rally.utils import utcnow
from tests import factories

_n = itertools.count(1)


@pytest.fixture
def make_visitor(app):
    """A visitor account with a complete resident profile (``profile=False``: none)."""

    def make(profile=True, confirmed=True, name=None, **resident):
        number = next(_n)
        return factories.create_visitor(
            app,
            email=f"engage{number}@example.jp",
            handle=f"engage{number}",
            display_name=name or f"住民{number}",
            profile=profile,
            confirmed=confirmed,
            **resident,
        )

    return make


@pytest.fixture
def make_circle(app):
    def make(kind=CircleKind.open, status=CircleStatus.active):
        return factories.create_circle(
            app, kind=kind, status=status, name={"ja": "まちの情報", "en": "Town notes"}, icon="📣"
        )

    return make


@pytest.fixture
def add_member(app):
    def add(circle_id, visitor_id, moderator=False, joined_at=None, state=MemberState.member):
        factories.add_member(
            app,
            circle_id,
            visitor_id,
            state=state,
            moderator=moderator,
            joined_at=joined_at or datetime(2026, 1, 1),
        )

    return add


@pytest.fixture
def make_post(app):
    """A thread's first post (``thread_id`` None) or a reply; returns its id."""

    def make(circle_id, author_id=None, thread_id=None, state=PostState.visible, created_at=None):
        with app.app_context():
            post = Post(
                circle_id=circle_id,
                thread_id=thread_id,
                author_id=author_id,
                text="こんにちは",
                html="<p>こんにちは</p>",
                state=state,
                created_at=created_at or utcnow(),
            )
            db.session.add(post)
            db.session.commit()
            return post.id

    return make


@pytest.fixture
def world(make_visitor, make_circle, add_member, make_post):
    """An open circle with a member, a moderator and a thread by the moderator."""
    circle = make_circle()
    member = make_visitor(name="花子")
    moderator = make_visitor(name="まちの係")
    outsider = make_visitor()
    add_member(circle, member)
    add_member(circle, moderator, moderator=True)
    thread = make_post(circle, moderator)
    return {
        "circle": circle,
        "member": member,
        "moderator": moderator,
        "outsider": outsider,
        "thread": thread,
    }


def rows(app, model, **where):
    """How many rows of ``model`` match ``where`` (column=value)."""
    with app.app_context():
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return db.session.scalar(query)


def reactions(app):
    with app.app_context():
        found = db.session.execute(
            select(Reaction.post_id, Reaction.visitor_id, Reaction.emoji).order_by(Reaction.id)
        )
        return [tuple(row) for row in found]


def pins(app):
    with app.app_context():
        return [(p.post_id, p.until) for p in db.session.scalars(select(Pin).order_by(Pin.id))]


def marks(app):
    with app.app_context():
        found = db.session.scalars(select(ReadMark).order_by(ReadMark.id))
        return [(m.visitor_id, m.thread_id, m.last_post_id) for m in found]


class CountQueries:
    """Counts the statements sent to the database inside a ``with`` block."""

    def __init__(self):
        self.statements = []

    def _seen(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN")):
            self.statements.append(statement)

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._seen)

    @property
    def count(self):
        return len(self.statements)
