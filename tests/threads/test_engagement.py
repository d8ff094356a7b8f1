"""Reactions: the six emoji, toggled, one per resident, emoji and post (the database
decides, also under concurrency), who may react, and what a page shows of them."""

from datetime import timedelta

import flask_babel
import pytest
from flask import render_template

from rally.circles.models import CircleKind
from rally.extensions import db
from rally.residents.models import Resident
from rally.threads import engagement
from rally.threads.engagement import EngagementError, reaction_summaries, toggle_reaction
from rally.threads.models import REACTIONS, Post, PostState, Reaction
from rally.threads.signals import reaction_added
from rally.utils import utcnow
from rally.visitors.models import Visitor
from tests.conftest import POSTGRES_URL
from tests.threads import engagement_world
from tests.threads.engagement_world import CountQueries, reactions

# The fixtures of this file's world (assigned, not imported: pytest finds them by name).
make_visitor = engagement_world.make_visitor
make_circle = engagement_world.make_circle
add_member = engagement_world.add_member
make_post = engagement_world.make_post
world = engagement_world.world

EN = {"Accept-Language": "en"}


def toggle(post_id, visitor_id, emoji="👍"):
    return toggle_reaction(
        db.session.get(Post, post_id), db.session.get(Visitor, visitor_id), emoji, utcnow()
    )


def test_a_toggle_adds_the_reaction_and_the_next_takes_it_back(app, ctx, world):
    assert toggle(world["thread"], world["member"]) is True
    db.session.commit()
    assert reactions(app) == [(world["thread"], world["member"], "👍")]
    assert toggle(world["thread"], world["member"]) is False
    db.session.commit()
    assert reactions(app) == []


def test_one_resident_may_use_several_emoji_on_one_post(app, ctx, world):
    for emoji in REACTIONS:
        assert toggle(world["thread"], world["member"], emoji) is True
    db.session.commit()
    assert [emoji for _post, _who, emoji in reactions(app)] == list(REACTIONS)


def test_the_signal_tells_of_a_reaction_added_not_of_one_taken_back(app, ctx, world):
    heard = []

    def receiver(reaction, post):
        heard.append((reaction.visitor_id, reaction.emoji, post.id))

    with reaction_added.connected_to(receiver):
        toggle(world["thread"], world["member"], "🎉")
        toggle(world["thread"], world["member"], "🎉")
    assert heard == [(world["member"], "🎉", world["thread"])]


@pytest.mark.parametrize("emoji", ["💩", "", "👍👍", "👍🏽", "+1"])
def test_only_the_six_emoji(app, ctx, world, emoji):
    with pytest.raises(EngagementError) as refused:
        toggle(world["thread"], world["member"], emoji)
    assert refused.value.code == "unknown_reaction"
    db.session.rollback()
    assert reactions(app) == []


@pytest.mark.parametrize("state", [PostState.held, PostState.hidden, PostState.deleted])
def test_only_visible_posts_take_reactions(app, ctx, world, make_post, state):
    post = make_post(world["circle"], world["moderator"], thread_id=world["thread"], state=state)
    with pytest.raises(EngagementError) as refused:
        toggle(post, world["member"])
    assert (refused.value.code, refused.value.status) == ("no_post", 404)
    assert reactions(app) == []


# Who may react, through the route (the answer and the database).


def react(client, post_id, emoji="👍", headers=EN, **kw):
    return client.post(f"/posts/{post_id}/reactions", data={"emoji": emoji}, headers=headers, **kw)


def test_a_member_reacts_and_goes_back_to_the_post(app, world, visitor_client):
    response = react(visitor_client(world["member"]), world["thread"])
    assert response.status_code == 303
    thread = world["thread"]
    assert response.headers["Location"].endswith(
        f"/circles/{world['circle']}/threads/{thread}#post-{thread}"
    )
    assert reactions(app) == [(world["thread"], world["member"], "👍")]


def test_anonymous_visitors_are_sent_to_log_in(app, client, world):
    response = react(client, world["thread"])
    assert response.status_code == 303
    assert "/login" in response.headers["Location"]
    assert reactions(app) == []


def test_a_non_member_cannot_react(app, world, visitor_client):
    response = react(visitor_client(world["outsider"]), world["thread"])
    assert response.status_code == 303  # back to the post, told why
    assert reactions(app) == []
    with app.app_context():
        with pytest.raises(EngagementError) as refused:
            toggle(world["thread"], world["outsider"])
    assert refused.value.code == "not_member"


def test_a_non_member_of_a_members_only_circle_is_told_nothing_exists(
    app, make_circle, make_visitor, add_member, make_post, visitor_client
):
    circle = make_circle(kind=CircleKind.members_only)
    author, outsider = make_visitor(), make_visitor()
    add_member(circle, author)
    post = make_post(circle, author)
    assert react(visitor_client(outsider), post).status_code == 404
    assert reactions(app) == []


@pytest.mark.parametrize(
    "barred",
    [
        {"suspended_until": utcnow() + timedelta(days=1)},
        {"banned_at": utcnow() - timedelta(days=1)},
    ],
    ids=["suspended", "banned"],
)
def test_a_suspended_or_banned_member_cannot_react(
    app, world, make_visitor, add_member, visitor_client, barred
):
    barred_id = make_visitor(**barred)
    add_member(world["circle"], barred_id)
    with app.app_context():
        with pytest.raises(EngagementError) as refused:
            toggle(world["thread"], barred_id)
    assert refused.value.code == "suspended"
    assert react(visitor_client(barred_id), world["thread"]).status_code == 303
    assert reactions(app) == []


def test_a_suspension_that_has_ended_no_longer_bars(app, world, make_visitor, add_member, ctx):
    was_suspended = make_visitor(suspended_until=utcnow() - timedelta(minutes=1))
    add_member(world["circle"], was_suspended)
    assert toggle(world["thread"], was_suspended) is True


def test_a_member_without_a_confirmed_address_cannot_react(
    app, world, make_visitor, add_member, ctx
):
    unconfirmed = make_visitor(confirmed=False)
    add_member(world["circle"], unconfirmed)
    with pytest.raises(EngagementError) as refused:
        toggle(world["thread"], unconfirmed)
    assert refused.value.code == "profile_incomplete"
    assert reactions(app) == []


def test_the_refusal_is_said_on_the_page(app, world, visitor_client):
    client = visitor_client(world["outsider"])
    response = react(client, world["thread"], follow_redirects=True)
    assert "Join this circle to react to its posts." in response.get_data(as_text=True)


def test_an_outsider_sending_an_unknown_emoji_to_a_members_only_post_learns_nothing(
    app, make_circle, make_visitor, add_member, make_post, visitor_client
):
    circle = make_circle(kind=CircleKind.members_only)
    author, outsider = make_visitor(), make_visitor()
    add_member(circle, author)
    post = make_post(circle, author)
    assert react(visitor_client(outsider), post, "💩").status_code == 404
    assert reactions(app) == []


def test_an_unknown_post_is_not_found(app, world, visitor_client):
    assert react(visitor_client(world["member"]), 999999).status_code == 404


def test_with_javascript_the_answer_is_the_reactions_block(app, world, visitor_client):
    client = visitor_client(world["member"])
    response = react(client, world["thread"], headers={**EN, "X-Rally-Partial": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="reactions-{world["thread"]}"' in html
    assert 'aria-pressed="true"' in html
    assert "👍 1, reacted by you" in html
    assert "<html" not in html


def test_with_javascript_a_refusal_is_its_message_and_status(app, world, visitor_client):
    client = visitor_client(world["member"])
    response = react(client, world["thread"], "💩", headers={**EN, "X-Rally-Partial": "1"})
    assert response.status_code == 400
    assert "Please choose one of the reactions shown." in response.get_data(as_text=True)


def test_reacting_needs_the_forms_token(app, world, visitor_client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = react(visitor_client(world["member"]), world["thread"])
    assert response.status_code == 400
    assert reactions(app) == []


# Concurrency: the unique constraint decides.


def test_32_concurrent_toggles_end_in_a_count_of_the_rows_and_each_residents_parity(
    app, world, make_visitor, add_member, visitor_client, race
):
    residents = [make_visitor() for _ in range(4)]
    for resident in residents:
        add_member(world["circle"], resident)
    toggles = {residents[0]: 7, residents[1]: 8, residents[2]: 9, residents[3]: 8}
    order = [resident for resident, times in toggles.items() for _ in range(times)]
    assert len(order) == 32

    def prepare(index):
        client = visitor_client(order[index])
        return lambda: react(client, world["thread"]).status_code

    assert race(32, prepare) == [303] * 32
    rows = reactions(app)
    assert sorted(who for _post, who, _emoji in rows) == [residents[0], residents[2]]
    with app.app_context():
        (summary,) = reaction_summaries([world["thread"]], None)[world["thread"]]
    assert summary.count == len(rows) == 2


def test_32_residents_adding_the_same_reaction_at_once_give_32(
    app, world, make_visitor, add_member, visitor_client, race
):
    residents = [make_visitor() for _ in range(32)]
    for resident in residents:
        add_member(world["circle"], resident)

    def prepare(index):
        client = visitor_client(residents[index])
        return lambda: react(client, world["thread"], "🙏").status_code

    assert race(32, prepare) == [303] * 32
    assert len(reactions(app)) == 32
    with app.app_context():
        (summary,) = reaction_summaries([world["thread"]], residents[0])[world["thread"]]
    assert (summary.emoji, summary.count, summary.mine) == ("🙏", 32, True)


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL's row locks")
def test_32_concurrent_toggles_in_sessions_of_their_own(app, world, make_visitor, add_member, race):
    """The operation itself, each thread in its own app context, session and transaction."""
    resident = make_visitor()
    add_member(world["circle"], resident)

    def prepare(_index):
        def act():
            with app.app_context():
                on = toggle(world["thread"], resident, "👀")
                db.session.commit()
                return on

        return act

    results = race(32, prepare)
    assert results.count(True) == results.count(False) == 16
    assert reactions(app) == []


# What a page shows.


def test_summaries_count_each_emoji_in_the_fixed_order_with_who_reacted(
    app, ctx, world, make_visitor, add_member, make_post
):
    reply = make_post(world["circle"], world["member"], thread_id=world["thread"])
    taro = make_visitor(name="太郎")
    add_member(world["circle"], taro)
    toggle(world["thread"], world["member"], "🎉")
    toggle(world["thread"], taro, "🎉")
    toggle(world["thread"], taro, "👍")
    toggle(reply, taro, "❤️")
    db.session.commit()
    with CountQueries() as queries:
        found = reaction_summaries([world["thread"], reply, 424242], world["member"])
    assert queries.count == 1
    assert [(s.emoji, s.count, s.mine, s.names, s.others) for s in found[world["thread"]]] == [
        ("👍", 1, False, ("太郎",), 0),
        ("🎉", 2, True, ("花子", "太郎"), 0),
    ]
    assert [(s.emoji, s.count, s.mine) for s in found[reply]] == [("❤️", 1, False)]
    assert 424242 not in found


def test_summaries_name_the_first_ten_and_count_the_others(
    app, ctx, world, make_visitor, add_member
):
    people = [make_visitor(name=f"人{i:02d}") for i in range(13)]
    for person in people:
        add_member(world["circle"], person)
        toggle(world["thread"], person, "👍")
        db.session.commit()
    (summary,) = reaction_summaries([world["thread"]], None)[world["thread"]]
    assert summary.count == 13
    assert summary.names == tuple(f"人{i:02d}" for i in range(10))
    assert summary.others == 3
    assert summary.mine is False


def render_block(app, post_id, viewer_id, language="en"):
    with app.test_request_context(headers={"Accept-Language": language}):
        flask_babel.refresh()
        post = db.session.get(Post, post_id)
        viewer = db.session.get(Visitor, viewer_id) if viewer_id else None
        from rally.threads.engagement_views import reactions_context

        return render_template(
            "threads/_reactions.html", post=post, **reactions_context([post], viewer)
        )


def test_the_block_shows_toggles_with_who_reacted_to_who_may_react(
    app, ctx, world, make_visitor, add_member
):
    people = [make_visitor(name=f"<b>人{i}</b>") for i in range(12)]
    for person in people:
        add_member(world["circle"], person)
        toggle(world["thread"], person, "👍")
        db.session.commit()
    toggle(world["thread"], world["member"], "😄")
    db.session.commit()
    html = render_block(app, world["thread"], world["member"])
    assert 'aria-pressed="false" title="&lt;b&gt;人0&lt;/b&gt;, ' in html
    assert "and 2 others" in html  # 12 people: 10 names and 2 others
    assert "<b>人0" not in html  # names are escaped
    assert 'aria-label="😄 1, reacted by you"' in html
    assert "<summary>Who reacted</summary>" in html
    # The four emoji nobody used yet are offered as add-buttons, the others are toggles.
    for emoji in ("❤️", "🙏", "🎉", "👀"):
        assert f'aria-label="React with {emoji}"' in html
    assert html.count('name="emoji"') == 6


def test_the_names_are_listed_in_the_pages_language(app, ctx, world, make_visitor, add_member):
    taro = make_visitor(name="太郎")
    add_member(world["circle"], taro)
    toggle(world["thread"], world["member"], "👍")
    toggle(world["thread"], taro, "👍")
    db.session.commit()
    assert "花子、太郎" in render_block(app, world["thread"], None, "ja")
    assert "花子 and 太郎" in render_block(app, world["thread"], None, "en")


def test_who_may_not_react_sees_the_counts_without_buttons(app, ctx, world):
    toggle(world["thread"], world["member"], "👍")
    db.session.commit()
    for viewer in (None, world["outsider"]):
        html = render_block(app, world["thread"], viewer)
        assert "👍 1" in html
        assert "<button" not in html and "<form" not in html
        assert 'title="花子"' in html


def test_a_post_nobody_reacted_to_shows_nothing_to_who_may_not_react(app, ctx, world):
    assert render_block(app, world["thread"], None).strip() == ""
    assert html_buttons(render_block(app, world["thread"], world["member"])) == 6


def html_buttons(html):
    return html.count("<button")


def test_the_partial_leaves_out_reactions_of_other_posts(app, ctx, world, make_post):
    other = make_post(world["circle"], world["member"])
    toggle(other, world["member"], "👍")
    db.session.commit()
    assert "👍 1" not in render_block(app, world["thread"], world["moderator"])


def test_may_react_follows_the_same_rule_as_the_toggle(app, ctx, world):
    post = db.session.get(Post, world["thread"])
    assert engagement.may_react(post, db.session.get(Visitor, world["member"])) is True
    assert engagement.may_react(post, db.session.get(Visitor, world["outsider"])) is False
    assert engagement.may_react(post, None) is False
    db.session.get(Resident, world["member"]).banned_at = utcnow()
    assert engagement.may_react(post, db.session.get(Visitor, world["member"])) is False
    db.session.rollback()
    assert db.session.query(Reaction).count() == 0
