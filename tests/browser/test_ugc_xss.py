"""The XSS corpus rendered as posts in Chromium, under the site's real security headers:
no dialog opens, no script runs, no Content-Security-Policy violation is reported (the
folder's conftest fails a test on any), and what is left in the page cannot run one."""

import pytest
from flask import Blueprint, render_template_string
from markupsafe import Markup
from ugc.xss_corpus import PAYLOADS

from rally.ugc.text import post_excerpt, render_post

from .conftest import CSP_VIOLATIONS

pytestmark = pytest.mark.browser

# A page of posts as a thread will print them: the rendered text as is, the excerpt escaped.
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>posts</title></head>
<body><main>
{% for html, excerpt in posts %}<article><div class="text">{{ html }}</div>
<p class="excerpt">{{ excerpt }}</p></article>
{% endfor %}</main></body></html>"""

# Run in the page after it loaded: what in <main> could run a script, as the browser parsed it.
FIND_DANGERS = """() => {
  const allowed = new Set(["ARTICLE", "DIV", "P", "BR", "STRONG", "EM", "UL", "OL", "LI",
                           "BLOCKQUOTE", "A"]);
  const found = [];
  for (const element of document.querySelectorAll("main *")) {
    const tag = element.tagName.toUpperCase();
    if (!allowed.has(tag)) found.push("<" + tag + ">");
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) found.push(name);
      if (["href", "xlink:href", "src", "action", "formaction", "data"].includes(name)) {
        const scheme = new URL(attribute.value, location.href).protocol;
        if (!["http:", "https:", "mailto:"].includes(scheme)) found.push(name + " " + scheme);
      }
    }
  }
  return found;
}"""


@pytest.fixture
def app(app):
    """The app with a test-only page printing posts (never part of the product)."""
    test_only = Blueprint("test_ugc_xss", __name__)

    @test_only.route("/test-only/posts")
    def posts():
        return render_template_string(
            PAGE, posts=[(render_post(p), post_excerpt(p, 200)) for p in PAYLOADS]
        )

    @test_only.route("/test-only/raw")
    def raw():
        unsanitized = [(Markup(p), "") for p in PAYLOADS if p.startswith("<")]
        return render_template_string(PAGE, posts=unsanitized)

    app.register_blueprint(test_only)
    return app


def open_posts(browser, url):
    context = browser.new_context(locale="en-US")
    context.add_init_script("window.__xss = 0;")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_function("document.readyState === 'complete'")
    # Give handlers that wait for a hover or focus their chance.
    for link in page.locator("main a").all()[:80]:
        link.hover()
        link.focus()
    page.wait_for_timeout(200)
    return context, page, dialogs


def test_the_corpus_runs_no_script_in_chromium(live_server, browser):
    context, page, dialogs = open_posts(browser, live_server + "/test-only/posts")
    try:
        assert page.title() == "posts"
        assert page.locator("main article").count() == len(PAYLOADS)
        assert dialogs == []
        assert page.evaluate("() => window.__xss") == 0
        assert page.evaluate(FIND_DANGERS) == []
        assert CSP_VIOLATIONS == []
        # The payloads are still there to read, as text.
        assert "<script>alert(1)</script>" in page.locator("main").inner_text()
    finally:
        context.close()


def test_the_page_carries_the_sites_policy(client):
    headers = client.get("/test-only/posts").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_the_checks_see_unsanitized_payloads(live_server, browser):
    """Control: the same checks on the payloads printed raw find what the sanitizer removes,
    and the site's policy blocks (and reports) what would have run."""
    context, page, _ = open_posts(browser, live_server + "/test-only/raw")
    try:
        found = page.evaluate(FIND_DANGERS)
        assert "onerror" in found and "<SVG>" in found and "href javascript:" in found
        assert page.evaluate("() => window.__xss") == 0  # the policy stopped onerror=
        assert CSP_VIOLATIONS
    finally:
        context.close()
        CSP_VIOLATIONS.clear()  # expected here: the teardown check is for real pages
