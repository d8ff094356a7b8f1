"""Circles: who reads, who joins, who approves; the access matrix over every circles route."""

import itertools

import pytest
from sqlalchemy import select

from rally.auth.models import Role
from rally.circles.models import (
    Circle,
    CircleKind,
    CircleMember,
    CircleStaff,
    CircleStatus,
    MemberState,
)
from rally.extensions import db
from rally.i18n.languages import DEFAULT_LANGUAGES as LANGUAGES
from rally.residents.models import Resident
from tests import factories

EN = {"Accept-Language": "en"}
SECRET = "Only for the families of the Hiroba"
_n = itertools.count(1)


@pytest.fixture
def make_visitor(app):
    """A visitor account; ``profile``: a complete resident profile; ``verified``: a
    verified resident."""

    def make(profile=True, verified=False, confirmed=True):
        number = next(_n)
        return factories.create_visitor(
            app,
            email=f"circle{number}@example.jp",
            handle=f"resident{number}",
            display_name=f"住民{number}",
            profile=profile,
            verified=verified,
            confirmed=confirmed,
        )

    return make


@pytest.fixture
def make_circle(app):
    def make(kind=CircleKind.open, status=CircleStatus.active, name="子育てひろば", **kw):
        return factories.create_circle(
            app,
            kind=kind,
            status=status,
            name={"ja": name, "en": "Hiroba"},
            description={"ja": SECRET, "en": SECRET},
            icon="🧸",
            **kw,
        )

    return make


def memberships(app):
    with app.app_context():
        rows = db.session.scalars(select(CircleMember).order_by(CircleMember.id))
        return [(r.circle_id, r.visitor_id, r.state.value, r.is_moderator) for r in rows]


def circles_state(app):
    with app.app_context():
        rows = db.session.scalars(select(Circle).order_by(Circle.id))
        return [(c.id, c.status.value, c.kind.value, dict(c.name), c.icon) for c in rows]


def snapshot(app):
    return memberships(app), circles_state(app)


# The access matrix


@pytest.fixture
def world(app, make_visitor, visitor_client, make_circle, add_member, auth, make_user):
    """A members-only circle with a member, a moderator and a pending request; a client for
    each role."""
    circle_id = make_circle(kind=CircleKind.members_only)
    asker = make_visitor()
    member = make_visitor()
    moderator = make_visitor(verified=True)
    request_id = add_member(circle_id, asker, MemberState.requested)
    member_row = add_member(circle_id, member)
    add_member(circle_id, moderator, moderator=True)
    staff = make_user(role=Role.merchant)
    with app.app_context():
        row = CircleStaff(circle_id=circle_id, user_id=staff.id)
        db.session.add(row)
        db.session.commit()
        staff_row = row.id
    clients = {
        "anonymous": app.test_client(),
        "digital": visitor_client(make_visitor()),
        "verified": visitor_client(make_visitor(verified=True)),
        "member": visitor_client(member),
        "non-member": visitor_client(asker),  # has asked, not yet a member
        "moderator": visitor_client(moderator),
        "merchant": auth.new_client(make_user(role=Role.merchant)),
        "staff moderator": auth.new_client(staff),
        "admin": auth.new_client(make_user(role=Role.admin)),
    }
    return {
        "circle": circle_id,
        "request": request_id,
        "member_row": member_row,
        "staff_row": staff_row,
        "clients": clients,
    }


ROLES = [
    "anonymous",
    "digital",
    "verified",
    "member",
    "non-member",
    "moderator",
    "staff moderator",
    "merchant",
    "admin",
]
READERS = {"member", "moderator", "staff moderator", "admin"}
LOGIN = 302

# (method, path, allowed roles -> status; everyone else -> refused status)
MODERATION = [
    ("post", "/circles/{circle}/requests/{request}/approve"),
    ("post", "/circles/{circle}/requests/{request}/refuse"),
    ("post", "/circles/{circle}/members/{member_row}/remove"),
]
ADMIN_PAGES = [
    ("get", "/admin/circles/"),
    ("get", "/admin/circles/new"),
    ("get", "/admin/circles/{circle}/edit"),
    ("post", "/admin/circles/{circle}/status/archived"),
    ("post", "/admin/circles/{circle}/moderators"),
    ("post", "/admin/circles/{circle}/moderators/{member_row}/unname"),
    ("post", "/admin/circles/{circle}/staff/{staff_row}/unname"),
    ("post", "/admin/circles/{circle}/edit"),
    ("post", "/admin/circles/new"),
]


@pytest.mark.parametrize("role", ROLES)
def test_members_only_content_is_shown_to_members_moderators_and_admins_alone(world, role):
    client = world["clients"][role]
    for path in ("/circles", f"/circles/{world['circle']}"):
        response = client.get(path, headers=EN)
        assert response.status_code == 200
        assert (SECRET in response.get_data(as_text=True)) == (role in READERS), path
    listing = client.get("/circles", headers=EN).get_data(as_text=True)
    assert "Hiroba" in listing  # listed by name for everyone


def test_members_only_circle_page_says_noindex_and_an_open_one_does_not(client, make_circle, world):
    page = client.get(f"/circles/{world['circle']}").get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in page
    open_id = make_circle(kind=CircleKind.open, name="まちの情報")
    page = client.get(f"/circles/{open_id}").get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' not in page
    assert 'rel="canonical"' in page


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path", MODERATION)
def test_only_moderators_and_admins_answer_requests_and_remove_members(
    app, world, role, method, path
):
    before = snapshot(app)
    url = path.format(**world)
    response = getattr(world["clients"][role], method)(url, headers=EN)
    if role in {"moderator", "staff moderator", "admin"}:
        assert response.status_code == 303
        assert snapshot(app) != before
    else:
        assert response.status_code == 403
        assert snapshot(app) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path", ADMIN_PAGES)
def test_only_the_association_reaches_its_circle_pages(app, world, role, method, path):
    before = snapshot(app)
    url = path.format(**world)
    data = {"handle": "@resident1", "name-ja": "変更", "kind": "open"}
    response = getattr(world["clients"][role], method)(url, data=data, headers=EN)
    if role == "admin":
        assert response.status_code in {200, 303}
    else:
        assert response.status_code == (403 if role in {"merchant", "staff moderator"} else LOGIN)
        assert snapshot(app) == before


@pytest.mark.parametrize("role", ROLES)
def test_join_and_leave_need_a_resident(app, world, role):
    client = world["clients"][role]
    before = snapshot(app)
    join = client.post(f"/circles/{world['circle']}/join", headers=EN)
    leave = client.post(f"/circles/{world['circle']}/leave", headers=EN)
    if role in {
        "anonymous",
        "merchant",
        "staff moderator",
        "admin",
    }:  # no visitor account: sent to log in
        assert join.status_code == LOGIN and "/login" in join.location
        assert leave.status_code == LOGIN
        assert snapshot(app) == before
    else:
        assert join.status_code == 303 and leave.status_code == 303


def test_a_pending_or_archived_circle_is_not_found_by_residents(
    app, make_circle, make_visitor, visitor_client, admin_client
):
    pending = make_circle(status=CircleStatus.pending)
    archived = make_circle(status=CircleStatus.archived)
    resident = visitor_client(make_visitor())
    for circle_id in (pending, archived):
        assert resident.get(f"/circles/{circle_id}").status_code == 404
        assert resident.post(f"/circles/{circle_id}/join").status_code == 404
        assert admin_client.get(f"/circles/{circle_id}").status_code == 200
    assert "Hiroba" not in resident.get("/circles", headers=EN).get_data(as_text=True)
    assert memberships(app) == []


# Joining the three kinds


def test_joining_an_open_circle_makes_a_member_at_once(
    app, make_circle, make_visitor, visitor_client
):
    circle_id = make_circle(kind=CircleKind.open)
    visitor_id = make_visitor()
    client = visitor_client(visitor_id)
    response = client.post(f"/circles/{circle_id}/join", headers=EN, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Welcome: you are a member of this circle." in text
    assert "1 member" in text
    assert memberships(app) == [(circle_id, visitor_id, "member", False)]
    client.post(f"/circles/{circle_id}/join", headers=EN)  # twice: still one membership
    assert memberships(app) == [(circle_id, visitor_id, "member", False)]


def test_joining_a_members_only_circle_asks_a_moderator(
    app, make_circle, make_visitor, visitor_client
):
    circle_id = make_circle(kind=CircleKind.members_only)
    visitor_id = make_visitor()
    client = visitor_client(visitor_id)
    text = client.post(f"/circles/{circle_id}/join", headers=EN, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Your request to join is sent." in text
    assert SECRET not in text
    assert memberships(app) == [(circle_id, visitor_id, "requested", False)]


def test_a_verified_only_circle_refuses_a_digital_resident_and_takes_a_verified_one(
    app, make_circle, make_visitor, visitor_client
):
    circle_id = make_circle(kind=CircleKind.verified_only)
    digital = visitor_client(make_visitor())
    refused = digital.post(f"/circles/{circle_id}/join", headers=EN)
    assert refused.status_code == 403
    assert "Only verified residents can join this circle." in refused.get_data(as_text=True)
    assert memberships(app) == []
    verified_id = make_visitor(verified=True)
    assert visitor_client(verified_id).post(f"/circles/{circle_id}/join").status_code == 303
    assert memberships(app) == [(circle_id, verified_id, "member", False)]


@pytest.mark.parametrize(
    "kw", [{"profile": False}, {"confirmed": False}], ids=["no profile", "unconfirmed e-mail"]
)
def test_a_resident_without_a_complete_profile_is_sent_to_complete_it(
    app, make_circle, make_visitor, visitor_client, kw
):
    circle_id = make_circle(kind=CircleKind.open)
    response = visitor_client(make_visitor(**kw)).post(f"/circles/{circle_id}/join")
    assert response.status_code == 303
    assert response.location.endswith("/me/profile")
    assert memberships(app) == []


def test_many_joins_of_one_resident_at_once_make_one_membership(
    app, make_circle, make_visitor, visitor_client, race
):
    circle_id = make_circle(kind=CircleKind.open)
    visitor_id = make_visitor()

    def prepare(index):
        client = visitor_client(visitor_id)
        return lambda: client.post(f"/circles/{circle_id}/join").status_code

    assert race(6, prepare) == [303] * 6
    assert memberships(app) == [(circle_id, visitor_id, "member", False)]


# Moderators


def test_a_moderator_sees_and_approves_a_request(app, world):
    moderator = world["clients"]["moderator"]
    page = moderator.get(f"/circles/{world['circle']}", headers=EN).get_data(as_text=True)
    assert 'data-testid="requests"' in page
    response = moderator.post(
        f"/circles/{world['circle']}/requests/{world['request']}/approve",
        headers=EN,
        follow_redirects=True,
    )
    assert "Request approved." in response.get_data(as_text=True)
    asker = world["clients"]["non-member"]
    assert SECRET in asker.get(f"/circles/{world['circle']}").get_data(as_text=True)
    with app.app_context():
        row = db.session.get(CircleMember, world["request"])
        assert row.state is MemberState.member and row.joined_at is not None


def test_a_member_does_not_see_the_requests(world):
    page = world["clients"]["member"].get(f"/circles/{world['circle']}", headers=EN)
    assert 'data-testid="requests"' not in page.get_data(as_text=True)


def test_a_moderator_refuses_a_request_and_the_resident_may_ask_again(app, world):
    world["clients"]["moderator"].post(
        f"/circles/{world['circle']}/requests/{world['request']}/refuse"
    )
    with app.app_context():
        assert db.session.get(CircleMember, world["request"]) is None
    world["clients"]["non-member"].post(f"/circles/{world['circle']}/join")
    assert sum(1 for row in memberships(app) if row[2] == "requested") == 1


def test_approving_one_request_twice_at_once_approves_it_once(app, world, race):
    def prepare(index):
        client = world["clients"]["moderator" if index == 0 else "admin"]
        url = f"/circles/{world['circle']}/requests/{world['request']}/approve"
        return lambda: client.post(url, headers=EN).status_code

    assert sorted(race(2, prepare)) == [303, 409]
    assert sum(1 for row in memberships(app) if row[2] == "member") == 3


def test_a_member_leaves(app, world):
    world["clients"]["member"].post(f"/circles/{world['circle']}/leave")
    with app.app_context():
        assert db.session.get(CircleMember, world["member_row"]) is None


def test_a_moderator_removes_a_member_but_not_another_moderator(
    app, world, make_visitor, add_member
):
    other = add_member(world["circle"], make_visitor(), moderator=True)
    moderator = world["clients"]["moderator"]
    assert (
        moderator.post(f"/circles/{world['circle']}/members/{world['member_row']}/remove")
    ).status_code == 303
    before = snapshot(app)
    refused = moderator.post(f"/circles/{world['circle']}/members/{other}/remove", headers=EN)
    assert refused.status_code == 403
    assert snapshot(app) == before
    with app.app_context():
        assert db.session.get(CircleMember, world["member_row"]) is None


def test_a_moderator_of_another_circle_cannot_answer_this_ones_requests(
    app, world, make_circle, make_visitor, visitor_client, add_member
):
    elsewhere = make_circle(kind=CircleKind.open, name="まちの情報")
    other_moderator = make_visitor()
    add_member(elsewhere, other_moderator, moderator=True)
    before = snapshot(app)
    url = f"/circles/{world['circle']}/requests/{world['request']}/approve"
    assert visitor_client(other_moderator).post(url).status_code == 403
    # nor through the other circle's address
    url = f"/circles/{elsewhere}/requests/{world['request']}/approve"
    assert visitor_client(other_moderator).post(url).status_code == 404
    assert snapshot(app) == before


# The association


def test_a_resident_proposes_a_circle_and_an_admin_approves_it(
    app, make_visitor, visitor_client, admin_client
):
    visitor_id = make_visitor()
    resident = visitor_client(visitor_id)
    response = resident.post(
        "/circles/propose",
        data={
            "name-ja": "川辺の散歩会",
            "name-en": "Riverside walks",
            "icon": "🚶",
            "kind": "open",
        },
        headers=EN,
    )
    assert response.status_code == 303
    with app.app_context():
        circle = db.session.scalar(select(Circle))
        circle_id = circle.id
        assert circle.status is CircleStatus.pending
        assert circle.proposed_by_id == visitor_id
    assert "Riverside walks" not in visitor_client(make_visitor()).get(
        "/circles", headers=EN
    ).get_data(as_text=True)
    assert resident.get(f"/circles/{circle_id}").status_code == 200  # the proposer sees it
    listing = admin_client.get("/admin/circles/", headers=EN).get_data(as_text=True)
    assert "Riverside walks" in listing and "Waiting for the association" in listing
    admin_client.post(f"/admin/circles/{circle_id}/status/active")
    assert circles_state(app)[0][1] == "active"
    assert "Riverside walks" in visitor_client(make_visitor()).get("/circles", headers=EN).get_data(
        as_text=True
    )
    assert (circle_id, visitor_id, "member", True) in memberships(app)


def test_an_admin_creates_a_circle_in_two_languages_and_names_a_moderator(
    app, admin_client, make_visitor
):
    response = admin_client.post(
        "/admin/circles/new",
        data={"name-ja": "まちの情報", "name-en": "Town notes", "icon": "📰", "kind": "open"},
    )
    assert response.status_code == 303
    (circle_id, status, kind, name, icon) = circles_state(app)[0]
    assert (status, kind, name, icon) == (
        "active",
        "open",
        {"ja": "まちの情報", "en": "Town notes"},
        "📰",
    )
    visitor_id = make_visitor()
    with app.app_context():
        handle = db.session.get(Resident, visitor_id).handle
    admin_client.post(f"/admin/circles/{circle_id}/moderators", data={"handle": "@" + handle})
    assert memberships(app) == [(circle_id, visitor_id, "member", True)]


def test_an_admin_names_a_staff_member_moderator_by_e_mail_once(
    app, admin_client, make_circle, make_user
):
    circle_id = make_circle(kind=CircleKind.members_only)
    staff = make_user(role=Role.merchant, email="yaotatsu@example.jp")
    for _ in range(2):
        response = admin_client.post(
            f"/admin/circles/{circle_id}/moderators", data={"handle": "Yaotatsu@example.jp"}
        )
        assert response.status_code == 303
    with app.app_context():
        rows = db.session.scalars(select(CircleStaff)).all()
        assert [(row.circle_id, row.user_id) for row in rows] == [(circle_id, staff.id)]
    page = admin_client.get(f"/admin/circles/{circle_id}/edit", headers=EN).get_data(as_text=True)
    assert "yaotatsu@example.jp" in page or staff.name in page


def test_naming_an_unknown_e_mail_or_handle_names_nobody(app, admin_client, make_circle):
    circle_id = make_circle()
    for who in ("nobody@example.jp", "@nobody"):
        admin_client.post(f"/admin/circles/{circle_id}/moderators", data={"handle": who})
    assert memberships(app) == []
    with app.app_context():
        assert db.session.scalars(select(CircleStaff)).all() == []


def test_a_circle_needs_a_name(app, admin_client):
    response = admin_client.post("/admin/circles/new", data={"icon": "📰", "kind": "open"})
    assert response.status_code == 400
    assert circles_state(app) == []


def test_an_archived_circle_leaves_the_list(app, make_circle, admin_client, client):
    circle_id = make_circle(kind=CircleKind.open)
    admin_client.post(f"/admin/circles/{circle_id}/status/archived")
    assert "Hiroba" not in client.get("/circles", headers=EN).get_data(as_text=True)
    assert client.get(f"/circles/{circle_id}").status_code == 404


def test_the_back_office_menu_links_the_circles(admin_client):
    page = admin_client.get("/admin/circles/", headers=EN).get_data(as_text=True)
    assert 'href="/admin/circles/" aria-current="page"' in page


# The demo


def test_the_demo_adds_its_circles_once_and_its_resident_and_moderator_log_ins_work(app, runner):
    with app.app_context():
        db.drop_all()  # the demo builds its schema through the migrations
    output = runner.invoke(args=["demo"]).output
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        circles = db.session.scalars(select(Circle).order_by(Circle.id)).all()
        assert [(c.name["ja"], c.name["en"], c.kind) for c in circles] == [
            ("まちの情報", "Town notes", CircleKind.open),
            ("子育てひろば", "Child-raising Hiroba", CircleKind.members_only),
            ("三鷹まちづくり会議室", "Mitaka Town Lab", CircleKind.open),
            # The association's circle for the ideas' comments (rally/ideas).
            ("まちづくりアイデア", "Ideas for the town", CircleKind.open),
        ]
        # Every language of the site has the demo circles' names and descriptions.
        assert all(set(c.name) == set(c.description) == set(LANGUAGES) for c in circles)
        hiroba = circles[1].id
        # The moderator and the resident in each circle, and the demo's six other writers;
        # the six authors of the demo's ideas joined the ideas' circle (rally/ideas/demo.py).
        assert len(memberships(app)) == 6 + 6 * 3 + 6
        assert ("requested", False) in {(m[2], m[3]) for m in memberships(app) if m[0] == hiroba}
    log_ins = {}
    for role in ("Resident:", "Circle moderator:"):
        line = next(line for line in output.splitlines() if role in line)
        log_ins[role] = line.split(":", 1)[1].strip().split(" / ")
    resident, moderator = app.test_client(), app.test_client()
    for client, (email, password) in zip((resident, moderator), log_ins.values(), strict=True):
        response = client.post("/me/login", data={"email": email, "password": password})
        assert response.status_code == 303
    assert SECRET not in resident.get(f"/circles/{hiroba}").get_data(as_text=True)
    page = moderator.get(f"/circles/{hiroba}", headers=EN).get_data(as_text=True)
    assert 'data-testid="requests"' in page and "@taro" in page
