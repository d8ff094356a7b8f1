"""Reactions, pins and unread counts on the thread page, the circle page and the circles
list."""

import re

from rally.extensions import db
from rally.threads.engagement import pin_thread, toggle_reaction
from rally.threads.models import Post
from rally.utils import utcnow
from rally.visitors.models import Visitor
from tests.threads import engagement_world
from tests.threads.engagement_world import CountQueries, marks

make_visitor = engagement_world.make_visitor
make_circle = engagement_world.make_circle
add_member = engagement_world.add_member
make_post = engagement_world.make_post
world = engagement_world.world

EN = {"Accept-Language": "en"}


def react(app, post_id, visitor_id, emoji):
    with app.app_context():
        toggle_reaction(
            db.session.get(Post, post_id), db.session.get(Visitor, visitor_id), emoji, utcnow()
        )
        db.session.commit()


def pin(app, post_id, visitor_id):
    from rally.circles.operations import Actor

    with app.app_context():
        actor = Actor(visitor=db.session.get(Visitor, visitor_id))
        pin_thread(db.session.get(Post, post_id), actor, None, utcnow())
        db.session.commit()


def thread_path(world, thread=None):
    return f"/circles/{world['circle']}/threads/{thread or world['thread']}"


def test_the_thread_page_shows_each_posts_reactions_read_in_one_query(
    app, world, make_post, visitor_client
):
    replies = [
        make_post(world["circle"], world["moderator"], thread_id=world["thread"]) for _ in "ab"
    ]
    react(app, world["thread"], world["member"], "👍")
    react(app, replies[1], world["member"], "🎉")
    react(app, replies[1], world["moderator"], "🎉")
    client = visitor_client(world["member"])
    with app.app_context(), CountQueries() as queries:
        html = client.get(thread_path(world), headers=EN).get_data(as_text=True)
    assert len([s for s in queries.statements if re.search(r"FROM reaction\b", s)]) == 1
    assert 'aria-label="👍 1, reacted by you"' in html
    assert 'aria-label="🎉 2, reacted by you"' in html
    assert 'title="花子 and まちの係"' in html
    assert html.count("data-reaction-form") == 3  # every visible post takes reactions


def test_a_visitor_who_may_not_react_sees_counts_only(app, world, client):
    react(app, world["thread"], world["member"], "👍")
    html = client.get(thread_path(world), headers=EN).get_data(as_text=True)
    assert "👍 1" in html
    assert "data-reaction-form" not in html


def test_showing_a_thread_to_a_member_marks_it_read(app, world, make_post, visitor_client):
    reply = make_post(world["circle"], world["moderator"], thread_id=world["thread"])
    assert visitor_client(world["member"]).get(thread_path(world)).status_code == 200
    assert marks(app) == [(world["member"], world["thread"], reply)]


def test_showing_a_thread_to_a_non_member_writes_nothing(app, world, visitor_client, client):
    assert visitor_client(world["outsider"]).get(thread_path(world)).status_code == 200
    assert client.get(thread_path(world)).status_code == 200
    assert marks(app) == []


def test_the_live_update_marks_the_new_posts_read(app, world, make_post, visitor_client):
    client = visitor_client(world["member"])
    client.get(thread_path(world))
    reply = make_post(world["circle"], world["moderator"], thread_id=world["thread"])
    response = client.get(f"{thread_path(world)}/since/{world['thread']}")
    assert response.status_code == 200
    assert marks(app) == [(world["member"], world["thread"], reply)]


def test_the_circle_page_shows_unread_counts_per_thread(app, world, make_post, visitor_client):
    make_post(world["circle"], world["moderator"], thread_id=world["thread"])
    client = visitor_client(world["member"])
    page = client.get(f"/circles/{world['circle']}", headers=EN).get_data(as_text=True)
    assert re.search(r'data-testid="unread">2 new<', page)
    client.get(thread_path(world))
    page = client.get(f"/circles/{world['circle']}", headers=EN).get_data(as_text=True)
    assert 'data-testid="unread"' not in page


def test_the_circles_list_shows_unread_counts_per_circle(app, world, make_post, visitor_client):
    make_post(world["circle"], world["moderator"], thread_id=world["thread"])
    page = visitor_client(world["member"]).get("/circles", headers=EN).get_data(as_text=True)
    assert re.search(r'data-testid="unread">2 new<', page)
    page = visitor_client(world["outsider"]).get("/circles", headers=EN).get_data(as_text=True)
    assert 'data-testid="unread"' not in page


def test_pinned_threads_are_on_top_with_controls_for_moderators(
    app, world, make_post, visitor_client
):
    later = make_post(world["circle"], world["moderator"])
    pin(app, world["thread"], world["moderator"])
    page = visitor_client(world["member"]).get(f"/circles/{world['circle']}", headers=EN)
    html = page.get_data(as_text=True)
    pinned = html[html.index('data-testid="pinned"') : html.index('data-testid="threads"')]
    assert f"/threads/{world['thread']}" in pinned and f"/threads/{later}" not in pinned
    assert "/pin" not in html  # a member has no pin control
    moderator_page = visitor_client(world["moderator"]).get(
        f"/circles/{world['circle']}", headers=EN
    )
    html = moderator_page.get_data(as_text=True)
    assert f'action="/posts/{world["thread"]}/unpin"' in html
    assert f'action="/posts/{later}/pin"' in html
    assert f'<label for="pin-until-{later}">Pinned until (optional)</label>' in html


def test_a_circle_without_pins_shows_no_pinned_section(app, world, visitor_client):
    html = visitor_client(world["member"]).get(f"/circles/{world['circle']}", headers=EN)
    assert 'data-testid="pinned"' not in html.get_data(as_text=True)
