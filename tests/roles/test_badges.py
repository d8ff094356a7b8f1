"""Badges next to a resident's name, on their posts and their profile, in the reader's
language, only while a role is active; a thread page reads every author's roles at once."""

import re
from datetime import timedelta

from rally.roles.models import RoleKind
from tests.threads.engagement_world import CountQueries

from .conftest import DAY, EN, at

LAST = DAY + timedelta(days=3)
JA = {"Accept-Language": "ja"}


def _thread(make_visitor, make_circle, add_member, write, authors=1):
    circle_id = make_circle()
    residents = [make_visitor() for _ in range(authors)]
    for resident in residents:
        add_member(circle_id, resident)
    thread = write(circle_id, residents[0], "はじめまして")
    for resident in residents[1:]:
        write(circle_id, resident, "こんにちは", thread=thread)
    return f"/circles/{circle_id}/threads/{thread}", residents


def _badges(html):
    return re.findall(r'data-testid="role-badge">([^<]*)<', html)


def test_a_post_shows_its_authors_badge_only_while_the_role_lasts(
    app, client, make_visitor, make_circle, add_member, write, grant, clock
):
    path, (author,) = _thread(make_visitor, make_circle, add_member, write)
    grant(author, RoleKind.town_office_staff, starts=DAY, ends=LAST)
    for day, shown in [
        (DAY - timedelta(days=1), []),
        (DAY, ["Online Town Office staff"]),
        (LAST, ["Online Town Office staff"]),
        (LAST + timedelta(days=1), []),
    ]:
        clock(at(day))
        assert _badges(client.get(path, headers=EN).get_data(True)) == shown, day


def test_the_badge_is_in_the_readers_language_or_the_one_the_association_wrote(
    app, client, make_visitor, make_circle, add_member, write, make_event, grant, clock
):
    path, (author,) = _thread(make_visitor, make_circle, add_member, write)
    grant(author, RoleKind.town_office_staff)
    grant(author, RoleKind.event_helper, event_id=make_event(), badge="受付係")
    clock(at(DAY))
    assert _badges(client.get(path, headers=EN).get_data(True)) == [
        "Online Town Office staff",
        "受付係",
    ]
    assert _badges(client.get(path, headers=JA).get_data(True)) == [
        "オンライン町役場スタッフ",
        "受付係",
    ]


def test_a_revoked_role_takes_its_badge_at_once(
    app, client, make_visitor, make_circle, add_member, write, grant, admin_client, clock
):
    path, (author,) = _thread(make_visitor, make_circle, add_member, write)
    role_id = grant(author, RoleKind.town_office_staff)
    clock(at(DAY))
    assert _badges(client.get(path, headers=EN).get_data(True))
    admin_client.post(f"/admin/roles/{role_id}/revoke")
    assert _badges(client.get(path, headers=EN).get_data(True)) == []


def test_a_badge_is_escaped(
    app, client, make_visitor, make_circle, add_member, write, grant, clock
):
    path, (author,) = _thread(make_visitor, make_circle, add_member, write)
    grant(author, RoleKind.town_office_staff, badge="<b>係</b>")
    clock(at(DAY))
    html = client.get(path, headers=EN).get_data(True)
    assert "&lt;b&gt;係&lt;/b&gt;" in html and "<b>係</b>" not in html


def test_the_thread_page_reads_every_authors_roles_in_one_query(
    app, make_visitor, make_circle, add_member, write, grant, visitor_client, clock
):
    path, authors = _thread(make_visitor, make_circle, add_member, write, authors=5)
    for author in authors:
        grant(author, RoleKind.town_office_staff)
    clock(at(DAY))
    reader = visitor_client(authors[0])
    with app.app_context(), CountQueries() as queries:
        html = reader.get(path, headers=EN).get_data(True)
    assert _badges(html) == ["Online Town Office staff"] * 5
    roles_read = [s for s in queries.statements if re.search(r"FROM staff_role\b", s)]
    # One for the reader's own rights (whether they moderate), one for the page's authors.
    assert len(roles_read) == 2


def test_a_profile_shows_the_badge_only_while_the_role_lasts(
    app, client, make_visitor, make_circle, grant, clock
):
    resident = make_visitor(handle="volunteer")
    grant(resident, RoleKind.circle_moderator, starts=DAY, ends=LAST, circle_id=make_circle())
    for day, shown in [
        (DAY - timedelta(days=1), []),
        (DAY, ["Circle moderator"]),
        (LAST, ["Circle moderator"]),
        (LAST + timedelta(days=1), []),
    ]:
        clock(at(day))
        html = client.get("/residents/volunteer", headers=EN).get_data(True)
        assert _badges(html) == shown, day
