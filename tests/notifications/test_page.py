"""The notifications page: worded for its reader, theirs alone, marked read; the header's
count."""

import re
from html import unescape

import pytest
from sqlalchemy import event, select

from rally.circles.models import CircleKind, CircleMember, MemberState
from rally.extensions import db
from rally.notifications.models import Notification
from rally.residents.models import BlockKind
from rally.threads.models import Post, PostState

EN = {"Accept-Language": "en"}
JA = {"Accept-Language": "ja"}


def text_of(response) -> str:
    """The page's text, tags dropped and spaces collapsed, as a reader reads it."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<head>.*?</head>", " ", html, flags=re.S)
    html = re.sub(r"</?(strong|span|a|time)\b[^>]*>", "", html)  # inline: no space
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def thread(make_resident, make_circle, make_post):
    """Hanako's thread in an open circle; returns (hanako, circle, thread id)."""
    hanako = make_resident("はなこ")
    circle = make_circle(name="まちの情報", name_en="Town notes")
    return hanako, circle, make_post(circle, hanako, "**公園**の掃除をします")


def test_anonymous_visitors_are_sent_to_log_in(app, thread, make_resident, react, client):
    hanako, _, thread_id = thread
    react(thread_id, make_resident())
    (notification,) = unread(app, hanako)
    for path in ("/me/notifications", f"/me/notifications/{notification}/open"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/me/login")
    assert unread(app, hanako) == [notification]


def test_each_kind_is_worded_in_japanese_and_english(
    app,
    thread,
    make_resident,
    make_post,
    publish,
    react,
    decide,
    add_member,
    make_circle,
    visitor_client,
):
    hanako, circle, thread_id = thread
    taro = make_resident("たろう")
    reply = make_post(circle, taro, "行きます @hanako", thread_id=thread_id)
    publish(reply)
    react(thread_id, taro, "👍")
    hiroba = make_circle(kind=CircleKind.members_only)
    add_member(hiroba, hanako, moderator=True)
    with app.app_context():
        from rally.circles.signals import join_requested

        row = CircleMember(circle_id=hiroba, visitor_id=taro, state=MemberState.requested)
        db.session.add(row)
        db.session.flush()
        join_requested.send(row)
        db.session.commit()
    decide(hanako, "hide", "個人情報<script>", post_id=thread_id, circle_id=circle)
    client = visitor_client(hanako)

    page = text_of(client.get("/me/notifications", headers=JA))
    assert "たろうさんがあなたのスレッド「公園の掃除をします」に返信しました" in page
    assert "たろうさんがあなたの投稿「公園の掃除をします」に👍でリアクションしました" in page
    assert "たろうさんが子育てひろばへの参加を申請しました" in page
    assert "モデレーターがあなたの投稿を非表示にしました" in page
    assert "理由: 個人情報<script>" in page

    page = text_of(client.get("/me/notifications", headers=EN))
    assert "たろう replied to your thread “公園の掃除をします”" in page
    assert "たろう reacted 👍 to your post “公園の掃除をします”" in page
    assert "たろう asked to join Child-raising Hiroba" in page
    assert "A moderator hid your post" in page
    assert "Reason: 個人情報<script>" in page  # the text, escaped
    html = client.get("/me/notifications", headers=EN).get_data(as_text=True)
    assert "個人情報&lt;script&gt;" in html
    assert "<script>" not in html.split("<main")[1]
    assert "@example.jp" not in html


def test_join_answers_are_worded(app, make_resident, make_circle, visitor_client):
    from rally.circles.models import Circle
    from rally.circles.signals import join_answered

    asker = make_resident()
    circle_id = make_circle(kind=CircleKind.members_only)
    with app.app_context():
        circle = db.session.get(Circle, circle_id)
        join_answered.send(circle, visitor_id=asker, approved=True)
        join_answered.send(circle, visitor_id=asker, approved=False)
        db.session.commit()
    page = text_of(visitor_client(asker).get("/me/notifications", headers=EN))
    assert "Your request to join Child-raising Hiroba was approved" in page
    assert "Your request to join Child-raising Hiroba was not approved" in page


def test_grouped_reactions_say_how_many(thread, make_resident, react, visitor_client):
    hanako, _, thread_id = thread
    fans = [make_resident(f"ファン{i}") for i in range(3)]
    for fan in fans:
        react(thread_id, fan, "🎉")
    page = text_of(visitor_client(hanako).get("/me/notifications", headers=EN))
    assert "ファン2 and 2 other residents reacted 🎉 to your post “公園の掃除をします”" in page
    assert page.count("reacted 🎉") == 1


def test_newest_first_and_paginated(app, thread, make_resident, make_post, publish, visitor_client):
    hanako, circle, thread_id = thread
    taro = make_resident("たろう")
    replies = [make_post(circle, taro, f"返信{i}", thread_id=thread_id) for i in range(21)]
    for reply in replies:
        publish(reply)
    client = visitor_client(hanako)
    first = client.get("/me/notifications", headers=EN).get_data(as_text=True)
    assert first.count('class="notification') == 20
    ids = [int(i) for i in re.findall(r'data-testid="notification-(\d+)"', first)]
    assert ids == sorted(ids, reverse=True)
    second = client.get("/me/notifications?page=2", headers=EN).get_data(as_text=True)
    assert second.count('class="notification') == 1
    assert "Page 2 of 2" in second


def test_a_mention_is_worded_with_its_text(
    thread, make_resident, make_post, publish, visitor_client
):
    hanako, circle, _ = thread
    taro = make_resident("たろう")
    publish(make_post(circle, taro, "@hanako 明日の**集合場所**は？"), mentioned={hanako})
    page = text_of(visitor_client(hanako).get("/me/notifications", headers=JA))
    assert "たろうさんがあなたをメンションしました" in page
    assert "明日の集合場所は？" in page


def test_a_moderators_undoing_is_worded(thread, decide, visitor_client):
    hanako, circle, thread_id = thread
    decide(hanako, "hide", "", post_id=thread_id, circle_id=circle, undone=True)
    decide(hanako, "suspend", "スパム")
    page = text_of(visitor_client(hanako).get("/me/notifications", headers=EN))
    assert "The decision to hide your post was undone" in page
    assert "A moderator suspended you from posting for a while" in page
    assert "Reason: スパム" in page


def test_the_empty_page_says_what_will_come(make_resident, visitor_client):
    page = text_of(visitor_client(make_resident()).get("/me/notifications", headers=EN))
    assert "No notifications yet." in page
    assert "Mark all as read" not in page


def unread(app, visitor_id):
    with app.app_context():
        rows = db.session.scalars(
            select(Notification.id).where(
                Notification.visitor_id == visitor_id, Notification.read_at.is_(None)
            )
        )
        return sorted(rows)


def test_unread_items_are_marked_for_eyes_and_screen_readers(
    thread, make_resident, react, visitor_client
):
    hanako, _, thread_id = thread
    react(thread_id, make_resident())
    html = visitor_client(hanako).get("/me/notifications", headers=EN).get_data(as_text=True)
    assert 'class="notification unread"' in html
    assert '<span class="badge badge-unread">Unread</span>' in html


def test_opening_an_item_marks_it_read_and_goes_to_the_post(
    app, thread, make_resident, make_post, publish, visitor_client
):
    hanako, circle, thread_id = thread
    reply = make_post(circle, make_resident(), thread_id=thread_id)
    publish(reply)
    (notification,) = unread(app, hanako)
    client = visitor_client(hanako)
    html = client.get("/me/notifications").get_data(as_text=True)
    assert f'href="/me/notifications/{notification}/open"' in html
    for _ in range(2):  # twice: the same answer, read once
        response = client.get(f"/me/notifications/{notification}/open")
        assert response.status_code == 303
        assert response.headers["Location"] == (
            f"/circles/{circle}/threads/{thread_id}?post={reply}#post-{reply}"
        )
    assert unread(app, hanako) == []


def test_a_join_request_opens_the_circle(
    app, make_resident, make_circle, add_member, visitor_client
):
    from rally.circles.models import Circle
    from rally.circles.operations import join
    from rally.visitors.models import Visitor

    moderator, asker = make_resident(), make_resident()
    circle_id = make_circle(kind=CircleKind.members_only)
    add_member(circle_id, moderator, moderator=True)
    with app.app_context():
        join(db.session.get(Circle, circle_id), db.session.get(Visitor, asker))
        db.session.commit()
    (notification,) = unread(app, moderator)
    response = visitor_client(moderator).get(f"/me/notifications/{notification}/open")
    assert response.headers["Location"] == f"/circles/{circle_id}"


def test_another_residents_notification_is_not_found(
    app, thread, make_resident, react, visitor_client
):
    hanako, _, thread_id = thread
    react(thread_id, make_resident())
    (notification,) = unread(app, hanako)
    stranger = visitor_client(make_resident("よそもの"))
    assert stranger.get(f"/me/notifications/{notification}/open").status_code == 404
    assert stranger.get("/me/notifications/99999/open").status_code == 404
    assert "公園" not in stranger.get("/me/notifications").get_data(as_text=True)
    assert unread(app, hanako) == [notification]


def test_mark_all_as_read(app, thread, make_resident, react, visitor_client):
    hanako, _, thread_id = thread
    react(thread_id, make_resident(), "👍")
    react(thread_id, make_resident(), "👀")
    client = visitor_client(hanako)
    html = client.get("/me/notifications", headers=EN).get_data(as_text=True)
    shown_at = re.search(r'name="shown_at" value="([^"]+)"', html).group(1)
    response = client.post("/me/notifications/read", data={"shown_at": shown_at}, headers=EN)
    assert response.status_code == 303
    assert unread(app, hanako) == []
    page = text_of(client.get("/me/notifications", headers=EN))
    assert "All notifications are marked as read." in page
    assert "Unread" not in page


def test_mark_all_leaves_what_came_after_the_page_unread(
    app, thread, make_resident, react, visitor_client
):
    hanako, _, thread_id = thread
    react(thread_id, make_resident(), "👍")
    client = visitor_client(hanako)
    html = client.get("/me/notifications").get_data(as_text=True)
    shown_at = re.search(r'name="shown_at" value="([^"]+)"', html).group(1)
    react(thread_id, make_resident(), "👍")  # the group grew after the page was shown
    react(thread_id, make_resident(), "❤️")
    client.post("/me/notifications/read", data={"shown_at": shown_at})
    assert len(unread(app, hanako)) == 2


def test_mark_all_needs_a_logged_in_visitor(app, thread, make_resident, react, client):
    hanako, _, thread_id = thread
    react(thread_id, make_resident())
    response = client.post("/me/notifications/read")
    assert response.status_code == 302
    assert len(unread(app, hanako)) == 1


def test_a_post_no_longer_readable_is_not_shown_nor_counted(
    app, thread, make_resident, make_post, publish, react, visitor_client
):
    hanako, circle, thread_id = thread
    taro = make_resident("たろう")
    reply = make_post(circle, taro, "秘密の返信", thread_id=thread_id)
    publish(reply)
    react(thread_id, taro)
    with app.app_context():
        db.session.get(Post, reply).state = PostState.hidden
        db.session.commit()
    client = visitor_client(hanako)
    page = text_of(client.get("/me/notifications", headers=EN))
    assert "replied" not in page
    assert "reacted" in page
    assert len(unread(app, hanako)) == 1
    assert 'data-testid="notifications-count">1<' in client.get("/circles").get_data(as_text=True)


def test_a_members_only_circle_left_hides_its_mentions(
    app, make_resident, make_circle, add_member, make_post, publish, visitor_client
):
    hiroba = make_circle(kind=CircleKind.members_only)
    reader, taro = make_resident(), make_resident("たろう")
    add_member(hiroba, reader)
    add_member(hiroba, taro)
    publish(make_post(hiroba, taro, "子どもの写真の話"), mentioned={reader})
    with app.app_context():
        row = db.session.scalar(select(CircleMember).where(CircleMember.visitor_id == reader))
        db.session.delete(row)
        db.session.commit()
    page = text_of(visitor_client(reader).get("/me/notifications", headers=EN))
    assert "mentioned" not in page
    assert "子どもの写真" not in page


def test_a_resident_muted_since_is_not_shown(
    thread, make_resident, make_post, publish, hide_from, visitor_client
):
    hanako, circle, thread_id = thread
    taro = make_resident("たろう")
    publish(make_post(circle, taro, thread_id=thread_id))
    hide_from(hanako, taro, BlockKind.mute)
    page = text_of(visitor_client(hanako).get("/me/notifications", headers=EN))
    assert "たろう" not in page


# The header


def test_the_header_shows_the_unread_count(thread, make_resident, react, visitor_client):
    hanako, _, thread_id = thread
    for emoji in ("👍", "❤️", "🎉"):
        react(thread_id, make_resident(), emoji)
    client = visitor_client(hanako)
    html = client.get("/circles", headers=EN).get_data(as_text=True)
    assert 'aria-label="Notifications, 3 unread"' in html
    assert 'data-testid="notifications-count">3<' in html
    html = client.get("/circles", headers=JA).get_data(as_text=True)
    assert 'aria-label="通知（未読3件）"' in html


def test_the_header_link_without_unread_has_no_count(make_resident, visitor_client):
    html = visitor_client(make_resident()).get("/circles", headers=EN).get_data(as_text=True)
    assert 'href="/me/notifications"' in html
    assert "notifications-count" not in html


@pytest.fixture
def statements(app):
    """The SQL statements run while the block runs."""
    seen = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    yield seen
    event.remove(engine, "before_cursor_execute", listen)


def test_anonymous_and_staff_pages_run_no_notification_query(client, admin_client, statements):
    assert "/me/notifications" not in client.get("/circles").get_data(as_text=True)
    assert "/me/notifications" not in admin_client.get("/circles").get_data(as_text=True)
    assert not [s for s in statements if "notification" in s]


def test_a_visitors_page_counts_with_one_query(make_resident, visitor_client, statements):
    client = visitor_client(make_resident())
    client.get("/circles")
    assert len([s for s in statements if "FROM notification" in s]) == 1


def test_a_scan_and_the_card_page_of_a_card_holder_run_no_notification_query(
    client, make_campaign, stamp_path, statements
):
    campaign_id, checkpoints = make_campaign()
    assert client.get(stamp_path(checkpoints[0])).status_code == 303
    assert client.get(f"/card/{campaign_id}").status_code == 200
    assert not [s for s in statements if "notification" in s]


def test_mark_all_without_its_form_token_is_refused(
    app, database_url, thread, make_resident, react
):
    from rally import create_app
    from rally.passwords import password_stamp
    from rally.visitors.models import Visitor

    hanako, _, thread_id = thread
    react(thread_id, make_resident())
    strict = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    client = strict.test_client()
    with strict.app_context():
        stamp = password_stamp(db.session.get(Visitor, hanako).password_hash)
    with client.session_transaction() as session:
        session["visitor_id"], session["visitor_stamp"] = hanako, stamp
    try:
        assert client.post("/me/notifications/read").status_code == 400
        assert len(unread(app, hanako)) == 1
    finally:
        with strict.app_context():
            db.session.remove()
            db.engine.dispose()
