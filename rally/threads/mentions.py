"""``@handle`` in a post: which handles it names, and the links to their profiles in its html.

The links are made in the html already rendered and sanitized by
:func:`rally.ugc.text.render_post`, in its text only (never inside a tag nor inside a link),
and the result goes through a sanitizer again, so whatever the text held, the stored html
keeps only the tags and attributes a post may have.
"""

import re

import nh3

from rally.ugc.text import ALLOWED_TAGS, LINK_SCHEMES

# Not inside a word or an e-mail address (a letter, digit, "_", "." or "@" before it), so
# "hanako@example.jp" names nobody; Japanese text may touch it ("@hanakoさん").
MENTION = re.compile(r"(?<![A-Za-z0-9_.@])@([A-Za-z0-9_]{3,20})(?![A-Za-z0-9_])")
ALL = "all"
_TAG = re.compile(r"(<[^>]*>)")
# The second pass: the post's own links were checked by the first (absolute http, https or
# mailto only); the mention links are the site's own relative addresses.
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes={"*": set(), "a": {"href", "rel", "class"}, "ol": {"start"}},
    url_schemes=LINK_SCHEMES,
    url_relative="pass_through",
    link_rel=None,
    strip_comments=True,
)


def handles_in(text: str) -> set[str]:
    """The handles ``text`` mentions, in lower case (``all`` included when written)."""
    return {handle.lower() for handle in MENTION.findall(text or "")}


def link_mentions(html: str, known: set[str]) -> str:
    """``html`` with each ``@handle`` of ``known`` (lower case) a link to /residents/<handle>."""
    if not known:
        return html
    parts = _TAG.split(html)
    inside_link = False

    def link(match: re.Match) -> str:
        handle = match.group(1).lower()
        if handle not in known:
            return match.group(0)
        return f'<a href="/residents/{handle}" class="mention">@{match.group(1)}</a>'

    for index, part in enumerate(parts):
        if part.startswith("<"):
            if part.startswith("<a ") or part == "<a>":
                inside_link = True
            elif part == "</a>":
                inside_link = False
        elif not inside_link and "@" in part:
            parts[index] = MENTION.sub(link, part)
    return _CLEANER.clean("".join(parts))
