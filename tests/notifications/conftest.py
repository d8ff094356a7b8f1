"""Residents, circles, posts, reactions and decisions built with the models directly; the
signals sent as the rooms that own them send them."""

import itertools

import pytest
from sqlalchemy import select

from rally.circles.models import CircleKind
from rally.extensions import db
from rally.moderation.models import Decision
from rally.moderation.signals import decision_made
from rally.notifications.models import Notification
from rally.residents.models import BlockKind, ResidentBlock
from rally.threads.models import Post, PostState, Reaction
from rally.threads.signals import post_published, reaction_added
from rally.ugc.text import render_post
from rally.utils import utcnow
from tests import factories

_n = itertools.count(1)


@pytest.fixture
def make_resident(app):
    """A resident (confirmed e-mail, complete profile) named ``name``; returns the id."""

    def make(name=None, locale="ja"):
        number = next(_n)
        return factories.create_visitor(
            app,
            email=f"notify{number}@example.jp",
            handle=f"notify{number}",
            display_name=name or f"住民{number}",
            locale=locale,
        )

    return make


@pytest.fixture
def make_circle(app):
    def make(kind=CircleKind.open, name="子育てひろば", name_en="Child-raising Hiroba"):
        return factories.create_circle(
            app,
            kind=kind,
            name={"ja": name, "en": name_en},
            description={"ja": "説明"},
            icon="🧸",
        )

    return make


@pytest.fixture
def make_post(app):
    """A visible post (a thread's first post, or a reply with ``thread_id``), not announced."""

    def make(circle_id, author_id, text="公園の掃除をします", thread_id=None, state=None):
        with app.app_context():
            post = Post(
                circle_id=circle_id,
                author_id=author_id,
                thread_id=thread_id,
                text=text,
                html=str(render_post(text)),
                state=state or PostState.visible,
            )
            db.session.add(post)
            db.session.commit()
            return post.id

    return make


@pytest.fixture
def publish(app):
    """Announce a post as the threads room does: ``post_published`` with its mentions."""

    def send(post_id, mentioned=()):
        with app.app_context():
            post_published.send(db.session.get(Post, post_id), mentioned=set(mentioned))
            db.session.commit()

    return send


@pytest.fixture
def react(app):
    """A new reaction, announced as the threads room does: ``reaction_added``."""

    def send(post_id, visitor_id, emoji="👍"):
        with app.app_context():
            reaction = Reaction(post_id=post_id, visitor_id=visitor_id, emoji=emoji)
            db.session.add(reaction)
            db.session.flush()
            reaction_added.send(reaction, post=db.session.get(Post, post_id))
            db.session.commit()

    return send


@pytest.fixture
def decide(app):
    """A moderation decision, announced as the moderation room does: ``decision_made``."""

    def send(subject_id, action="hide", reason="", post_id=None, circle_id=None, undone=False):
        with app.app_context():
            decision = Decision(
                subject_id=subject_id,
                post_id=post_id,
                circle_id=circle_id,
                action=action,
                reason=reason,
                undone_at=utcnow() if undone else None,
            )
            db.session.add(decision)
            db.session.flush()
            decision_made.send(decision, undone=undone)
            db.session.commit()
            return decision.id

    return send


@pytest.fixture
def hide_from(app):
    """``hide_from(visitor_id, other_id, kind)``: the resident mutes or blocks another."""

    def add(visitor_id, other_id, kind=BlockKind.mute):
        with app.app_context():
            db.session.add(ResidentBlock(visitor_id=visitor_id, other_id=other_id, kind=kind))
            db.session.commit()

    return add


@pytest.fixture
def notes(app):
    """Every notification as ``(recipient, kind, actor, post, detail, unread)``, in order."""

    def rows(visitor_id=None):
        with app.app_context():
            query = select(Notification).order_by(Notification.id)
            if visitor_id is not None:
                query = query.where(Notification.visitor_id == visitor_id)
            return [
                (n.visitor_id, n.kind, n.actor_id, n.post_id, n.detail, n.read_at is None)
                for n in db.session.scalars(query)
            ]

    return rows
