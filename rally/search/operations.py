"""Search over the posts a reader may read.

A query is one piece of text found anywhere in a post (Japanese has no spaces between
words: ``公園`` must find ``近所の公園で``), whatever the case of its Latin letters, on
SQLite and PostgreSQL alike:

- three characters or more go through the trigram index (:mod:`rally.search.models`):
  FTS5 ``MATCH`` of the query as one phrase on SQLite, ``ILIKE '%...%'`` on PostgreSQL
  (``LIKE`` when the query has no letter with a case);
- one or two characters, too short for a trigram, scan the posts: ``instr`` of each of
  the query's spellings in upper and lower case on SQLite, ``ILIKE`` on PostgreSQL; still
  exact, with ``%``, ``_`` and ``\\`` taken literally.

Results are newest first (by id: the order posts are written in), at most
:data:`RESULTS_MAX` of them: beyond, the page says there are more and asks for a longer
query. A scan then stops at the newest matches.

The query is also searched in its NFKC form when that differs (``ＰＴＡ`` typed on a
Japanese keyboard finds ``PTA``; the form typed still finds itself): the posts are stored
as written, so both forms are asked for, the same way on both databases.

What a reader may read: visible posts of the active circles :func:`may_read` lets them
read (members-only circles only for their members and moderators), and only in threads
whose first post is visible (the replies of a hidden or deleted thread are not found).
Posts of residents the reader mutes or blocks are found but marked ``collapsed``, as the
thread page shows them.
"""

import itertools
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import column, func, literal_column, or_, select, table

from rally.circles.models import Circle
from rally.circles.operations import Actor, may_read, visible_circles
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.pagination import paginate_list
from rally.residents.models import Resident
from rally.residents.operations import hidden_authors
from rally.threads.models import Post, PostState
from rally.ugc.text import MAX_POST_CHARS, post_excerpt

from .models import FTS_TABLE

#: Longest query accepted, in characters (a sentence: enough to find a quoted line).
QUERY_MAX = 100
#: Results per page.
PER_PAGE = 20
#: Results shown at most (10 pages): beyond, the page asks for a longer query. A scan for
#: a common word stops at the newest RESULTS_MAX + 1 (see bench/search.py).
RESULTS_MAX = 200
#: Characters of a result's excerpt, and how many of them come before the match.
EXCERPT_LENGTH = 120
EXCERPT_BEFORE = 40
#: Shortest query the trigram index answers.
TRIGRAM = 3


class SearchError(RallyError):
    """A query that cannot be searched; ``code`` says why."""


@dataclass(frozen=True)
class SearchInput:
    query: str
    page: int = 1


@dataclass(frozen=True)
class Hit:
    """One post found, as the results page shows it: its excerpt in three pieces so the
    page can mark the match (each piece escaped as any text)."""

    post_id: int
    thread_id: int
    circle: Circle
    author_name: str
    created_at: datetime
    before: str
    match: str
    after: str
    # Written by a resident the reader mutes or blocks.
    collapsed: bool


@dataclass(frozen=True)
class Results:
    query: str
    hits: list[Hit]
    pagination: object  # Flask-SQLAlchemy's Pagination: page, pages, total
    # More than RESULTS_MAX posts match: only the newest RESULTS_MAX are shown.
    more: bool


def clean_query(raw: str | None) -> str:
    """The query as searched: stripped, inner spaces (any kind, any number) made one,
    control characters left out.

    :raise SearchError: ``query_too_long`` (400).
    """
    # Control characters (a NUL byte, which PostgreSQL refuses) are never in a post's text.
    query = "".join(
        char for char in raw or "" if unicodedata.category(char) != "Cc" or char.isspace()
    )
    query = " ".join(query.split())
    if len(query) > QUERY_MAX:
        raise SearchError(
            _l("Please search for at most %(count)s characters.", count=QUERY_MAX),
            code="query_too_long",
            status=400,
        )
    return query


def query_forms(query: str) -> tuple[str, ...]:
    """The query as typed and, when it differs, in NFKC form (full-width letters and
    digits to ASCII, half-width katakana to full-width)."""
    folded = " ".join(unicodedata.normalize("NFKC", query).split())
    return (query,) if folded in ("", query) else (query, folded)


def readable_circles(actor: Actor) -> dict[int, Circle]:
    """The active circles whose posts ``actor`` may read, by id."""
    return {circle.id: circle for circle in visible_circles(actor) if may_read(circle, actor)}


def _like_pattern(form: str) -> str:
    escaped = form.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(form: str) -> str:
    # One FTS5 string: a double quote inside is written twice.
    return '"' + form.replace('"', '""') + '"'


def case_variants(form: str) -> list[str]:
    """``form`` with each letter in each of its cases (``ab``: ab, aB, Ab, AB), for a short
    form: its letters' one-character cases only (Unicode's simple case mapping, the one the
    trigram index and ``ILIKE`` apply)."""
    choices = []
    for char in form:
        cases = {char, char.lower(), char.upper(), char.casefold()}
        choices.append(sorted(case for case in cases if len(case) == 1))
    return ["".join(chars) for chars in itertools.product(*choices)]


def _has_case(form: str) -> bool:
    return form.lower() != form.upper()


def _contains(form: str, dialect: str):
    """The condition on ``Post`` for posts containing ``form``, whatever its letters' case.

    Without a letter that has a case (公園, 50%), a plain case-sensitive search is the same
    and costs far less than lowering every post's text.
    """
    if dialect == "postgresql":
        # Backslash is PostgreSQL's default LIKE escape. The pg_trgm index answers forms of
        # three characters or more (LIKE and ILIKE alike); shorter ones scan.
        pattern = _like_pattern(form)
        return Post.text.ilike(pattern) if _has_case(form) else Post.text.like(pattern)
    if len(form) >= TRIGRAM:
        index = table(FTS_TABLE, column("rowid"))
        return Post.id.in_(
            select(index.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(_fts_phrase(form)))
        )
    # One or two characters: at most four spellings, each a plain search (SQLite's LIKE
    # would fold ASCII letters only).
    return or_(*(func.instr(Post.text, variant) > 0 for variant in case_variants(form)))


def matching_posts(forms: tuple[str, ...], circle_ids: list[int]):
    """The ids of the posts found, newest first (a ``select`` of ``Post.id``).

    Newest first is by id, the order posts are written in: a scan for a short query then
    walks the table from its end and stops at the newest matches instead of sorting them
    all (there is no index on ``created_at``).
    """
    dialect = db.session.get_bind().dialect.name

    def usual(condition):
        # SQLite's planner, without statistics, takes an index on any equality as selective
        # and reads most of the table through ix_post_state or a circle's index, one row
        # at a time (100,000 posts: 200 ms instead of 5). likely() says the condition holds
        # for most rows: the table is scanned, or the search index leads.
        return func.likely(condition) if dialect == "sqlite" else condition

    # The few threads whose first post is not visible (a set built once through the state's
    # index, rather than each reply's thread read).
    closed_threads = select(Post.id).where(
        usual(Post.thread_id.is_(None)), Post.state.in_(set(PostState) - {PostState.visible})
    )
    return (
        select(Post.id)
        .where(
            usual(Post.circle_id.in_(circle_ids)),
            usual(Post.state == PostState.visible),
            or_(Post.thread_id.is_(None), Post.thread_id.not_in(closed_threads)),
            or_(*(_contains(form, dialect) for form in forms)),
        )
        .order_by(Post.id.desc())
    )


def excerpt_around(text_: str, forms: tuple[str, ...]) -> tuple[str, str, str]:
    """The post as one line of plain text, cut around the first match:
    (before, match, after); the match is empty when it only appears in the Markdown (a
    link's address), then the excerpt is the post's beginning."""
    plain = post_excerpt(text_, length=MAX_POST_CHARS * 2)
    found = re.search("|".join(re.escape(form) for form in forms), plain, re.IGNORECASE)
    if found is None:
        cut = post_excerpt(text_, length=EXCERPT_LENGTH)
        return cut, "", ""
    start = max(0, found.start() - EXCERPT_BEFORE)
    end = max(found.end(), start + EXCERPT_LENGTH)
    before = plain[start : found.start()]
    after = plain[found.end() : end]
    if start > 0:
        before = "…" + before.lstrip()
    if end < len(plain):
        after = after.rstrip() + "…"
    return before, found.group(0), after


def search_posts(data: SearchInput, actor: Actor) -> Results:
    """One page of the posts ``actor`` may read that contain the query, newest first.

    :param data: the query as typed and the page asked for.
    :param actor: who reads (anonymous: ``Actor()``).
    :raise SearchError: ``query_too_long`` (400).
    """
    query = clean_query(data.query)
    if not query:
        return Results(query="", hits=[], pagination=None, more=False)
    forms = query_forms(query)
    circles = readable_circles(actor)
    # At most RESULTS_MAX + 1 ids: one scan at most, which stops early for a common word.
    ids = list(db.session.scalars(matching_posts(forms, list(circles)).limit(RESULTS_MAX + 1)))
    pagination = paginate_list(ids[:RESULTS_MAX], data.page, PER_PAGE)
    found = db.session.scalars(select(Post).where(Post.id.in_(pagination.items)))
    by_id = {post.id: post for post in found}
    posts = [by_id[post_id] for post_id in pagination.items]
    author_ids = {post.author_id for post in posts if post.author_id is not None}
    names = (
        dict(
            db.session.execute(
                select(Resident.visitor_id, Resident.display_name).where(
                    Resident.visitor_id.in_(author_ids)
                )
            ).all()
        )
        if author_ids
        else {}
    )
    viewer = actor.visitor.id if actor.visitor is not None else None
    muted = hidden_authors(viewer)
    hits = []
    for post in posts:
        before, match, after = excerpt_around(post.text, forms)
        hits.append(
            Hit(
                post_id=post.id,
                thread_id=post.thread_id or post.id,
                circle=circles[post.circle_id],
                author_name=names.get(post.author_id) or "",
                created_at=post.created_at,
                before=before,
                match=match,
                after=after,
                collapsed=post.author_id in muted,
            )
        )
    return Results(query=query, hits=hits, pagination=pagination, more=len(ids) > RESULTS_MAX)
