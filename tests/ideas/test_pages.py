"""The ideas' pages: proposing, supporting (once, withdrawable), following, comments in the
ideas' circle, the list with its counts, the feed, the CSV and who may move states."""

import csv
import io
import re
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select

from rally.auth.models import Role
from rally.extensions import db
from rally.ideas import operations
from rally.ideas.models import Idea, IdeaBoard, IdeaFollow, IdeaState, IdeaSupport
from rally.ideas.operations import IdeaError
from rally.threads.models import Post, PostState
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .conftest import answered, get_idea, snapshot

EN = {"Accept-Language": "en"}


def _supports(idea_id):
    return db.session.scalar(
        select(func.count()).select_from(IdeaSupport).where(IdeaSupport.idea_id == idea_id)
    )


def test_a_resident_proposes_an_idea_that_starts_a_thread_in_the_ideas_circle(
    app, make_visitor, visitor_client
):
    author = make_visitor()
    client = visitor_client(author)
    assert client.get("/ideas/new", headers=EN).status_code == 200
    response = client.post(
        "/ideas/new",
        data={"title": "Shade <b>trees</b>", "body": "Plant **trees** on Main Street."},
        headers=EN,
    )
    assert response.status_code == 303
    with app.app_context():
        idea = db.session.scalar(select(Idea))
        assert (idea.author_id, idea.state, idea.language) == (author, IdeaState.submitted, "en")
        assert "<strong>trees</strong>" in idea.html
        board = db.session.get(IdeaBoard, 1)
        assert idea.thread.circle_id == board.circle_id and idea.thread.thread_id is None
        idea_id = idea.id
    page = client.get(f"/ideas/{idea_id}", headers=EN).get_data(as_text=True)
    assert "Shade &lt;b&gt;trees&lt;/b&gt;" in page
    assert "<strong>trees</strong>" in page


def test_a_resident_without_a_profile_cannot_propose(app, make_visitor, visitor_client):
    visitor = make_visitor(profile=False)
    client = visitor_client(visitor)
    response = client.post("/ideas/new", data={"title": "x", "body": "y"}, headers=EN)
    assert response.status_code == 303 and "/me/profile" in response.location
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Idea)) == 0


def test_an_empty_title_is_refused_and_nothing_is_saved(app, make_visitor, visitor_client):
    client = visitor_client(make_visitor())
    response = client.post("/ideas/new", data={"title": "  ", "body": "y"}, headers=EN)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Idea)) == 0
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_support_once_withdraw_and_split_verified_and_digital(
    app, make_idea, make_visitor, visitor_client
):
    idea_id = make_idea()
    verified, digital = make_visitor(verified=True), make_visitor()
    for visitor_id in (verified, digital):
        client = visitor_client(visitor_id)
        assert client.post(f"/ideas/{idea_id}/support").status_code == 303
        assert client.post(f"/ideas/{idea_id}/support").status_code == 303  # a double tap
    with app.app_context():
        assert _supports(idea_id) == 2
    page = visitor_client(digital).get(f"/ideas/{idea_id}", headers=EN).get_data(as_text=True)
    assert "2 supporters" in page
    assert "1 verified resident" in page and "1 digital resident" in page
    assert "Withdraw my support" in page
    visitor_client(digital).post(f"/ideas/{idea_id}/unsupport")
    with app.app_context():
        assert _supports(idea_id) == 1


def test_the_author_cannot_support_their_own_idea(app, make_idea, make_visitor):
    author = make_visitor()
    idea_id = make_idea(author_id=author)
    with app.app_context():
        with pytest.raises(IdeaError) as refused:
            operations.support(get_idea(idea_id), db.session.get(Visitor, author), utcnow())
        assert refused.value.code == "own_idea"
        assert _supports(idea_id) == 0


def test_supporting_needs_a_resident_with_a_profile(app, make_idea, make_visitor, client):
    idea_id = make_idea()
    without_profile = make_visitor(profile=False)
    assert client.post(f"/ideas/{idea_id}/support").status_code == 303  # to the log-in
    with app.app_context():
        with pytest.raises(IdeaError) as refused:
            operations.support(
                get_idea(idea_id), db.session.get(Visitor, without_profile), utcnow()
            )
        assert refused.value.code == "profile_incomplete"
        assert _supports(idea_id) == 0


def test_follow_and_unfollow(app, make_idea, make_visitor, visitor_client):
    idea_id = make_idea()
    client = visitor_client(make_visitor())
    client.post(f"/ideas/{idea_id}/follow")
    client.post(f"/ideas/{idea_id}/follow")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IdeaFollow)) == 1
    assert "Unfollow" in client.get(f"/ideas/{idea_id}", headers=EN).get_data(as_text=True)
    client.post(f"/ideas/{idea_id}/unfollow")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IdeaFollow)) == 0


def test_comments_are_replies_in_the_ideas_thread(app, make_idea, make_visitor, visitor_client):
    author = make_visitor()
    idea_id = make_idea(author_id=author)
    commenter = make_visitor()
    client = visitor_client(commenter)
    response = client.post(f"/ideas/{idea_id}/comments", data={"text": "賛成です <i>!</i>"})
    assert response.status_code == 303
    with app.app_context():
        idea = get_idea(idea_id)
        reply = db.session.scalar(select(Post).where(Post.thread_id == idea.thread_id))
        assert reply.author_id == commenter and reply.state is PostState.visible
        from rally.notifications.models import Notification

        told = db.session.scalar(
            select(Notification).where(
                Notification.kind == "reply", Notification.post_id == reply.id
            )
        )
        assert told.visitor_id == author  # the threads' reply notification, unchanged
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert "賛成です &lt;i&gt;!&lt;/i&gt;" in page


def test_a_held_idea_shows_only_to_its_author_and_the_association(
    app, make_idea, make_visitor, visitor_client, client, admin_client
):
    author = make_visitor()
    idea_id = make_idea(author_id=author)
    with app.app_context():
        get_idea(idea_id).thread.state = PostState.hidden
        db.session.commit()
    assert client.get(f"/ideas/{idea_id}").status_code == 404
    assert visitor_client(make_visitor()).get(f"/ideas/{idea_id}").status_code == 404
    assert visitor_client(author).get(f"/ideas/{idea_id}").status_code == 200
    assert admin_client.get(f"/admin/ideas/{idea_id}").status_code == 200
    assert f"/ideas/{idea_id}" not in client.get("/ideas").get_data(as_text=True)


def test_the_list_by_state_and_area_with_counts(app, make_idea, client):
    done = make_idea(title="Done one")
    make_idea(title="Waiting one")
    with app.app_context():
        answered(done)
        idea = get_idea(done)
        idea.state = IdeaState.in_progress
        operations.change_state(idea, IdeaState.done, utcnow())
        db.session.commit()
    page = client.get("/ideas", headers=EN).get_data(as_text=True)
    assert "1 idea done this year" in page
    assert "Done one" in page and "Waiting one" in page
    page = client.get("/ideas?state=done", headers=EN).get_data(as_text=True)
    assert "Done one" in page and "Waiting one" not in page
    assert client.get("/ideas?state=nonsense&area=999999999999").status_code == 200


def test_the_atom_feed_is_valid_and_escaped(app, make_idea, client):
    idea_id = make_idea(title="<script>alert(1)</script> & ]]>")
    with app.app_context():
        operations.change_state(get_idea(idea_id), IdeaState.evaluating, utcnow())
        answered(idea_id, "答え <b>&</b>")
        db.session.commit()
    response = client.get("/ideas/feed.atom?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert len(entries) == 2
    assert entries[0].find("a:title", ns).text == "<script>alert(1)</script> & ]]>"
    assert "答え <b>&</b>" in entries[0].find("a:content", ns).text
    assert b"<script>" not in response.data


def test_the_association_exports_the_ideas_as_csv(app, make_idea, make_visitor, admin_client):
    idea_id = make_idea(title="=HYPERLINK(1)")
    supporter = make_visitor(verified=True)
    with app.app_context():
        operations.support(get_idea(idea_id), db.session.get(Visitor, supporter), utcnow())
        db.session.commit()
    response = admin_client.get("/admin/exports/ideas.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, row = rows[0], rows[1]
    assert header[:4] == ["id", "title", "language", "state"]
    assert row[1] == "'=HYPERLINK(1)"
    assert row[header.index("supports_verified")] == "1"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("state", {"to": "evaluating"}),
        ("answer", {"text": "はい", "publish": "1"}),
        ("updates", {"happened_on": "2026-12-01", "text-ja": "x", "progress": "10"}),
    ],
)
def test_only_the_association_moves_ideas(
    app, make_idea, make_visitor, visitor_client, auth, make_user, client, path, data
):
    idea_id = make_idea()
    with app.app_context():
        before = snapshot(idea_id)
    resident = visitor_client(make_visitor())
    assert resident.post(f"/admin/ideas/{idea_id}/{path}", data=data).status_code in (302, 303)
    merchant = auth.new_client(make_user(role=Role.merchant))
    assert merchant.post(f"/admin/ideas/{idea_id}/{path}", data=data).status_code == 403
    assert merchant.get(f"/admin/ideas/{idea_id}").status_code == 403
    assert merchant.get("/admin/exports/ideas.csv").status_code == 403
    with app.app_context():
        assert snapshot(idea_id) == before


def test_the_association_answers_and_moves_an_idea(app, make_idea, admin_client):
    idea_id = make_idea(state=IdeaState.evaluating)
    refused = admin_client.post(f"/admin/ideas/{idea_id}/state", data={"to": "accepted"})
    assert refused.status_code == 303
    with app.app_context():
        assert get_idea(idea_id).state is IdeaState.evaluating
    admin_client.post(f"/admin/ideas/{idea_id}/answer", data={"text": "実施します", "save": "1"})
    with app.app_context():
        assert get_idea(idea_id).answer_draft == "実施します" and not get_idea(idea_id).has_answer
    admin_client.post(f"/admin/ideas/{idea_id}/answer", data={"text": "実施します", "publish": "1"})
    response = admin_client.post(f"/admin/ideas/{idea_id}/state", data={"to": "accepted"})
    assert response.status_code == 303
    response = admin_client.post(
        f"/admin/ideas/{idea_id}/updates",
        data={"happened_on": "2026-12-01", "text-ja": "準備中", "progress": "30"},
    )
    assert response.status_code == 303
    with app.app_context():
        idea = get_idea(idea_id)
        assert (idea.state, idea.progress) == (IdeaState.accepted, 30)
    page = admin_client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert "実施します" in page and "準備中" in page


def test_an_idea_page_is_indexed_unless_held(app, make_idea, make_visitor, visitor_client, client):
    author = make_visitor()
    idea_id = make_idea(author_id=author)
    assert 'content="noindex"' not in client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    with app.app_context():
        get_idea(idea_id).thread.state = PostState.held
        db.session.commit()
    page = visitor_client(author).get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert 'content="noindex"' in page


def test_an_ideas_photos_are_its_threads(app, make_visitor, visitor_client):
    from tests.threads.conftest import jpeg

    client = visitor_client(make_visitor())
    response = client.post(
        "/ideas/new",
        data={
            "title": "写真つき",
            "body": "公園の様子",
            "photos": [(io.BytesIO(jpeg(gps=True)), "a.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    with app.app_context():
        idea = db.session.scalar(select(Idea))
        (photo,) = idea.thread.photos
        idea_id = idea.id
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert f"/circle-photos/{photo.thumbnail}" in page
    shown = client.get(f"/circle-photos/{photo.name}")
    assert shown.status_code == 200 and b"RallyPhone" not in shown.data
    shown.close()


def test_supporting_and_following_work_with_the_sites_csrf_check_on(
    app, make_idea, make_visitor, visitor_client
):
    """The four standing routes pass Flask-WTF's check as the pages send them (the check
    reads each view's name: a view without one answered 500)."""
    idea_id = make_idea()
    client = visitor_client(make_visitor())
    app.config["WTF_CSRF_ENABLED"] = True
    for action in ("support", "follow", "unsupport", "unfollow"):
        page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        response = client.post(f"/ideas/{idea_id}/{action}", data={"csrf_token": token})
        assert response.status_code == 303, action
        with app.app_context():
            supports = _supports(idea_id)
            follows = db.session.scalar(
                select(func.count()).select_from(IdeaFollow).where(IdeaFollow.idea_id == idea_id)
            )
        expected = {"support": (1, 0), "follow": (1, 1), "unsupport": (0, 1), "unfollow": (0, 0)}
        assert (supports, follows) == expected[action], action
