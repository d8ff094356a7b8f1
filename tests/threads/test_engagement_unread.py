"""Unread: each circle and thread shows what is new since the resident last read it."""

from datetime import datetime, timedelta

import pytest

from rally.circles.models import MemberState
from rally.extensions import db
from rally.threads.engagement import (
    mark_read,
    read_up_to,
    unread_in_circles,
    unread_in_threads,
)
from rally.threads.models import Post, PostState
from rally.utils import utcnow
from rally.visitors.models import Visitor
from tests.conftest import POSTGRES_URL
from tests.threads import engagement_world
from tests.threads.engagement_world import CountQueries, marks

make_visitor = engagement_world.make_visitor
make_circle = engagement_world.make_circle
add_member = engagement_world.add_member
make_post = engagement_world.make_post
world = engagement_world.world


def mark(visitor_id, thread_id, last_post_id):
    mark_read(
        db.session.get(Visitor, visitor_id),
        db.session.get(Post, thread_id),
        last_post_id,
        utcnow(),
    )
    db.session.commit()


def unread_threads(visitor_id, thread_ids):
    return unread_in_threads(db.session.get(Visitor, visitor_id), thread_ids)


def test_a_read_mark_never_moves_back(app, ctx, world):
    mark(world["member"], world["thread"], 10)
    mark(world["member"], world["thread"], 5)
    assert marks(app) == [(world["member"], world["thread"], 10)]
    mark(world["member"], world["thread"], 12)
    assert marks(app) == [(world["member"], world["thread"], 12)]
    visitor = db.session.get(Visitor, world["member"])
    assert read_up_to(visitor, db.session.get(Post, world["thread"])) == 12


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL's concurrent upserts")
def test_marks_made_at_once_keep_the_furthest(app, world, race):
    def prepare(index):
        def act():
            with app.app_context():
                mark(world["member"], world["thread"], index + 1)

        return act

    race(16, prepare)
    assert marks(app) == [(world["member"], world["thread"], 16)]


def test_a_thread_never_opened_counts_what_was_written_since_joining(
    app, ctx, make_circle, make_visitor, add_member, make_post
):
    circle = make_circle()
    author, reader = make_visitor(), make_visitor()
    add_member(circle, author)
    joined = utcnow() - timedelta(days=1)
    add_member(circle, reader, joined_at=joined)
    old = make_post(circle, author, created_at=joined - timedelta(days=3))
    make_post(circle, author, thread_id=old, created_at=joined - timedelta(days=2))
    make_post(circle, author, thread_id=old, created_at=joined + timedelta(hours=1))
    new = make_post(circle, author, created_at=joined + timedelta(hours=2))
    assert unread_threads(reader, [old, new]) == {old: 1, new: 1}


def test_after_reading_only_newer_posts_count(app, ctx, world, make_post):
    replies = [
        make_post(world["circle"], world["moderator"], thread_id=world["thread"]) for _ in "abc"
    ]
    assert unread_threads(world["member"], [world["thread"]]) == {world["thread"]: 4}
    mark(world["member"], world["thread"], replies[0])
    assert unread_threads(world["member"], [world["thread"]]) == {world["thread"]: 2}
    mark(world["member"], world["thread"], replies[2])
    assert unread_threads(world["member"], [world["thread"]]) == {}


def test_ones_own_posts_and_posts_not_visible_are_not_new(app, ctx, world, make_post):
    make_post(world["circle"], world["member"], thread_id=world["thread"])
    for state in (PostState.held, PostState.hidden, PostState.deleted):
        make_post(world["circle"], world["moderator"], thread_id=world["thread"], state=state)
    assert unread_threads(world["member"], [world["thread"]]) == {world["thread"]: 1}


def test_only_members_have_unread_posts(app, ctx, world, add_member, make_visitor):
    asker = make_visitor()
    add_member(world["circle"], asker, state=MemberState.requested)
    assert unread_threads(world["outsider"], [world["thread"]]) == {}
    assert unread_threads(asker, [world["thread"]]) == {}
    assert unread_in_threads(None, [world["thread"]]) == {}


def test_unread_per_circle_for_the_circles_index(
    app, ctx, world, make_circle, add_member, make_post
):
    quiet = make_circle()
    other = make_circle()
    add_member(quiet, world["member"])
    add_member(other, world["member"])
    add_member(other, world["moderator"])
    make_post(world["circle"], world["moderator"], thread_id=world["thread"])
    other_thread = make_post(other, world["moderator"])
    visitor = db.session.get(Visitor, world["member"])
    with CountQueries() as queries:
        found = unread_in_circles(visitor, [world["circle"], quiet, other])
    assert queries.count == 1
    assert found == {world["circle"]: 2, other: 1}
    mark(world["member"], other_thread, other_thread)
    visitor = db.session.get(Visitor, world["member"])
    assert unread_in_circles(visitor, [world["circle"], quiet, other]) == {world["circle"]: 2}


def test_unread_of_a_page_of_threads_is_one_query(app, ctx, world, make_post):
    threads = [make_post(world["circle"], world["moderator"]) for _ in range(5)]
    for thread in threads:
        make_post(world["circle"], world["moderator"], thread_id=thread)
    visitor = db.session.get(Visitor, world["member"])
    with CountQueries() as queries:
        found = unread_in_threads(visitor, threads)
    assert queries.count == 1
    assert found == {thread: 2 for thread in threads}


def test_joined_long_ago_sees_everything_since(app, ctx, make_circle, make_visitor, add_member):
    circle = make_circle()
    reader = make_visitor()
    add_member(circle, reader, joined_at=datetime(2020, 1, 1))
    assert unread_in_circles(db.session.get(Visitor, reader), [circle]) == {}
