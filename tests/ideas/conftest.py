"""Residents and ideas for the ideas' tests."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rally.extensions import db
from rally.ideas import operations
from rally.ideas.models import Idea, IdeaChange, IdeaState, IdeaSupport
from rally.notifications.models import Notification
from rally.utils import utcnow
from rally.visitors.models import Visitor
from tests import factories

_n = itertools.count(1)


@pytest.fixture
def make_visitor(app):
    """A resident with a confirmed address and a complete profile, 30 days old."""

    def make(locale="ja", verified=False, profile=True):
        number = next(_n)
        return factories.create_visitor(
            app,
            email=f"idea{number}@example.jp",
            handle=f"idea{number}",
            display_name=f"住民{number}",
            locale=locale,
            profile=profile,
            verified=verified,
            created_at=utcnow() - timedelta(days=30),
        )

    return make


@pytest.fixture
def make_idea(app, make_visitor):
    """An idea proposed through the operation (its thread included); its id."""

    def make(
        author_id=None, title="公園にベンチを", body="駅前の公園にベンチがほしいです。", state=None
    ):
        with app.app_context():
            author = db.session.get(Visitor, author_id or make_visitor())
            idea = operations.propose(
                author, operations.IdeaInput(title=title, body=body), utcnow()
            )
            if state is not None:
                idea.state = state
            db.session.commit()
            return idea.id

    return make


def get_idea(idea_id) -> Idea:
    return db.session.get(Idea, idea_id)


def answered(idea_id, text="ご提案ありがとうございます。実施します。"):
    idea = get_idea(idea_id)
    operations.save_answer_draft(idea, text)
    operations.publish_answer(idea, utcnow())
    return idea


def snapshot(idea_id):
    """What a refusal must leave as it was."""
    idea = get_idea(idea_id)
    db.session.refresh(idea)
    return (
        idea.state,
        idea.progress,
        idea.answer,
        db.session.scalar(select(func.count()).select_from(IdeaChange)),
        db.session.scalar(select(func.count()).select_from(Notification)),
        db.session.scalar(select(func.count()).select_from(IdeaSupport)),
    )


__all__ = ["IdeaState", "answered", "get_idea", "snapshot"]
