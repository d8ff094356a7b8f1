"""Search over the circles' posts: what is found, by whom, on SQLite and PostgreSQL alike
(scripts/test runs this file on both; the expected results are the same)."""

import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from rally.auth.models import Role
from rally.circles.models import CircleKind, CircleMember, CircleStatus, MemberState
from rally.extensions import db
from rally.residents.models import BlockKind, ResidentBlock
from rally.threads.models import Post, PostState
from rally.ugc.text import render_post
from rally.utils import utcnow
from tests import factories

EN = {"Accept-Language": "en"}
_n = itertools.count(1)
_clock = itertools.count(1)


@pytest.fixture
def make_visitor(app):
    def make(name=None):
        number = next(_n)
        return factories.create_visitor(
            app,
            email=f"search{number}@example.jp",
            handle=f"searcher{number}",
            display_name=name or f"住民{number}",
        )

    return make


@pytest.fixture
def make_circle(app):
    def make(kind=CircleKind.open, status=CircleStatus.active, name="まちの情報", members=()):
        return factories.create_circle(
            app, kind=kind, status=status, name={"ja": name, "en": name}, icon="", members=members
        )

    return make


@pytest.fixture
def make_post(app):
    """A post written now (each one a minute after the last: newest first is testable)."""
    base = utcnow() - timedelta(days=1)

    def make(circle_id, text, thread_id=None, author_id=None, state=PostState.visible):
        with app.app_context():
            post = Post(
                circle_id=circle_id,
                thread_id=thread_id,
                author_id=author_id,
                text=text,
                html=render_post(text),
                state=state,
                created_at=base + timedelta(minutes=next(_clock)),
            )
            db.session.add(post)
            db.session.commit()
            return post.id

    return make


@pytest.fixture
def town(make_circle):
    return make_circle()


def found(client, query, **params):
    """The ids of the posts on the results page (from their links), in order."""
    response = client.get("/circles/search", query_string={"q": query, **params}, headers=EN)
    assert response.status_code == 200
    return [int(i) for i in re.findall(r"#post-(\d+)", response.get_data(as_text=True))]


def test_two_kanji_find_every_post_containing_them(client, town, make_post):
    park = make_post(town, "近所の公園で桜が咲きました")
    reply = make_post(town, "公園のベンチが新しくなっていました", thread_id=park)
    make_post(town, "駅前の商店街でお祭りがあります")
    make_post(town, "公の園")  # the characters, not together

    assert found(client, "公園") == [reply, park]
    assert found(client, "公園で") == [park]  # three characters: through the index


def test_an_english_word_is_found_whatever_the_case(client, town, make_post):
    cherry = make_post(town, "Cherry BLOSSOM viewing in the park on Sunday")
    lower = make_post(town, "the blossoms are out")
    make_post(town, "Cherry trees")

    for query in ("blossom", "BLOSSOM", "Blossom", "bLoSsOm"):
        assert found(client, query) == [lower, cherry], query
    assert found(client, "PARK") == [cherry]


def test_one_and_two_character_queries_scan_all_posts(client, town, make_post):
    cherry = make_post(town, "桜がきれい")
    tree = make_post(town, "Big tree")
    make_post(town, "梅の花")

    assert found(client, "桜") == [cherry]
    assert found(client, "b") == [tree]
    assert found(client, "IG") == [tree]
    assert found(client, "きれ") == [cherry]


def test_short_queries_fold_the_case_of_accented_letters_too(client, town, make_post):
    school = make_post(town, "ÉCOLE du quartier")
    cafe = make_post(town, "café")

    assert found(client, "é") == [cafe, school]
    assert found(client, "É") == [cafe, school]
    assert found(client, "éc") == [school]
    assert found(client, "école") == [school]


def test_like_wildcards_are_taken_literally(client, town, make_post):
    percent = make_post(town, "Sale: 50% off at the bakery")
    underscore = make_post(town, "file_name here")
    backslash = make_post(town, "a\\b path")
    make_post(town, "50 of them, no discount; filename; ab")

    assert found(client, "%") == [percent]
    assert found(client, "50%") == [percent]
    assert found(client, "50% off") == [percent]
    assert found(client, "_") == [underscore]
    assert found(client, "e_n") == [underscore]
    assert found(client, "\\") == [backslash]
    assert found(client, "a\\b") == [backslash]
    assert found(client, '"') == []


def test_the_search_index_syntax_is_taken_literally(client, town, make_post):
    said = make_post(town, 'He said "hi" (twice) NEAR the end* - OR: not ^this')
    make_post(town, "hi there, by the end")

    for query in ('"hi"', '"', "end*", "NEAR the", "(twice)", "- OR:", "^this", 'd "h'):
        assert found(client, query) == [said], query
    assert found(client, "hi OR near") == []


def test_control_characters_in_a_query_are_left_out(client, town, make_post):
    park = make_post(town, "近所の公園")
    assert found(client, "\x00公園\x07") == [park]


def test_a_full_width_query_finds_the_ascii_text_and_itself(client, town, make_post):
    ascii_ = make_post(town, "PTAの集まりは土曜日です")
    wide = make_post(town, "ＰＴＡ会長より")

    assert found(client, "ＰＴＡ") == [wide, ascii_]
    assert found(client, "pta") == [ascii_]


@pytest.fixture
def hiroba(make_circle, make_visitor, make_post, auth, make_user, visitor_client, app):
    """A members-only circle's post about the park, and a client for each kind of reader."""
    member = make_visitor()
    asker = make_visitor()
    circle = make_circle(kind=CircleKind.members_only, name="子育てひろば", members=[member])
    with app.app_context():
        db.session.add(
            CircleMember(circle_id=circle, visitor_id=asker, state=MemberState.requested)
        )
        db.session.commit()
    post = make_post(circle, "子育てひろばの集まりは公園で")
    clients = {
        "anonymous": app.test_client(),
        "resident": visitor_client(make_visitor()),
        "asked to join": visitor_client(asker),
        "member": visitor_client(member),
        "admin": auth.new_client(make_user(role=Role.admin)),
    }
    return post, clients


@pytest.mark.parametrize(
    "reader, sees",
    [
        ("anonymous", False),
        ("resident", False),
        ("asked to join", False),
        ("member", True),
        ("admin", True),
    ],
)
def test_members_only_posts_are_found_by_members_alone(hiroba, reader, sees):
    post, clients = hiroba
    client = clients[reader]
    assert found(client, "公園") == ([post] if sees else [])
    assert found(client, "ひろばの") == ([post] if sees else [])
    page = client.get("/circles/search?q=公園", headers=EN).get_data(as_text=True)
    assert ("子育てひろば" in page) is sees


def test_posts_not_visible_are_not_found(client, town, make_post):
    visible = make_post(town, "公園の清掃 visible")
    for state in (PostState.held, PostState.hidden, PostState.deleted):
        make_post(town, f"公園の清掃 {state.value}", state=state)

    assert found(client, "公園") == [visible]
    assert found(client, "公園の清掃") == [visible]


@pytest.mark.parametrize("state", [PostState.deleted, PostState.hidden])
def test_replies_of_a_deleted_or_hidden_thread_are_not_found(app, client, town, make_post, state):
    thread = make_post(town, "Lost cat near the station")
    reply = make_post(town, "I saw the cat by the park", thread_id=thread)
    assert found(client, "cat") == [reply, thread]

    with app.app_context():
        db.session.execute(update(Post).where(Post.id == thread).values(state=state))
        db.session.commit()

    assert found(client, "cat") == []
    assert found(client, "the park") == []


def test_posts_of_an_archived_circle_are_not_found(client, make_circle, make_post):
    archived = make_circle(status=CircleStatus.archived)
    make_post(archived, "昔の公園の話")
    assert found(client, "公園") == []


def test_the_index_follows_edits_hides_restores_and_deletes(app, client, town, make_post):
    post = make_post(town, "Bring an umbrella to the park")
    assert found(client, "umbrella") == [post]

    with app.app_context():  # an edit through the model
        db.session.get(Post, post).text = "Bring a raincoat to the park"
        db.session.commit()
    assert found(client, "umbrella") == []
    assert found(client, "raincoat") == [post]

    with app.app_context():  # hidden, then restored, by a bulk UPDATE
        db.session.execute(update(Post).where(Post.id == post).values(state=PostState.hidden))
        db.session.commit()
    assert found(client, "raincoat") == []
    with app.app_context():
        db.session.execute(update(Post).where(Post.id == post).values(state=PostState.visible))
        db.session.commit()
    assert found(client, "raincoat") == [post]

    with app.app_context():
        db.session.execute(delete(Post).where(Post.id == post))
        db.session.commit()
    assert found(client, "raincoat") == []


def test_results_are_newest_first_and_paged(client, town, make_post):
    posts = [make_post(town, f"公園 notice {number}") for number in range(23)]
    newest_first = posts[::-1]

    page = client.get("/circles/search?q=notice", headers=EN).get_data(as_text=True)
    assert "23 posts found" in page
    assert "Page 1 of 2" in page
    assert found(client, "notice") == newest_first[:20]
    assert found(client, "notice", page=2) == newest_first[20:]


def test_beyond_the_most_results_the_newest_are_shown_and_the_page_says_so(
    client, town, make_post, monkeypatch
):
    from rally.search import operations

    monkeypatch.setattr(operations, "RESULTS_MAX", 3)
    posts = [make_post(town, f"公園 {number}") for number in range(5)]

    page = client.get("/circles/search?q=公園", headers=EN).get_data(as_text=True)
    assert "More than 3 posts found. The newest 3 are shown" in page
    assert found(client, "公園") == posts[:1:-1]


def test_a_result_shows_its_circle_author_date_excerpt_and_thread_link(
    client, make_circle, make_post, make_visitor
):
    circle = make_circle(name="三鷹まちづくり会議室")
    author = make_visitor(name="はなこ")
    thread = make_post(circle, "Town meeting notes")
    long_text = "前置き" * 60 + " The **new bench** in the park is finally here. " + "後書き" * 60
    reply = make_post(circle, long_text, thread_id=thread, author_id=author)

    page = client.get("/circles/search?q=BENCH", headers=EN).get_data(as_text=True)
    assert "三鷹まちづくり会議室" in page
    assert "はなこ" in page
    assert f'href="/circles/{circle}/threads/{thread}?post={reply}#post-{reply}"' in page
    # The match is in the excerpt even this far into the post, marked, without Markdown.
    assert "The new <mark>bench</mark> in the park" in page
    assert "**" not in page
    assert "前置き" * 20 not in page  # an excerpt, not the whole post
    # The date in the reader's language (English here: the month's name).
    assert re.search(r"[A-Z][a-z]{2} \d{1,2}, \d{4}", page)


def test_a_post_text_is_shown_as_text(client, town, make_post):
    make_post(town, 'Park <script>alert("x")</script> <img src=x onerror=alert(1)>')
    page = client.get("/circles/search?q=park", headers=EN).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_muted_authors_post_is_found_but_collapsed(
    app, town, make_post, make_visitor, visitor_client
):
    reader = make_visitor()
    noisy = make_visitor()
    other = make_visitor()
    muted = make_post(town, "Sale at the fish shop", author_id=noisy)
    make_post(town, "Sale at the bakery", author_id=other)
    with app.app_context():
        db.session.add(ResidentBlock(visitor_id=reader, other_id=noisy, kind=BlockKind.mute))
        db.session.commit()

    page = visitor_client(reader).get("/circles/search?q=sale", headers=EN).get_data(as_text=True)
    collapsed = re.findall(r"<details>.*?</details>", page, re.S)
    assert len(collapsed) == 1
    assert "fish shop" in collapsed[0] and "bakery" not in collapsed[0]
    assert "A post by a resident you muted or blocked" in collapsed[0]
    assert f"#post-{muted}" in page


def test_an_empty_query_shows_the_form_and_no_results(client, town, make_post):
    make_post(town, "公園")
    for url in ("/circles/search", "/circles/search?q=+++"):
        response = client.get(url, headers=EN)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert 'data-testid="search-hint"' in page
        assert 'data-testid="result"' not in page


def test_no_result_says_so(client, town, make_post):
    make_post(town, "公園")
    page = client.get("/circles/search?q=図書館", headers=EN).get_data(as_text=True)
    assert "No post matches “図書館”." in page


def test_a_too_long_query_is_refused_with_a_message(client, town, make_post):
    make_post(town, "a" * 200)
    response = client.get("/circles/search", query_string={"q": "a" * 101}, headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please search for at most 100 characters." in page
    assert 'aria-invalid="true"' in page
    assert 'data-testid="result"' not in page
    assert found(client, "a" * 100) != []


def test_the_search_page_says_noindex(client):
    page = client.get("/circles/search?q=公園").get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in page


def test_the_circles_list_has_a_labelled_search_form(client):
    page = client.get("/circles", headers=EN).get_data(as_text=True)
    form = re.search(r'<form method="get" action="/circles/search".*?</form>', page, re.S)
    assert form is not None
    assert '<label for="search-q">' in form[0]
    assert 'id="search-q" name="q"' in form[0]


def test_search_is_in_every_language(client, town, make_post):
    make_post(town, "公園")
    for language, heading, count in (
        ("ja", "サークルを検索", "1件の投稿が見つかりました"),
        ("en", "Search the circles", "1 post found"),
        ("ko", "서클 검색", "게시물 1개를 찾았습니다"),
        ("zh-Hans", "搜索圈子", "找到 1 条帖子"),
        ("zh-Hant", "搜尋圈子", "找到 1 則貼文"),
    ):
        page = client.get(
            "/circles/search", query_string={"q": "公園"}, headers={"Accept-Language": language}
        ).get_data(as_text=True)
        assert f"<h1>{heading}</h1>" in page, language
        assert count in page, language


def test_the_migration_indexes_the_posts_already_there(app, make_circle, make_post):
    from flask_migrate import downgrade, upgrade

    from rally.circles.operations import Actor
    from rally.search.operations import SearchInput, search_posts

    with app.app_context():
        db.drop_all()
        upgrade()
    town = make_circle()
    before = make_post(town, "The old well by the shrine")
    with app.app_context():
        downgrade(revision="cf6f8cc89d36")
        after = Post(circle_id=town, text="A new well is dug", html="")
        db.session.add(after)
        db.session.commit()
        after = after.id
        db.session.remove()  # no read transaction left open across the migration
        upgrade()
        results = search_posts(SearchInput("well"), Actor())
        assert [hit.post_id for hit in results.hits] == [after, before]
        db.session.get(Post, after).text = "A new pump is installed"
        db.session.commit()
        assert [hit.post_id for hit in search_posts(SearchInput("well"), Actor()).hits] == [before]
