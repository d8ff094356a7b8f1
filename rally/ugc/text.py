"""Residents' post text: a small Markdown subset, rendered, then sanitized.

Two well-kept libraries do all the work and nothing is escaped by hand: markdown-it-py
parses only the rules listed in :data:`MARKDOWN_RULES` with raw HTML off (``<b>`` typed in
a post is shown as text), and nh3 (the binding of Rust's ammonia) then keeps only the tags
and attributes of :data:`ALLOWED_TAGS` / :data:`ALLOWED_ATTRIBUTES`: should a future rule or
a parser bug let something through, the sanitizer still removes it. Links are checked twice
too: the parser makes a link only of an http, https or mailto address (anything else stays
text), and the sanitizer strips any other scheme and every relative address, and marks each
link ``rel="nofollow ugc noopener"`` (search engines give it no weight; the page opened gets
no handle on ours).
"""

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from rally.errors import RallyError
from rally.i18n import _l

# Bold and emphasis, bullet and numbered lists, links (and bare addresses, linkified),
# block quotes, paragraphs and line breaks. No images, headings, tables, code or raw HTML.
MARKDOWN_RULES = [
    "emphasis",
    "list",
    "link",
    "autolink",
    "linkify",
    "blockquote",
    "newline",
    "escape",
    "entity",
]
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a"}
# "*": no attribute on every tag (ammonia would otherwise allow lang and title anywhere).
ALLOWED_ATTRIBUTES = {"*": set(), "a": {"href"}, "ol": {"start"}}
LINK_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"
# Long enough for a neighbourhood notice, short enough that a thread stays readable.
MAX_POST_CHARS = 5000

_LINKABLE = re.compile(r"(?:https?|mailto):", re.IGNORECASE)


def _markdown() -> MarkdownIt:
    # "zero" starts with every rule off; "breaks" makes a single newline a line break, as
    # people expect in a chat-like thread.
    parser = MarkdownIt("zero", {"html": False, "linkify": True, "breaks": True})
    parser.enable(MARKDOWN_RULES)
    # The parser's own check refuses javascript:, vbscript:, file: and most data:; ours
    # accepts only the schemes a post may link to (the address is already normalised).
    parser.validateLink = lambda url: bool(_LINKABLE.match(url))
    return parser


_PARSER = _markdown()
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=LINK_SCHEMES,
    url_relative="deny",
    link_rel=LINK_REL,
    strip_comments=True,
)


class PostTextError(RallyError):
    """A post's text that cannot be posted; ``code`` says why."""


def check_post_text(text: str | None) -> str:
    """The text of a post as it will be stored: stripped, not empty, not too long.

    :raise PostTextError: ``post_empty``, ``post_too_long``.
    """
    text = (text or "").strip()
    if not text:
        raise PostTextError(_l("Please write something before posting."), code="post_empty")
    if len(text) > MAX_POST_CHARS:
        raise PostTextError(
            _l(
                "This post is too long. Please keep it to %(count)s characters or fewer.",
                count=MAX_POST_CHARS,
            ),
            code="post_too_long",
        )
    return text


def render_post(text: str | None) -> Markup:
    """The HTML of a post's text, safe to print in any page (``{{ post_html }}``).

    Render once when a post is written or edited and keep the result: a typical post costs
    about 0.25 ms (the Markdown parse; nh3 about 0.01 ms), a 5,000-character one full of
    markup about 19 ms, too much to redo for each of a thread's 200 replies on every view.
    """
    return Markup(_CLEANER.clean(_PARSER.render(text or "")))


def post_excerpt(text: str | None, length: int = 120) -> str:
    """The post as plain text on one line, at most ``length`` characters (an ellipsis
    ends a cut one), for notifications and previews; the template escapes it as any text.
    """
    words = []
    for token in _PARSER.parse(text or ""):
        if token.type == "inline":
            for child in token.children or ():
                if child.type == "text":
                    words.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    words.append(" ")
        elif token.block and token.nesting == -1:
            words.append(" ")  # a paragraph, item or quote ends
    plain = " ".join("".join(words).split())
    if len(plain) <= length:
        return plain
    return plain[: max(0, length - 1)].rstrip() + "…"
