"""Residents, circles and posts for the threads' tests."""

import io
import itertools
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from rally.circles.models import Circle, CircleKind, CircleStatus
from rally.circles.operations import Actor
from rally.extensions import db
from rally.storage import stored_names
from rally.threads import operations
from rally.threads.models import Post, PostPhoto, PostRevision
from rally.ugc.photos import UGC_FOLDER
from rally.utils import utcnow
from rally.visitors.models import Visitor
from tests import factories

EN = {"Accept-Language": "en"}
_n = itertools.count(1)


def jpeg(color=(200, 40, 40), size=(640, 480), gps=False) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "RallyPhone"
        exif[0x8825] = {1: "N", 2: (35.0, 41.0, 59.0), 3: "E", 4: (139.0, 33.0, 36.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def make_visitor(app):
    """A visitor account with a complete profile, 30 days old unless ``new``."""

    def make(profile=True, verified=False, confirmed=True, new=False, handle=None):
        number = next(_n)
        return factories.create_visitor(
            app,
            email=f"thread{number}@example.jp",
            handle=handle or f"resident{number}",
            display_name=f"住民{number}",
            profile=profile,
            verified=verified,
            confirmed=confirmed,
            created_at=utcnow() - (timedelta(hours=1) if new else timedelta(days=30)),
        )

    return make


@pytest.fixture
def make_circle(app):
    def make(kind=CircleKind.open, status=CircleStatus.active, **kw):
        return factories.create_circle(
            app, kind=kind, status=status, name={"ja": "ひろば", "en": "Hiroba"}, icon="🧸", **kw
        )

    return make


@pytest.fixture
def write(app):
    """Post through the operations as ``visitor_id``: a thread, or a reply to ``thread``."""

    def post(circle_id, visitor_id, text="こんにちは", thread=None, photos=(), confirmed=False):
        with app.app_context():
            circle = db.session.get(Circle, circle_id)
            visitor = db.session.get(Visitor, visitor_id)
            data = operations.PostInput(text=text, photos=tuple(photos), photos_confirmed=confirmed)
            actor = Actor(visitor=visitor)
            if thread is None:
                made = operations.start_thread(circle, visitor, data, utcnow(), actor)
            else:
                parent = db.session.get(Post, thread)
                made = operations.reply(parent, visitor, data, utcnow(), actor)
            db.session.commit()
            return made.id

    return post


def posts(app):
    """Every post as (id, thread, author, state, text, reply_count)."""
    with app.app_context():
        rows = db.session.scalars(select(Post).order_by(Post.id))
        return [
            (p.id, p.thread_id, p.author_id, p.state.value, p.text, p.reply_count) for p in rows
        ]


def photo_rows(app):
    with app.app_context():
        return [(p.post_id, p.name) for p in db.session.scalars(select(PostPhoto))]


def photo_files(app):
    with app.app_context():
        return stored_names(UGC_FOLDER)


def revisions(app):
    with app.app_context():
        return [(r.post_id, r.text) for r in db.session.scalars(select(PostRevision))]


def snapshot(app):
    return posts(app), photo_rows(app), photo_files(app), revisions(app)
