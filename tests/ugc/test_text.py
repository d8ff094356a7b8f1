"""Residents' post text: the Markdown subset it renders, what it refuses, and the XSS corpus
at the HTML level (tests/browser/test_ugc_xss.py renders the corpus in Chromium)."""

import html
import re
import time
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from rally.ugc.text import (
    MAX_POST_CHARS,
    PostTextError,
    check_post_text,
    post_excerpt,
    render_post,
)

from .xss_corpus import PAYLOADS

REL = 'rel="nofollow ugc noopener"'


class Elements(HTMLParser):
    """Every start tag of a fragment with its attributes, as a browser's tokenizer sees them."""

    def __init__(self, fragment):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def dangers(fragment: str) -> list[str]:
    """What in ``fragment`` could run a script; empty when nothing."""
    problems = []
    if "<script" in fragment.lower():
        problems.append("<script")
    for tag, attrs in Elements(fragment).found:
        if tag not in {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a"}:
            problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data"):
                # Browsers drop tabs, newlines and leading spaces/controls from a URL.
                url = re.sub(r"[\x00-\x20]", "", html.unescape(value or "")).lower()
                if not re.match(r"(https?|mailto):", url):
                    problems.append(f"{tag} {name}={value!r}")
    return problems


def test_the_markdown_subset_renders():
    text = (
        "**太字** and _emphasis_\nnext line\n\n"
        "- one\n- two\n\n"
        "3. third\n4. fourth\n\n"
        "> quoted\n\n"
        "[the association](https://example.jp/about) or mail a@example.jp, "
        "see https://example.jp/x?a=1&b=2"
    )
    assert render_post(text) == (
        "<p><strong>太字</strong> and <em>emphasis</em><br>\nnext line</p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        '<ol start="3">\n<li>third</li>\n<li>fourth</li>\n</ol>\n'
        "<blockquote>\n<p>quoted</p>\n</blockquote>\n"
        f'<p><a href="https://example.jp/about" {REL}>the association</a> or mail '
        f'<a href="mailto:a@example.jp" {REL}>a@example.jp</a>, see '
        f'<a href="https://example.jp/x?a=1&amp;b=2" {REL}>https://example.jp/x?a=1&amp;b=2</a></p>\n'
    )


def test_the_result_is_markup_to_print_as_is():
    assert isinstance(render_post("hello"), Markup)
    assert render_post(None) == "" and render_post("") == ""


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("# Not a heading", "<p># Not a heading</p>"),
        ("![a photo](https://example.jp/p.png)", '<p>!<a href="https://example.jp/p.png" '),
        ("| a | b |\n| - | - |\n| 1 | 2 |", "<p>| a | b |<br>\n| - | - |<br>\n| 1 | 2 |</p>"),
        ("<b>raw</b> & co", "<p>&lt;b&gt;raw&lt;/b&gt; &amp; co</p>"),
        ("`code`", "<p>`code`</p>"),
    ],
)
def test_no_headings_images_tables_or_raw_html(text, shown):
    rendered = render_post(text)
    assert rendered.startswith(shown)
    assert not re.search(r"<(h\d|img|table|code|b)\b", rendered)


def test_links_are_nofollow_ugc_noopener_and_open_in_the_same_tab():
    rendered = render_post("[a](https://example.jp) www.example.jp [m](mailto:x@example.jp)")
    assert rendered.count(REL) == 3
    assert "target" not in rendered
    assert 'href="http://www.example.jp"' in rendered


@pytest.mark.parametrize(
    "text",
    [
        "[here](/manage/stores)",
        "[here](//evil.example/)",
        "[here](#top)",
        "[here](ftp://x.example)",
    ],
)
def test_only_http_https_and_mailto_make_links(text):
    rendered = render_post(text)
    assert "<a" not in rendered
    assert "here" in rendered


def test_a_link_title_is_dropped():
    assert render_post('[x](https://example.jp "title")') == (
        f'<p><a href="https://example.jp" {REL}>x</a></p>\n'
    )


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p[:40] for p in PAYLOADS])
def test_the_xss_corpus_leaves_nothing_that_runs(payload):
    rendered = render_post(payload)
    assert dangers(rendered) == []


def test_the_checker_sees_what_a_payload_would_do():
    """The corpus test above is only as good as ``dangers``: raw payloads fail it."""
    raw = [p for p in PAYLOADS if p.startswith("<") and dangers(p)]
    assert len(raw) >= 20
    assert dangers('<a href="jav&#x09;ascript:alert(1)">x</a>') == [
        "a href='jav\\tascript:alert(1)'"
    ]


def test_the_corpus_is_long_enough():
    assert len(PAYLOADS) >= 40


def test_long_input_renders_in_linear_time():
    """Nested and unclosed markers by the tens of thousands: no catastrophic backtracking."""
    started = time.perf_counter()
    for text in ("*" * 50_000, "[a](" * 10_000, "> " * 10_000, "_a " * 20_000, "a\n" * 25_000):
        render_post(text)
    assert time.perf_counter() - started < 10


def test_excerpt_is_plain_text_on_one_line():
    text = "**Sale** at _Mitaka_\n\n- [our shop](https://example.jp)\n- <b>tea</b> & cake"
    assert post_excerpt(text, 100) == "Sale at Mitaka our shop <b>tea</b> & cake"


def test_excerpt_is_cut_with_an_ellipsis():
    assert post_excerpt("公園でお祭りがあります", 6) == "公園でお祭…"
    assert post_excerpt("short", 5) == "short"
    assert post_excerpt("", 5) == ""


def test_excerpt_printed_in_a_template_is_escaped(app):
    from flask import render_template_string

    with app.test_request_context():
        page = render_template_string("<p>{{ e }}</p>", e=post_excerpt("<script>alert(1)</script>"))
    assert page == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_post_text_is_stripped():
    assert check_post_text("  hello \n") == "hello"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "post_empty"),
        ("  \n ", "post_empty"),
        (None, "post_empty"),
        ("x" * (MAX_POST_CHARS + 1), "post_too_long"),
    ],
)
def test_post_text_refused(text, code):
    with pytest.raises(PostTextError) as refused:
        check_post_text(text)
    assert refused.value.code == code
