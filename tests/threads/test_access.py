"""Who reads and who writes the threads of each kind of circle: the access matrix over the
threads' routes and the photo addresses; refusals leave the database and files unchanged."""

import pytest
from sqlalchemy import select

from rally.auth.models import Role
from rally.circles.models import CircleKind, CircleStaff, MemberState
from rally.extensions import db
from rally.threads.models import PostPhoto

from .conftest import EN, jpeg, snapshot

ROLES = [
    "anonymous",
    "digital",
    "verified",
    "member",
    "non-member",
    "moderator",
    "staff moderator",
    "admin",
]
KINDS = [CircleKind.open, CircleKind.members_only, CircleKind.verified_only]
NO_VISITOR = {"anonymous", "staff moderator", "admin"}
WRITERS = {"member", "moderator"}


def reads(role, kind):
    if kind is CircleKind.members_only:
        return role in {"member", "moderator", "staff moderator", "admin"}
    return True


@pytest.fixture
def world(app, make_visitor, make_circle, add_member, write, visitor_client, auth, make_user):
    member = make_visitor(verified=True)
    moderator = make_visitor(verified=True)
    asker = make_visitor()
    staff = make_user(role=Role.merchant)
    circles = {}
    for kind in KINDS:
        circle_id = make_circle(kind=kind)
        add_member(circle_id, member)
        add_member(circle_id, moderator, moderator=True)
        if kind is CircleKind.members_only:
            add_member(circle_id, asker, MemberState.requested)
        with app.app_context():
            db.session.add(CircleStaff(circle_id=circle_id, user_id=staff.id))
            db.session.commit()
        thread = write(circle_id, member, f"スレッド {kind.value}", photos=[jpeg()])
        reply = write(circle_id, moderator, f"返信 {kind.value}", thread=thread)
        with app.app_context():
            photo = db.session.scalar(select(PostPhoto).where(PostPhoto.post_id == thread))
            names = (photo.name, photo.thumbnail)
        circles[kind] = {"circle": circle_id, "thread": thread, "reply": reply, "photos": names}
    clients = {
        "anonymous": app.test_client(),
        "digital": visitor_client(make_visitor()),
        "verified": visitor_client(make_visitor(verified=True)),
        "member": visitor_client(member),
        "non-member": visitor_client(asker),
        "moderator": visitor_client(moderator),
        "staff moderator": auth.new_client(staff),
        "admin": auth.new_client(make_user(role=Role.admin)),
    }
    return {"circles": circles, "clients": clients}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.value)
@pytest.mark.parametrize("role", ROLES)
def test_readers_alone_read_threads_replies_photos_and_live_updates(app, world, role, kind):
    client = world["clients"][role]
    c = world["circles"][kind]
    base = f"/circles/{c['circle']}"
    allowed = reads(role, kind)
    page = client.get(base, headers=EN)
    assert page.status_code == 200
    assert (f"スレッド {kind.value}" in page.get_data(as_text=True)) is allowed
    urls = [
        f"{base}/threads/{c['thread']}",
        f"{base}/threads/{c['thread']}/since/0",
        f"{base}/since/0",
        *(f"/circle-photos/{name}" for name in c["photos"]),
    ]
    for url in urls:
        response = client.get(url, headers=EN)
        assert response.status_code == (200 if allowed else 404), url
        if allowed and url.startswith("/circle-photos/"):
            assert response.mimetype == "image/jpeg"
            assert "private" in response.headers["Cache-Control"]
            assert "public" not in response.headers["Cache-Control"]
        response.close()  # a file response holds its file open until closed
    thread_page = client.get(urls[0], headers=EN).get_data(as_text=True)
    if allowed:
        assert f"返信 {kind.value}" in thread_page
        noindex = '<meta name="robots" content="noindex">' in thread_page
        assert noindex is (kind is CircleKind.members_only)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.value)
@pytest.mark.parametrize("role", ROLES)
def test_only_members_post_and_refusals_change_nothing(app, world, role, kind):
    client = world["clients"][role]
    c = world["circles"][kind]
    base = f"/circles/{c['circle']}"
    before = snapshot(app)
    new = client.post(f"{base}/threads", data={"text": "新しいスレッド"}, headers=EN)
    reply = client.post(f"{base}/threads/{c['thread']}/replies", data={"text": "返事"}, headers=EN)
    if role in WRITERS:
        assert new.status_code == 303 and reply.status_code == 303
        assert snapshot(app) != before
        return
    if role in NO_VISITOR:
        expected = 302
    elif not reads(role, kind):
        expected = 404
    else:
        expected = 403
    assert new.status_code == expected and reply.status_code == expected
    if expected == 403:
        why = "Please join this circle to post in it."
        if kind is CircleKind.verified_only and role in {"digital", "non-member"}:
            why = "Only verified residents can post in this circle."
        assert why in new.get_data(as_text=True)
    assert snapshot(app) == before


def test_a_thread_of_another_circle_or_a_reply_as_thread_is_not_found(app, world):
    client = world["clients"]["member"]
    open_ = world["circles"][CircleKind.open]
    other = world["circles"][CircleKind.verified_only]
    assert client.get(f"/circles/{open_['circle']}/threads/{other['thread']}").status_code == 404
    assert client.get(f"/circles/{open_['circle']}/threads/{open_['reply']}").status_code == 404
    assert client.get(f"/circles/{open_['circle']}/threads/999999").status_code == 404


def test_unknown_photo_names_are_not_found(world):
    client = world["clients"]["admin"]
    assert client.get("/circle-photos/" + "A" * 32 + ".jpg").status_code == 404
    assert client.get("/circle-photos/" + "A" * 32 + ".thumb.jpg").status_code == 404
    assert client.get("/circle-photos/..%2Fsecret").status_code == 404


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.value)
@pytest.mark.parametrize("role", ROLES)
def test_the_author_edits_and_moderators_delete(app, world, role, kind):
    client = world["clients"][role]
    c = world["circles"][kind]
    post = f"/circles/{c['circle']}/threads/{c['thread']}/posts/{c['thread']}"
    before = snapshot(app)
    edit = client.get(f"{post}/edit", headers=EN)
    changed = client.post(f"{post}/edit", data={"text": "書き換え"}, headers=EN)
    asked = client.post(f"{post}/delete", headers=EN)  # not confirmed: the question only
    if role == "anonymous":
        expected = (302, 302, 302)
    elif not reads(role, kind):
        expected = (404, 404, 404)
    elif role == "member":  # the author
        expected = (200, 303, 200)
    elif role in {"moderator", "staff moderator", "admin"}:
        expected = (403, 403, 200)
    else:
        expected = (403, 403, 403)
    assert (edit.status_code, changed.status_code, asked.status_code) == expected
    if role != "member":
        assert snapshot(app) == before
    if asked.status_code == 200:
        assert "Delete this post?" in asked.get_data(as_text=True)
