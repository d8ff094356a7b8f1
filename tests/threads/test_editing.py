"""Editing (a revision kept), deleting (a tombstone, replies still readable, photo files
gone), held and hidden posts, muted authors, mentions and the live fragments."""

from contextlib import contextmanager

import pytest

from rally.circles.models import CircleKind, MemberState
from rally.circles.operations import Actor
from rally.extensions import db
from rally.residents.models import BlockKind, ResidentBlock
from rally.threads import operations
from rally.threads.models import Post, PostState
from rally.threads.signals import post_published
from rally.ugc.models import HeldWord
from tests.ugc.test_text import dangers
from tests.ugc.xss_corpus import PAYLOADS

from .conftest import EN, jpeg, photo_files, posts, revisions, snapshot


@pytest.fixture
def circle(make_circle):
    return make_circle()


@pytest.fixture
def author(make_visitor, add_member, circle):
    visitor_id = make_visitor(handle="hanako")
    add_member(circle, visitor_id)
    return visitor_id


@pytest.fixture
def other(make_visitor, add_member, circle):
    visitor_id = make_visitor(handle="taro")
    add_member(circle, visitor_id)
    return visitor_id


def set_state(app, post_id, state):
    with app.app_context():
        db.session.get(Post, post_id).state = state
        db.session.commit()


# Editing


def test_the_author_edits_and_the_earlier_text_is_kept(app, circle, author, write, visitor_client):
    thread = write(circle, author, "土曜日に集合")
    client = visitor_client(author)
    url = f"/circles/{circle}/threads/{thread}/posts/{thread}/edit"
    assert "土曜日に集合" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"text": "**日曜日**に集合"}, headers=EN)
    assert response.status_code == 303
    page = client.get(f"/circles/{circle}/threads/{thread}", headers=EN).get_data(as_text=True)
    assert "<strong>日曜日</strong>に集合" in page
    assert 'data-testid="edited"' in page
    assert revisions(app) == [(thread, "土曜日に集合")]
    with app.app_context():
        assert db.session.get(Post, thread).edited_at is not None


def test_only_the_author_edits(app, circle, author, other, write, visitor_client):
    thread = write(circle, author, "元の文")
    before = snapshot(app)
    url = f"/circles/{circle}/threads/{thread}/posts/{thread}/edit"
    assert visitor_client(other).post(url, data={"text": "書き換え"}).status_code == 403
    assert visitor_client(other).get(url).status_code == 403
    assert snapshot(app) == before


def test_an_edit_with_a_held_word_is_held_again(app, circle, author, write, visitor_client):
    thread = write(circle, author, "普通の文")
    with app.app_context():
        db.session.add(HeldWord(word="勧誘"))
        db.session.commit()
    url = f"/circles/{circle}/threads/{thread}/posts/{thread}/edit"
    visitor_client(author).post(url, data={"text": "勧誘です"})
    with app.app_context():
        post = db.session.get(Post, thread)
        assert (post.state, post.state_reason) == (PostState.held, "held_word")


# Deleting


def test_delete_asks_first_then_leaves_a_tombstone_and_readable_replies(
    app, circle, author, other, write, visitor_client
):
    thread = write(circle, author, "消すスレッド", photos=[jpeg()])
    write(circle, other, "残る返信", thread=thread)
    assert len(photo_files(app)) == 2
    client = visitor_client(author)
    url = f"/circles/{circle}/threads/{thread}/posts/{thread}/delete"
    asked = client.post(url, headers=EN)
    assert asked.status_code == 200 and "Delete this post?" in asked.get_data(as_text=True)
    assert posts(app)[0][3] == "visible"
    assert client.post(url, data={"confirmed": "1"}).status_code == 303
    page = visitor_client(other).get(f"/circles/{circle}/threads/{thread}", headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This post was deleted." in text and "消すスレッド" not in text
    assert "残る返信" in text
    with app.app_context():
        post = db.session.get(Post, thread)
        assert post.state is PostState.deleted and post.deleted_at is not None
        assert post.text == "" and post.photos == []
    assert photo_files(app) == []
    listing = visitor_client(other).get(f"/circles/{circle}", headers=EN).get_data(as_text=True)
    assert "This post was deleted." in listing  # kept listed: it has a reply


def test_moderators_delete_others_posts_and_members_do_not(
    app, circle, author, other, make_visitor, add_member, write, visitor_client
):
    moderator = make_visitor()
    add_member(circle, moderator, moderator=True)
    thread = write(circle, author, "スレッド")
    reply = write(circle, author, "返信", thread=thread)
    url = f"/circles/{circle}/threads/{thread}/posts/{reply}/delete"
    before = snapshot(app)
    assert visitor_client(other).post(url, data={"confirmed": "1"}).status_code == 403
    assert snapshot(app) == before
    assert visitor_client(moderator).post(url, data={"confirmed": "1"}).status_code == 303
    with app.app_context():
        assert db.session.get(Post, reply).state is PostState.deleted
        assert db.session.get(Post, thread).reply_count == 0


def test_admins_delete_any_post(app, circle, author, write, admin_client):
    thread = write(circle, author, "スレッド")
    url = f"/circles/{circle}/threads/{thread}/posts/{thread}/delete"
    assert admin_client.post(url, data={"confirmed": "1"}).status_code == 303
    assert posts(app)[0][3] == "deleted"


# Held, hidden, muted


@pytest.mark.parametrize("state", [PostState.held, PostState.hidden])
def test_held_and_hidden_posts_show_to_their_author_and_moderators_alone(
    app, circle, author, other, make_visitor, add_member, write, visitor_client, state
):
    moderator = make_visitor()
    add_member(circle, moderator, moderator=True)
    thread = write(circle, other, "スレッド")
    reply = write(circle, author, "審査中の返信", thread=thread)
    set_state(app, reply, state)
    url = f"/circles/{circle}/threads/{thread}"
    mine = visitor_client(author).get(url, headers=EN).get_data(as_text=True)
    notice = "held for review" if state is PostState.held else "hidden pending review"
    assert "審査中の返信" in mine and f"Your post is {notice}" in mine
    theirs = visitor_client(other).get(url, headers=EN).get_data(as_text=True)
    assert "審査中の返信" not in theirs
    marked = visitor_client(moderator).get(url, headers=EN).get_data(as_text=True)
    assert "審査中の返信" in marked and notice.capitalize() in marked


def test_posts_of_muted_and_blocked_residents_are_collapsed(
    app, circle, author, other, write, visitor_client
):
    thread = write(circle, author, "スレッド")
    write(circle, other, "ミュートされた返信", thread=thread)
    with app.app_context():
        db.session.add(ResidentBlock(visitor_id=author, other_id=other, kind=BlockKind.mute))
        db.session.commit()
    page = visitor_client(author).get(f"/circles/{circle}/threads/{thread}", headers=EN)
    text = page.get_data(as_text=True)
    collapsed = text.split('data-testid="collapsed"')[1].split("</details>")[0]
    assert "A post by a resident you muted or blocked" in collapsed
    assert "ミュートされた返信" in collapsed


# Mentions


@contextmanager
def published():
    sent = []

    def receive(post, mentioned):
        sent.append((post.id, mentioned))

    post_published.connect(receive)
    try:
        yield sent
    finally:
        post_published.disconnect(receive)


def test_a_mention_names_readers_and_links_to_their_profile(app, circle, author, other, write):
    with published() as sent:
        post = write(circle, author, "@Taro さん、@hanako と @nobody_here へ。mail@taro.jp")
    assert sent == [(post, {other})]
    with app.app_context():
        html = db.session.get(Post, post).html
    assert '<a href="/residents/taro" class="mention">@Taro</a>' in html
    assert "@nobody_here" in html and "/residents/nobody_here" not in html
    assert "mail@taro.jp" in html


def test_a_mention_inside_a_link_is_left_alone(app, circle, author, other, write):
    post = write(circle, author, "[@taro](https://example.jp/@taro)")
    with app.app_context():
        html = db.session.get(Post, post).html
    assert "/residents/taro" not in html


def test_who_blocks_the_author_is_not_mentioned(app, circle, author, other, write):
    with app.app_context():
        db.session.add(ResidentBlock(visitor_id=other, other_id=author, kind=BlockKind.block))
        db.session.commit()
    with published() as sent:
        write(circle, author, "@taro 見てください")
    assert sent[0][1] == set()


def test_a_members_only_circle_mentions_only_its_readers(
    app, make_circle, make_visitor, add_member, write
):
    circle_id = make_circle(kind=CircleKind.members_only)
    writer = make_visitor(handle="writer")
    reader = make_visitor(handle="reader")
    outsider = make_visitor(handle="outsider")
    add_member(circle_id, writer)
    add_member(circle_id, reader)
    add_member(circle_id, outsider, MemberState.requested)
    with published() as sent:
        write(circle_id, writer, "@reader @outsider")
    assert sent[0][1] == {reader}


def test_at_all_is_for_moderators_only(app, circle, author, other, make_visitor, add_member, write):
    moderator = make_visitor()
    add_member(circle, moderator, moderator=True)
    with published() as sent:
        write(circle, author, "@all 集まって")
        write(circle, moderator, "@all 集まって")
    assert sent[0][1] == set()
    assert sent[1][1] == {author, other}


def test_at_all_from_an_admin_or_staff_moderator_names_every_member(ctx, circle, author, other):
    post = Post(circle_id=circle, author_id=author, text="@all お知らせ", html="")
    db.session.add(post)
    db.session.flush()
    assert operations.mentioned_ids(post, Actor(is_admin=True)) == {other}


def test_a_held_post_is_published_when_released(app, circle, author, other, write):
    with app.app_context():
        db.session.add(HeldWord(word="勧誘"))
        db.session.commit()
    with published() as sent:
        thread = write(circle, author, "勧誘 @taro")
    assert sent == []
    with app.app_context(), published() as sent:
        post = db.session.get(Post, thread)
        post.state = PostState.visible
        operations.publish(post)
        db.session.commit()
    assert sent == [(thread, {other})]


# Live fragments


def test_the_live_fragment_brings_only_newer_posts_the_reader_may_see(
    app, circle, author, other, write, visitor_client
):
    thread = write(circle, author, "スレッド")
    first = write(circle, other, "一つ目", thread=thread)
    write(circle, other, "二つ目", thread=thread)
    held = write(circle, other, "保留", thread=thread)
    set_state(app, held, PostState.held)
    url = f"/circles/{circle}/threads/{thread}/since/{first}"
    fragment = visitor_client(author).get(url, headers=EN)
    text = fragment.get_data(as_text=True)
    assert fragment.headers["Cache-Control"] == "private, no-store"
    assert "二つ目" in text and "一つ目" not in text and "保留" not in text
    assert 'data-count="1"' in text
    own = visitor_client(other).get(url, headers=EN).get_data(as_text=True)
    assert "保留" in own  # the author sees their own held post, with its notice
    assert f'data-last-post-id="{held}"' in own


def test_the_circle_fragment_brings_threads_with_new_posts(
    app, circle, author, other, write, visitor_client
):
    quiet = write(circle, author, "静かなスレッド")
    busy = write(circle, author, "にぎやかなスレッド")
    mark = write(circle, other, "返信", thread=busy)
    new = write(circle, other, "新しいスレッド")
    write(circle, other, "もう一つの返信", thread=busy)
    text = visitor_client(author).get(f"/circles/{circle}/since/{mark}").get_data(as_text=True)
    assert "新しいスレッド" in text and "にぎやかなスレッド" in text
    assert "静かなスレッド" not in text
    assert text.index("にぎやかなスレッド") < text.index("新しいスレッド")
    assert quiet < new


def test_the_xss_corpus_with_mentions_stores_nothing_that_runs(app, circle, author, other, write):
    for payload in PAYLOADS:
        if len(payload) > 4900:
            continue  # longer than a post may be
        post = write(circle, author, f"@taro {payload} @taro")
        with app.app_context():
            stored = db.session.get(Post, post).html
        # The mention links are the site's own relative addresses; all else as render_post.
        assert dangers(stored.replace('href="/residents/taro"', 'href="https://x"')) == [], payload


def test_a_held_posts_photo_goes_to_its_author_and_moderators_alone(
    app, circle, author, other, make_visitor, add_member, write, visitor_client
):
    moderator = make_visitor()
    add_member(circle, moderator, moderator=True)
    thread = write(circle, author, "写真つき", photos=[jpeg()])
    set_state(app, thread, PostState.held)
    with app.app_context():
        name = db.session.get(Post, thread).photos[0].thumbnail
    for visitor_id, status in ((author, 200), (moderator, 200), (other, 404)):
        response = visitor_client(visitor_id).get(f"/circle-photos/{name}")
        assert response.status_code == status
        response.close()


def test_without_javascript_a_link_shows_new_posts(app, circle, author, write, visitor_client):
    thread = write(circle, author, "スレッド")
    page = visitor_client(author).get(f"/circles/{circle}/threads/{thread}", headers=EN)
    text = page.get_data(as_text=True)
    assert f'href="/circles/{circle}/threads/{thread}#post-{thread}"' in text
    assert "Show new posts" in text
    assert 'aria-live="polite"' in text
    assert f'data-live-url="/circles/{circle}/threads/{thread}/since/{thread}"' in text


@pytest.mark.parametrize("lang", ["ja", "en", "zh-Hans", "zh-Hant", "ko"])
def test_post_times_read_as_everywhere_on_the_site(app, lang):
    from datetime import datetime

    from rally.i18n import format_when
    from rally.threads.views import when_formatter

    moments = [datetime(2026, 12, 31, 15, 30), datetime(2026, 6, 1, 0, 5), datetime(2027, 1, 1)]
    with app.test_request_context(headers={"Accept-Language": lang}):
        when = when_formatter()
        assert [when(m) for m in moments] == [format_when(m) for m in moments]
