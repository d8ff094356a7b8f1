"""Residents, circles and posts for the moderation tests, made with the models."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from rally.circles.models import (
    CircleKind,
    CircleStaff,
)
from rally.extensions import db
from rally.moderation.models import Decision, Report
from rally.moderation.signals import decision_made
from rally.residents.models import Resident, ResidentBlock
from rally.threads.models import Post, PostState
from rally.ugc.models import HeldWord
from rally.ugc.text import render_post
from rally.utils import utcnow
from tests import factories

_n = itertools.count(1)


@pytest.fixture
def make_visitor(app):
    """A visitor account with a complete resident profile; ``verified``: a verified
    resident; ``age_days``: how old the account is."""

    def make(verified=False, age_days=0, profile=True):
        number = next(_n)
        return factories.create_visitor(
            app,
            email=f"mod{number}@example.jp",
            handle=f"resident{number}",
            display_name=f"住民{number}",
            profile=profile,
            verified=verified,
            created_at=utcnow() - timedelta(days=age_days),
        )

    return make


@pytest.fixture
def make_circle(app):
    def make(kind=CircleKind.members_only, name="子育てひろば"):
        return factories.create_circle(
            app, kind=kind, name={"ja": name, "en": "Hiroba"}, description={}, icon="🧸"
        )

    return make


@pytest.fixture
def add_member(app):
    def add(circle_id, visitor_id, moderator=False):
        factories.add_member(app, circle_id, visitor_id, moderator=moderator)

    return add


@pytest.fixture
def add_staff(app):
    def add(circle_id, user_id):
        with app.app_context():
            db.session.add(CircleStaff(circle_id=circle_id, user_id=user_id))
            db.session.commit()

    return add


@pytest.fixture
def make_post(app):
    def make(circle_id, author_id, text="公園で**遊ぼう**", state=PostState.visible, reason=""):
        with app.app_context():
            post = Post(
                circle_id=circle_id,
                author_id=author_id,
                text=text,
                html=str(render_post(text)),
                state=state,
                state_reason=reason,
            )
            db.session.add(post)
            db.session.commit()
            return post.id

    return make


@pytest.fixture
def told():
    """What ``decision_made`` announced: (action, subject_id, post_id, reason, undone)."""
    heard = []

    def receiver(decision, undone=False, **_kw):
        heard.append(
            (decision.action, decision.subject_id, decision.post_id, decision.reason, undone)
        )

    decision_made.connect(receiver)
    yield heard
    decision_made.disconnect(receiver)


def post_state(app, post_id):
    with app.app_context():
        post = db.session.get(Post, post_id)
        return post.state.value, post.state_reason


def rows(app, model):
    """Every row of a model as a tuple of its column values (to compare before/after)."""
    with app.app_context():
        columns = [c.key for c in model.__table__.columns]
        return [
            tuple(getattr(row, c) for c in columns)
            for row in db.session.scalars(select(model).order_by(*model.__table__.primary_key))
        ]


def snapshot(app):
    return tuple(rows(app, m) for m in (Post, Report, Decision, Resident, ResidentBlock, HeldWord))
