"""A long thread's page shows its first post and a window of replies: the latest by default,
earlier and later ones a link away, and a link to a reply opens the part that holds it."""

import re

import pytest

EN = {"Accept-Language": "en"}


@pytest.fixture
def long_thread(app, make_visitor, make_circle, add_member, write):
    """An open circle's thread with 7 replies; the page shows 3 at a time."""
    app.config["RALLY_THREAD_REPLIES_SHOWN"] = 3
    author = make_visitor()
    circle = make_circle()
    add_member(circle, author)
    thread = write(circle, author, "長いスレッド")
    replies = [write(circle, author, f"返信{n}", thread=thread) for n in range(1, 8)]
    return circle, thread, replies


def shown(page: str) -> list[str]:
    return re.findall(r"返信\d", page)


def test_the_page_shows_the_latest_replies_with_the_earlier_ones_a_link_away(client, long_thread):
    circle, thread, replies = long_thread
    page = client.get(f"/circles/{circle}/threads/{thread}", headers=EN).get_data(as_text=True)
    assert shown(page) == ["返信5", "返信6", "返信7"]
    assert "Show 4 earlier replies" in page
    assert 'data-testid="later-replies"' not in page
    assert "data-live-list" in page  # the newest part updates itself

    earlier = f"/circles/{circle}/threads/{thread}?before={replies[4]}"
    assert f'href="{earlier}"' in page
    page = client.get(earlier, headers=EN).get_data(as_text=True)
    assert shown(page) == ["返信2", "返信3", "返信4"]
    assert "Show 1 earlier reply" in page
    # An earlier part: a link to what follows, and no live updates at its end.
    assert f"?post={replies[4]}#post-{replies[4]}" in page
    assert "data-live-list" not in page


def test_a_link_to_an_early_reply_opens_the_part_of_the_thread_that_holds_it(client, long_thread):
    circle, thread, replies = long_thread
    page = client.get(f"/circles/{circle}/threads/{thread}?post={replies[0]}", headers=EN).get_data(
        as_text=True
    )
    assert shown(page) == ["返信1", "返信2", "返信3"]
    assert f'id="post-{replies[0]}"' in page
    assert "earlier repl" not in page
    assert f"?post={replies[3]}#post-{replies[3]}" in page
    # The window's bounds are the reader's to choose but not a way around permissions:
    # nonsense values give the latest replies.
    page = client.get(f"/circles/{circle}/threads/{thread}?post=x&before=y", headers=EN).get_data(
        as_text=True
    )
    assert shown(page) == ["返信5", "返信6", "返信7"]
    for nonsense in (f"post={10**19}", f"before={10**19}", "post=-3"):
        response = client.get(f"/circles/{circle}/threads/{thread}?{nonsense}", headers=EN)
        assert response.status_code == 200
        assert shown(response.get_data(as_text=True)) == ["返信5", "返信6", "返信7"]
