"""Pins: circle moderators pin at most 3 threads per circle, each maybe until a day."""

from datetime import date, datetime

import pytest

from rally.auth.models import Role
from rally.circles.models import CircleKind, CircleStaff
from rally.circles.operations import Actor
from rally.extensions import db
from rally.threads.engagement import (
    EngagementError,
    active_pins,
    end_of_district_day,
    pin_thread,
    pinned_last_day,
    unpin,
)
from rally.threads.models import Pin, Post, PostState
from rally.visitors.models import Visitor
from tests.conftest import POSTGRES_URL
from tests.threads import engagement_world
from tests.threads.engagement_world import pins

make_visitor = engagement_world.make_visitor
make_circle = engagement_world.make_circle
add_member = engagement_world.add_member
make_post = engagement_world.make_post
world = engagement_world.world

EN = {"Accept-Language": "en"}
NOW = datetime(2026, 12, 10, 3, 0)  # 12:00 in Tokyo


def as_resident(visitor_id):
    return Actor(visitor=db.session.get(Visitor, visitor_id))


def pin(post_id, actor, until=None, now=NOW):
    made = pin_thread(db.session.get(Post, post_id), actor, until, now)
    db.session.commit()
    return made


def test_a_moderator_pins_a_thread_at_the_top(app, ctx, world):
    pin(world["thread"], as_resident(world["moderator"]))
    assert pins(app) == [(world["thread"], None)]
    circle = db.session.get(Post, world["thread"]).circle
    assert [p.post_id for p in active_pins(circle, NOW)] == [world["thread"]]


def test_at_most_three_pins_per_circle(app, ctx, world, make_post):
    threads = [world["thread"]] + [make_post(world["circle"], world["moderator"]) for _ in "abc"]
    moderator = as_resident(world["moderator"])
    for thread in threads[:3]:
        pin(thread, moderator)
    with pytest.raises(EngagementError) as refused:
        pin(threads[3], moderator)
    assert (refused.value.code, refused.value.status) == ("too_many_pins", 409)
    db.session.rollback()
    assert [post for post, _until in pins(app)] == threads[:3]


def test_pinning_a_pinned_thread_again_changes_its_end_and_takes_no_slot(
    app, ctx, world, make_post
):
    threads = [world["thread"]] + [make_post(world["circle"], world["moderator"]) for _ in "ab"]
    moderator = as_resident(world["moderator"])
    for thread in threads:
        pin(thread, moderator)
    pin(threads[0], moderator, until=date(2026, 12, 20))
    assert pins(app)[0] == (threads[0], datetime(2026, 12, 20, 15, 0))
    assert len(pins(app)) == 3


def test_the_end_date_is_the_end_of_that_day_in_the_districts_time_zone(app, ctx, world):
    assert end_of_district_day(date(2026, 12, 12)) == datetime(2026, 12, 12, 15, 0)
    made = pin(world["thread"], as_resident(world["moderator"]), until=date(2026, 12, 12))
    assert pinned_last_day(made) == date(2026, 12, 12)
    circle = made.post.circle
    # 23:59 in Tokyo on the 12th: still pinned; midnight: gone.
    assert active_pins(circle, datetime(2026, 12, 12, 14, 59)) != []
    assert active_pins(circle, datetime(2026, 12, 12, 15, 0)) == []


def test_expired_pins_neither_show_nor_count(app, ctx, world, make_post):
    old = [world["thread"]] + [make_post(world["circle"], world["moderator"]) for _ in "ab"]
    fresh = make_post(world["circle"], world["moderator"])
    moderator = as_resident(world["moderator"])
    for thread in old:
        pin(thread, moderator, until=date(2026, 12, 11))
    later = datetime(2026, 12, 12, 1, 0)
    pin(fresh, moderator, now=later)
    assert [p.post_id for p in active_pins(db.session.get(Post, fresh).circle, later)] == [fresh]
    assert pins(app) == [(fresh, None)]  # the expired ones are cleared when pinning


def test_an_end_date_in_the_past_is_refused(app, ctx, world):
    with pytest.raises(EngagementError) as refused:
        pin(world["thread"], as_resident(world["moderator"]), until=date(2026, 12, 9))
    assert refused.value.code == "until_past"
    db.session.rollback()
    assert pins(app) == []


def test_today_is_a_valid_end_date(app, ctx, world):
    pin(world["thread"], as_resident(world["moderator"]), until=date(2026, 12, 10))
    assert pins(app) == [(world["thread"], datetime(2026, 12, 10, 15, 0))]


def test_unpin(app, ctx, world):
    moderator = as_resident(world["moderator"])
    pin(world["thread"], moderator)
    assert unpin(db.session.get(Post, world["thread"]), moderator) is True
    db.session.commit()
    assert pins(app) == []
    assert unpin(db.session.get(Post, world["thread"]), moderator) is False


def test_only_a_threads_first_post_is_pinned(app, ctx, world, make_post):
    reply = make_post(world["circle"], world["member"], thread_id=world["thread"])
    with pytest.raises(EngagementError) as refused:
        pin(reply, as_resident(world["moderator"]))
    assert refused.value.code == "not_a_thread"
    db.session.rollback()
    assert pins(app) == []


def test_deleted_threads_are_not_pinned_nor_shown(app, ctx, world):
    moderator = as_resident(world["moderator"])
    made = pin(world["thread"], moderator)
    made.post.state = PostState.deleted
    db.session.commit()
    assert active_pins(made.post.circle, NOW) == []
    with pytest.raises(EngagementError) as refused:
        pin(world["thread"], moderator)
    assert refused.value.code == "no_post"


# Who may pin, through the routes.


def post_pin(client, post_id, until=""):
    return client.post(f"/posts/{post_id}/pin", data={"until": until}, headers=EN)


def test_a_member_who_is_no_moderator_may_not_pin(app, world, visitor_client):
    assert post_pin(visitor_client(world["member"]), world["thread"]).status_code == 403
    assert pins(app) == []


def test_anonymous_visitors_may_not_pin(app, world, client):
    assert post_pin(client, world["thread"]).status_code == 403
    assert pins(app) == []


def test_in_a_members_only_circle_an_outsider_is_told_nothing_exists(
    app, make_circle, make_visitor, add_member, make_post, visitor_client
):
    circle = make_circle(kind=CircleKind.members_only)
    moderator, outsider = make_visitor(), make_visitor()
    add_member(circle, moderator, moderator=True)
    thread = make_post(circle, moderator)
    assert post_pin(visitor_client(outsider), thread).status_code == 404
    assert pins(app) == []


def test_a_moderator_pins_with_an_end_date_through_the_form(app, world, visitor_client):
    client = visitor_client(world["moderator"])
    response = post_pin(client, world["thread"], "2100-01-31")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/circles/{world['circle']}")
    assert pins(app) == [(world["thread"], datetime(2100, 1, 31, 15, 0))]
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "The thread is pinned at the top of the circle." in page


def test_a_date_that_is_no_date_is_refused_with_a_message(app, world, visitor_client):
    client = visitor_client(world["moderator"])
    response = post_pin(client, world["thread"], "someday")
    assert response.status_code == 303
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Please enter a date for “Pinned until (optional)”." in page
    assert pins(app) == []


def test_an_admin_and_a_named_staff_member_pin_and_unpin(app, world, make_user, auth):
    staff = make_user(role=Role.merchant)
    with app.app_context():
        db.session.add(CircleStaff(circle_id=world["circle"], user_id=staff.id))
        db.session.commit()
    for user in (staff, make_user(role=Role.admin)):
        client = auth.new_client(user)
        assert post_pin(client, world["thread"]).status_code == 303
        assert pins(app) == [(world["thread"], None)]
        assert client.post(f"/posts/{world['thread']}/unpin").status_code == 303
        assert pins(app) == []


def test_a_merchant_not_named_may_not_pin(app, world, merchant_client):
    assert post_pin(merchant_client, world["thread"]).status_code == 403
    assert pins(app) == []


def test_the_fourth_pin_is_refused_on_the_page(app, world, make_post, visitor_client):
    client = visitor_client(world["moderator"])
    threads = [make_post(world["circle"], world["moderator"]) for _ in range(4)]
    for thread in threads[:3]:
        assert post_pin(client, thread).status_code == 303
    response = post_pin(client, threads[3])
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "A circle can have at most 3 pinned threads. Unpin one first." in page
    assert [post for post, _until in pins(app)] == threads[:3]


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL's row locks")
def test_twelve_pins_at_once_leave_three(app, world, make_post, visitor_client, race):
    threads = [make_post(world["circle"], world["moderator"]) for _ in range(12)]

    def prepare(index):
        client = visitor_client(world["moderator"])
        return lambda: post_pin(client, threads[index]).status_code

    assert race(12, prepare) == [303] * 12
    with app.app_context():
        assert db.session.query(Pin).count() == 3
