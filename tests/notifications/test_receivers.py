"""Each signal becomes the notifications it should, and only those."""

from sqlalchemy import select

from rally.circles.models import Circle, CircleKind, MemberState
from rally.circles.operations import Actor, approve_request, join, refuse_request
from rally.extensions import db
from rally.notifications.models import Notification
from rally.residents.models import BlockKind
from rally.visitors.models import Visitor


def test_a_reply_tells_the_threads_author(make_resident, make_circle, make_post, publish, notes):
    author, replier = make_resident(), make_resident()
    circle = make_circle()
    thread = make_post(circle, author)
    reply = make_post(circle, replier, "行きます", thread_id=thread)
    publish(reply)
    assert notes() == [(author, "reply", replier, reply, "", True)]


def test_the_threads_author_replying_is_not_told(
    make_resident, make_circle, make_post, publish, notes
):
    author = make_resident()
    circle = make_circle()
    thread = make_post(circle, author)
    publish(make_post(circle, author, "追記です", thread_id=thread))
    assert notes() == []


def test_a_new_thread_tells_no_one_but_its_mentions(
    make_resident, make_circle, make_post, publish, notes
):
    author, named, other = make_resident(), make_resident(), make_resident()
    post = make_post(make_circle(), author, "@someone 見てください")
    publish(post, mentioned={named, author})  # its author named too: not told
    assert notes() == [(named, "mention", author, post, "", True)]
    assert notes(other) == []


def test_each_mentioned_resident_is_told(make_resident, make_circle, make_post, publish, notes):
    author, first, second = make_resident(), make_resident(), make_resident()
    post = make_post(make_circle(), author)
    publish(post, mentioned={first, second})
    assert sorted(notes()) == sorted(
        [(first, "mention", author, post, "", True), (second, "mention", author, post, "", True)]
    )


def test_a_mentioned_thread_author_gets_one_notification_the_mention(
    make_resident, make_circle, make_post, publish, notes
):
    author, replier = make_resident(), make_resident()
    circle = make_circle()
    thread = make_post(circle, author)
    reply = make_post(circle, replier, "@author どうですか", thread_id=thread)
    publish(reply, mentioned={author})
    assert notes() == [(author, "mention", replier, reply, "", True)]


def test_a_post_published_again_tells_no_one_twice(
    make_resident, make_circle, make_post, publish, notes
):
    author, replier, named = make_resident(), make_resident(), make_resident()
    circle = make_circle()
    thread = make_post(circle, author)
    reply = make_post(circle, replier, thread_id=thread)
    publish(reply, mentioned={named})
    publish(reply, mentioned={named})  # released from review after an edit, say
    assert len(notes()) == 2


def test_no_reply_or_mention_from_a_muted_or_blocked_resident(
    make_resident, make_circle, make_post, publish, hide_from, notes
):
    author, muted, blocked, named = (
        make_resident(),
        make_resident(),
        make_resident(),
        make_resident(),
    )
    hide_from(author, muted, BlockKind.mute)
    hide_from(named, blocked, BlockKind.block)
    circle = make_circle()
    thread = make_post(circle, author)
    publish(make_post(circle, muted, thread_id=thread))
    publish(make_post(circle, blocked, thread_id=thread), mentioned={named})
    # The author did not mute the blocked one: their reply is told; the mention is not.
    assert [(n[0], n[1], n[2]) for n in notes()] == [(author, "reply", blocked)]


def test_a_reaction_tells_the_posts_author(make_resident, make_circle, make_post, react, notes):
    author, fan = make_resident(), make_resident()
    post = make_post(make_circle(), author)
    react(post, fan, "❤️")
    assert notes() == [(author, "reaction", fan, post, "❤️", True)]


def test_reacting_to_ones_own_post_tells_no_one(
    make_resident, make_circle, make_post, react, notes
):
    author = make_resident()
    react(make_post(make_circle(), author), author)
    assert notes() == []


def test_no_reaction_from_a_muted_resident(
    make_resident, make_circle, make_post, react, hide_from, notes
):
    author, muted = make_resident(), make_resident()
    hide_from(author, muted)
    react(make_post(make_circle(), author), muted)
    assert notes() == []


def test_thirty_reactions_make_one_row_per_emoji(
    make_resident, make_circle, make_post, react, notes
):
    author = make_resident()
    post = make_post(make_circle(), author)
    fans = [make_resident() for _ in range(30)]
    for fan in fans:
        react(post, fan, "👍")
    react(post, fans[0], "🎉")
    assert notes() == [
        (author, "reaction", fans[-1], post, "👍", True),
        (author, "reaction", fans[0], post, "🎉", True),
    ]


def test_a_reaction_after_the_group_was_read_starts_a_new_one(
    app, make_resident, make_circle, make_post, react, notes
):
    author, first, second = make_resident(), make_resident(), make_resident()
    post = make_post(make_circle(), author)
    react(post, first)
    with app.app_context():
        from rally.notifications.operations import mark_all_read

        mark_all_read(db.session.get(Visitor, author))
        db.session.commit()
    react(post, second)
    assert notes() == [
        (author, "reaction", first, post, "👍", False),
        (author, "reaction", second, post, "👍", True),
    ]


def test_a_join_request_tells_each_resident_moderator(
    app, make_resident, make_circle, add_member, hide_from, notes
):
    circle = make_circle(kind=CircleKind.members_only)
    first, second, member, asker = (make_resident() for _ in range(4))
    muting = make_resident()
    for moderator in (first, second, muting):
        add_member(circle, moderator, moderator=True)
    add_member(circle, member)
    hide_from(muting, asker)
    with app.app_context():
        join(db.session.get(Circle, circle), db.session.get(Visitor, asker))
        db.session.commit()
    assert sorted((n[0], n[1], n[2]) for n in notes()) == sorted(
        [(first, "join_request", asker), (second, "join_request", asker)]
    )


def test_joining_an_open_circle_tells_no_one(app, make_resident, make_circle, add_member, notes):
    circle = make_circle()
    add_member(circle, make_resident(), moderator=True)
    joiner = make_resident()
    with app.app_context():
        join(db.session.get(Circle, circle), db.session.get(Visitor, joiner))
        db.session.commit()
    assert notes() == []


def test_the_answer_to_a_join_request_tells_the_asker(
    app, make_resident, make_circle, add_member, notes
):
    circle_id = make_circle(kind=CircleKind.members_only)
    approved, refused = make_resident(), make_resident()
    first = add_member(circle_id, approved, MemberState.requested)
    second = add_member(circle_id, refused, MemberState.requested)
    with app.app_context():
        circle = db.session.get(Circle, circle_id)
        approve_request(circle, first, Actor(is_admin=True))
        refuse_request(circle, second, Actor(is_admin=True))
        db.session.commit()
        rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
        assert [(n.visitor_id, n.kind, n.actor_id, n.circle_id) for n in rows] == [
            (approved, "join_approved", None, circle_id),
            (refused, "join_refused", None, circle_id),
        ]


def test_a_decision_tells_its_subject_why(app, make_resident, make_circle, make_post, decide):
    author = make_resident()
    circle = make_circle()
    post = make_post(circle, author)
    decide(author, "hide", "個人情報が含まれています", post_id=post, circle_id=circle)
    decide(author, "hide", "", post_id=post, circle_id=circle, undone=True)
    with app.app_context():
        rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
        assert [
            (n.visitor_id, n.kind, n.actor_id, n.post_id, n.detail, n.reason) for n in rows
        ] == [
            (author, "moderation", None, post, "hide", "個人情報が含まれています"),
            (author, "moderation_undone", None, post, "hide", ""),
        ]


def test_a_decision_about_no_one_tells_no_one(decide, notes):
    decide(None, "hide", "spam")
    assert notes() == []
