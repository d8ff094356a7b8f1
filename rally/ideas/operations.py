"""Ideas: proposing (with the comments' thread), supporting and following, the
association's state changes with their answer, the result's timeline, and what the pages,
the feed and the export read.

Every change of state, answer published and progress update is an :class:`IdeaChange`
(the idea's public history) followed by :data:`~rally.ideas.signals.idea_changed`. A state
change is one ``UPDATE ... WHERE state = <the state read>``: of two changes at once, one
moves the idea and the other is refused, so no transition happens twice.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from rally.areas.models import Area
from rally.campaigns.models import Campaign
from rally.circles.models import Circle, CircleKind, CircleStatus
from rally.circles.operations import Actor, is_member, join
from rally.database import insert_for
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.i18n.content import clean_texts
from rally.news.models import Event, NewsPost
from rally.pagination import paginate
from rally.residents.models import Resident
from rally.residents.operations import blocking, may_post, posting_barred_until, profile_of
from rally.threads import operations as threads
from rally.threads.models import Post, PostState
from rally.ugc.text import check_post_text, render_post
from rally.utils import strip_control_characters
from rally.visitors.models import Visitor

from .models import (
    ChangeKind,
    Idea,
    IdeaBoard,
    IdeaCategory,
    IdeaChange,
    IdeaFollow,
    IdeaState,
    IdeaSupport,
    IdeaUpdate,
)
from .signals import idea_changed

TITLE_MAX = 120
PER_PAGE = 20
FEED_SIZE = 50

#: Where the association may move an idea from each state (the author withdraws).
TRANSITIONS: dict[IdeaState, frozenset[IdeaState]] = {
    IdeaState.submitted: frozenset({IdeaState.evaluating}),
    IdeaState.evaluating: frozenset({IdeaState.accepted, IdeaState.not_adopted}),
    IdeaState.accepted: frozenset({IdeaState.in_progress}),
    IdeaState.in_progress: frozenset({IdeaState.done}),
}
#: Accepting or not adopting needs a published answer.
ANSWER_NEEDED = frozenset({IdeaState.accepted, IdeaState.not_adopted})
#: The author may withdraw their idea while it waits.
WITHDRAWABLE = frozenset({IdeaState.submitted, IdeaState.evaluating})
#: A result (progress updates) belongs to an accepted idea.
WITH_RESULT = frozenset({IdeaState.accepted, IdeaState.in_progress, IdeaState.done})

BOARD_NAME = {
    "ja": "まちづくりアイデア",
    "en": "Ideas for the town",
    "zh_Hans": "城市建设点子",
    "zh_Hant": "城市建設點子",
    "ko": "마을 만들기 아이디어",
}
BOARD_DESCRIPTION = {
    "ja": "住民のアイデアへのコメントです。各スレッドがひとつのアイデアです。",
    "en": "Comments on residents' ideas: each thread is one idea.",
    "zh_Hans": "对居民点子的评论：每个话题是一个点子。",
    "zh_Hant": "對居民點子的評論：每個話題是一個點子。",
    "ko": "주민 아이디어에 대한 댓글입니다. 각 스레드가 하나의 아이디어입니다.",
}


class IdeaError(RallyError):
    """An idea step that cannot go ahead; ``code`` says why."""


@dataclass(frozen=True)
class IdeaInput:
    """What a resident proposes; ``photos`` as :func:`rally.images.read_upload` read them."""

    title: str
    body: str
    area_id: int | None = None
    category_id: int | None = None
    photos: tuple[bytes, ...] = ()
    language: str = "ja"


@dataclass(frozen=True)
class UpdateInput:
    """One step of an idea's result; at most one of the links is usually given."""

    happened_on: date
    text: dict[str, str]
    progress: int
    news_id: int | None = None
    event_id: int | None = None
    campaign_id: int | None = None


@dataclass(frozen=True)
class CategoryInput:
    name: dict[str, str]
    position: int = 0


# The comments' circle.


def board_circle() -> Circle:
    """The open circle whose threads are the ideas' comments, made on first use."""
    board = db.session.get(IdeaBoard, 1)
    if board is not None:
        return board.circle
    circle = Circle(
        name=dict(BOARD_NAME),
        description=dict(BOARD_DESCRIPTION),
        icon="💡",
        kind=CircleKind.open,
        status=CircleStatus.active,
    )
    db.session.add(circle)
    db.session.flush()
    try:
        with db.session.begin_nested():
            db.session.add(IdeaBoard(id=1, circle_id=circle.id))
    except IntegrityError:  # another request made it at the same moment
        db.session.delete(circle)
        db.session.flush()
    return db.session.get(IdeaBoard, 1).circle


def _joined(circle: Circle, visitor: Visitor) -> None:
    """Join the ideas' open circle on the resident's first idea or comment."""
    if not is_member(circle, Actor(visitor=visitor)):
        join(circle, visitor)


# Who sees what.


def shown_clause():
    """Ideas anyone may see: their first post (the idea in its thread) is visible, so a
    held word or a moderator's decision hides the idea as it hides a post."""
    return Idea.thread_id.in_(select(Post.id).where(Post.state == PostState.visible))


def may_see(idea: Idea, visitor: Visitor | None, staff: bool = False) -> bool:
    """Whether the idea's page exists for the reader: shown ideas for everyone; a held or
    hidden one for its author and the association."""
    if staff:
        return True
    if visitor is not None and idea.author_id == visitor.id:
        return True
    return idea.thread is not None and idea.thread.state is PostState.visible


# Proposing.


def clean_title(raw: str | None) -> str:
    """:raise IdeaError: ``title_empty``, ``title_too_long``."""
    title = " ".join(strip_control_characters(raw or "").split())
    if not title:
        raise IdeaError(_l("Please give your idea a title."), code="title_empty")
    if len(title) > TITLE_MAX:
        raise IdeaError(
            _l("Please keep the title to %(count)s characters or fewer.", count=TITLE_MAX),
            code="title_too_long",
        )
    return title


def check_may_propose(visitor: Visitor | None, now: datetime) -> None:
    """Whether ``visitor`` may propose an idea or comment: the community's posting rules.

    :raise IdeaError: ``not_resident`` (403), ``profile_incomplete`` (403), ``barred`` (403).
    """
    if visitor is None:
        raise IdeaError(_l("Please log in to post."), code="not_resident", status=403)
    if not may_post(visitor):
        raise IdeaError(
            _l("Please confirm your e-mail address and complete your profile first."),
            code="profile_incomplete",
            status=403,
        )
    if posting_barred_until(profile_of(visitor), now) is not None:
        raise IdeaError(_l("Your account may not post for now."), code="barred", status=403)


def may_propose(visitor: Visitor | None, now: datetime) -> bool:
    try:
        check_may_propose(visitor, now)
    except IdeaError:
        return False
    return True


def propose(visitor: Visitor | None, data: IdeaInput, now: datetime) -> Idea:
    """A resident proposes an idea. Its text starts a thread in the ideas' circle (with the
    photos), under the circles' posting rules: a listed word holds it for a moderator, and
    then the idea shows only to its author until released.

    :raise IdeaError: see :func:`check_may_propose`; ``title_empty``, ``title_too_long``,
        ``unknown_area``, ``unknown_category`` (400).
    :raise PostTextError: ``post_empty``, ``post_too_long``.
    :raise ThreadError: ``new_account_*``; :raise PhotoError: as a post's photos.
    """
    check_may_propose(visitor, now)
    title = clean_title(data.title)
    body = check_post_text(strip_control_characters(data.body))
    if data.area_id is not None and db.session.get(Area, data.area_id) is None:
        raise IdeaError(_l("Please choose an area from the list."), code="unknown_area")
    if data.category_id is not None and db.session.get(IdeaCategory, data.category_id) is None:
        raise IdeaError(_l("Please choose a category from the list."), code="unknown_category")
    circle = board_circle()
    _joined(circle, visitor)
    thread = threads.start_thread(
        circle,
        visitor,
        threads.PostInput(
            text=f"**{title}**\n\n{body}", photos=data.photos, language=data.language
        ),
        now,
        Actor(visitor=visitor),
    )
    idea = Idea(
        author_id=visitor.id,
        title=title,
        body=body,
        html=str(render_post(body)),
        language=data.language,
        area_id=data.area_id,
        category_id=data.category_id,
        state=IdeaState.submitted,
        thread_id=thread.id,
        created_at=now,
        state_changed_at=now,
    )
    db.session.add(idea)
    db.session.flush()
    return idea


# Supporting and following.


def _check_resident(idea: Idea, visitor: Visitor | None) -> None:
    if visitor is None:
        raise IdeaError(_l("Please log in first."), code="not_resident", status=403)
    if not may_post(visitor):
        raise IdeaError(
            _l("Please confirm your e-mail address and complete your profile first."),
            code="profile_incomplete",
            status=403,
        )


def _add_once(
    model: type[IdeaSupport] | type[IdeaFollow], idea: Idea, visitor: Visitor, now: datetime
) -> bool:
    """One ``model`` row of (idea, visitor): the unique (idea, resident) constraint decides
    (``INSERT ... ON CONFLICT DO NOTHING``). True when the row is new."""
    added = db.session.scalar(
        insert_for(model)
        .values(idea_id=idea.id, visitor_id=visitor.id, created_at=now)
        .on_conflict_do_nothing(index_elements=["idea_id", "visitor_id"])
        .returning(model.id)
    )
    return added is not None


def _take_back(
    model: type[IdeaSupport] | type[IdeaFollow], idea: Idea, visitor: Visitor | None
) -> bool:
    """Delete the ``model`` row of (idea, visitor); True when there was one."""
    if visitor is None:
        return False
    return (
        db.session.execute(
            delete(model).where(model.idea_id == idea.id, model.visitor_id == visitor.id)
        ).rowcount
        == 1
    )


def _holds(model: type[IdeaSupport] | type[IdeaFollow], idea: Idea, visitor: Visitor) -> bool:
    return (
        db.session.scalar(
            select(model.id).where(model.idea_id == idea.id, model.visitor_id == visitor.id)
        )
        is not None
    )


def support(idea: Idea, visitor: Visitor | None, now: datetime) -> bool:
    """Support an idea: once per resident, decided by the unique (idea, resident)
    constraint (``INSERT ... ON CONFLICT DO NOTHING``). True when the support is new.

    :raise IdeaError: ``not_resident``, ``profile_incomplete`` (403), ``own_idea``,
        ``idea_closed`` (409).
    """
    _check_resident(idea, visitor)
    if idea.author_id == visitor.id:
        raise IdeaError(_l("You cannot support your own idea."), code="own_idea", status=409)
    if idea.state in (IdeaState.withdrawn, IdeaState.not_adopted):
        raise IdeaError(_l("This idea no longer takes support."), code="idea_closed", status=409)
    return _add_once(IdeaSupport, idea, visitor, now)


def withdraw_support(idea: Idea, visitor: Visitor | None) -> bool:
    """Take a support back; True when there was one."""
    return _take_back(IdeaSupport, idea, visitor)


def follow(idea: Idea, visitor: Visitor | None, now: datetime) -> bool:
    """Follow an idea (told of its changes); once, as :func:`support`.

    :raise IdeaError: ``not_resident``, ``profile_incomplete`` (403).
    """
    _check_resident(idea, visitor)
    return _add_once(IdeaFollow, idea, visitor, now)


def unfollow(idea: Idea, visitor: Visitor | None) -> bool:
    return _take_back(IdeaFollow, idea, visitor)


@dataclass(frozen=True)
class Supports:
    verified: int
    digital: int

    @property
    def total(self) -> int:
        return self.verified + self.digital


def supports_of(idea_ids: list[int]) -> dict[int, Supports]:
    """Each idea's supports split into verified residents and digital residents (every
    other account), in one query."""
    if not idea_ids:
        return {}
    verified = case((Resident.resident_verified_at.is_not(None), 1), else_=0)
    rows = db.session.execute(
        select(IdeaSupport.idea_id, func.count(), func.coalesce(func.sum(verified), 0))
        .outerjoin(Resident, Resident.visitor_id == IdeaSupport.visitor_id)
        .where(IdeaSupport.idea_id.in_(idea_ids))
        .group_by(IdeaSupport.idea_id)
    )
    found = {idea_id: Supports(int(v), int(total) - int(v)) for idea_id, total, v in rows}
    return {idea_id: found.get(idea_id, Supports(0, 0)) for idea_id in idea_ids}


def standing(idea: Idea, visitor: Visitor | None) -> tuple[bool, bool]:
    """Whether ``visitor`` supports and follows ``idea``."""
    if visitor is None:
        return False, False
    return _holds(IdeaSupport, idea, visitor), _holds(IdeaFollow, idea, visitor)


# Changes: state, answer, result.


def _record(idea: Idea, kind: ChangeKind, now: datetime, **values) -> IdeaChange:
    change = IdeaChange(idea_id=idea.id, kind=kind, created_at=now, **values)
    db.session.add(change)
    db.session.flush()
    idea_changed.send(change)
    return change


def _move(idea: Idea, to: IdeaState, now: datetime, actor_id: int | None) -> IdeaChange:
    was = idea.state
    values = {"state": to, "state_changed_at": now}
    if to is IdeaState.done:
        values.update(done_at=now, progress=100)
    moved = db.session.execute(
        update(Idea)
        .where(Idea.id == idea.id, Idea.state == was)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise IdeaError(
            _l("This idea has just changed: please look at it again."),
            code="changed_meanwhile",
            status=409,
        )
    db.session.refresh(idea)
    return _record(
        idea, ChangeKind.state, now, from_state=was.value, to_state=to.value, actor_id=actor_id
    )


def check_transition(idea: Idea, to: IdeaState) -> None:
    """:raise IdeaError: ``transition_refused`` (409), ``answer_required`` (409)."""
    if to not in TRANSITIONS.get(idea.state, ()):
        raise IdeaError(
            _l(
                "An idea that is “%(was)s” cannot become “%(to)s”.",
                was=idea.state.label,
                to=to.label,
            ),
            code="transition_refused",
            status=409,
        )
    if to in ANSWER_NEEDED and not idea.has_answer:
        raise IdeaError(
            _l(
                "Accepting an idea or not adopting it needs a published answer: "
                "write and publish the answer first."
            ),
            code="answer_required",
            status=409,
        )


def change_state(idea: Idea, to: IdeaState, now: datetime, answer: str | None = None) -> IdeaChange:
    """The association moves an idea on: submitted → evaluating → accepted or not adopted
    (each needing a published answer), accepted → in progress → done.

    Accepting or not adopting may bring its ``answer``: published with the decision, as
    part of this one change (one :data:`idea_changed`, so everyone concerned is told once,
    the answer in their mail). An empty ``answer`` keeps the one already published; for
    other moves ``answer`` is ignored.

    :raise IdeaError: ``transition_refused``, ``answer_required``, ``changed_meanwhile``
        (all 409).
    :raise PostTextError: ``post_too_long`` (the answer).
    """
    if to not in TRANSITIONS.get(idea.state, ()):
        check_transition(idea, to)  # refused before anything is written
    text = _answer_text(answer) if to in ANSWER_NEEDED else ""
    if text and not (idea.has_answer and idea.answer == text):
        text = check_post_text(text)
        idea.answer_draft = text
        idea.answer = text
        idea.answer_html = str(render_post(text))
        idea.answer_published_at = now
        db.session.flush()
    check_transition(idea, to)
    return _move(idea, to, now, None)


def withdraw(idea: Idea, visitor: Visitor | None, now: datetime) -> IdeaChange:
    """The author withdraws their idea while it is submitted or being evaluated.

    :raise IdeaError: ``not_author`` (403), ``transition_refused``, ``changed_meanwhile``
        (409).
    """
    if visitor is None or idea.author_id != visitor.id:
        raise IdeaError(
            _l("Only the idea's author can withdraw it."), code="not_author", status=403
        )
    if idea.state not in WITHDRAWABLE:
        raise IdeaError(
            _l("This idea can no longer be withdrawn."), code="transition_refused", status=409
        )
    return _move(idea, IdeaState.withdrawn, now, visitor.id)


def _answer_text(raw: str | None) -> str:
    return (strip_control_characters(raw or "")).strip()


def save_answer_draft(idea: Idea, text: str) -> None:
    """Keep the association's answer as a draft (not shown, nobody told).

    :raise PostTextError: ``post_too_long``.
    """
    text = _answer_text(text)
    idea.answer_draft = check_post_text(text) if text else ""
    db.session.flush()


def publish_answer(idea: Idea, now: datetime) -> IdeaChange:
    """Publish the drafted answer: shown on the idea's page, and everyone concerned is told.

    :raise IdeaError: ``answer_empty`` (400), ``answer_unchanged`` (409: that text is
        published already).
    """
    text = _answer_text(idea.answer_draft)
    if not text:
        raise IdeaError(_l("Please write the answer first."), code="answer_empty")
    if idea.has_answer and idea.answer == text:
        raise IdeaError(
            _l("This answer is published already."), code="answer_unchanged", status=409
        )
    idea.answer = text
    idea.answer_html = str(render_post(text))
    idea.answer_published_at = now
    db.session.flush()
    return _record(idea, ChangeKind.answer, now)


def _check_link(model, key: int | None, code: str):
    if key is not None and db.session.get(model, key) is None:
        raise IdeaError(_l("The linked item does not exist."), code=code)


def add_update(idea: Idea, data: UpdateInput, now: datetime) -> IdeaChange:
    """A dated step of an accepted idea's result: the new progress, a text, maybe the news
    item, event or campaign it became.

    :raise IdeaError: ``no_result`` (409: not accepted), ``bad_progress``, ``update_empty``,
        ``unknown_news``, ``unknown_event``, ``unknown_campaign`` (400).
    """
    if idea.state not in WITH_RESULT:
        raise IdeaError(
            _l("Only an accepted idea has a result to report."), code="no_result", status=409
        )
    if not 0 <= data.progress <= 100:
        raise IdeaError(_l("Progress is a percentage from 0 to 100."), code="bad_progress")
    text = clean_texts(data.text)
    if not text:
        raise IdeaError(_l("Please say what happened."), code="update_empty")
    _check_link(NewsPost, data.news_id, "unknown_news")
    _check_link(Event, data.event_id, "unknown_event")
    _check_link(Campaign, data.campaign_id, "unknown_campaign")
    row = IdeaUpdate(
        idea_id=idea.id,
        happened_on=data.happened_on,
        text=text,
        progress=data.progress,
        news_id=data.news_id,
        event_id=data.event_id,
        campaign_id=data.campaign_id,
        created_at=now,
    )
    db.session.add(row)
    idea.progress = data.progress
    db.session.flush()
    return _record(idea, ChangeKind.progress, now, progress=data.progress, update_id=row.id)


def audience(change: IdeaChange) -> set[int]:
    """Who is told of ``change``: the idea's author, supporters and followers, each once;
    never whoever made the change, nor anyone who blocks them."""
    idea_id = change.idea_id
    people = set(
        db.session.scalars(select(IdeaSupport.visitor_id).where(IdeaSupport.idea_id == idea_id))
    )
    people |= set(
        db.session.scalars(select(IdeaFollow.visitor_id).where(IdeaFollow.idea_id == idea_id))
    )
    author = db.session.scalar(select(Idea.author_id).where(Idea.id == idea_id))
    if author is not None:
        people.add(author)
    if change.actor_id is not None:
        people.discard(change.actor_id)
        people -= blocking(change.actor_id, people)
    return people


# Categories.


def save_category(data: CategoryInput, category: IdeaCategory | None = None) -> IdeaCategory:
    """:raise IdeaError: ``name_empty``."""
    name = clean_texts(data.name)
    if not name:
        raise IdeaError(_l("Please give the category a name."), code="name_empty")
    if category is None:
        category = IdeaCategory()
        db.session.add(category)
    category.name = name
    category.position = data.position
    db.session.flush()
    return category


def categories() -> list[IdeaCategory]:
    return list(
        db.session.scalars(select(IdeaCategory).order_by(IdeaCategory.position, IdeaCategory.id))
    )


# What the pages read.


def year_start(now: datetime) -> datetime:
    """The start of the district's current year, in naive UTC."""
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    local = now.replace(tzinfo=UTC).astimezone(zone)
    start = datetime(local.year, 1, 1, tzinfo=zone)
    return start.astimezone(UTC).replace(tzinfo=None)


def listing(state: IdeaState | None, area_id: int | None, page: int):
    """One page of the shown ideas, newest first; withdrawn ones only when asked for."""
    query = select(Idea).where(shown_clause())
    if state is not None:
        query = query.where(Idea.state == state)
    else:
        query = query.where(Idea.state != IdeaState.withdrawn)
    if area_id is not None:
        query = query.where(Idea.area_id == area_id)
    return paginate(query.order_by(Idea.created_at.desc(), Idea.id.desc()), page, PER_PAGE)


def state_counts(area_id: int | None) -> dict[IdeaState, int]:
    """How many shown ideas are in each state (in one area, or all)."""
    query = select(Idea.state, func.count()).where(shown_clause()).group_by(Idea.state)
    if area_id is not None:
        query = query.where(Idea.area_id == area_id)
    found = dict(db.session.execute(query).all())
    return {state: found.get(state, 0) for state in IdeaState}


def done_this_year(now: datetime, area_id: int | None = None) -> int:
    query = (
        select(func.count())
        .select_from(Idea)
        .where(shown_clause(), Idea.state == IdeaState.done, Idea.done_at >= year_start(now))
    )
    if area_id is not None:
        query = query.where(Idea.area_id == area_id)
    return db.session.scalar(query)


def history(idea: Idea) -> list[IdeaChange]:
    return list(
        db.session.scalars(
            select(IdeaChange)
            .where(IdeaChange.idea_id == idea.id)
            .order_by(IdeaChange.created_at, IdeaChange.id)
        )
    )


def recent_changes(limit: int = FEED_SIZE) -> list[IdeaChange]:
    """The latest changes of shown ideas, newest first (the Atom feed)."""
    return list(
        db.session.scalars(
            select(IdeaChange)
            .join(Idea, Idea.id == IdeaChange.idea_id)
            .where(shown_clause())
            .order_by(IdeaChange.created_at.desc(), IdeaChange.id.desc())
            .limit(limit)
        )
    )


def comments(idea: Idea, actor: Actor) -> list[Post]:
    """The idea's comments (its thread's replies) as ``actor`` may read them."""
    if idea.thread is None:
        return []
    return threads.replies(idea.thread, actor)


def comment(idea: Idea, visitor: Visitor | None, data, now: datetime) -> Post:
    """Comment on an idea: a reply in its thread, joining the ideas' open circle first.

    :raise IdeaError: see :func:`check_may_propose`; ``no_comments`` (409: no thread).
    :raise ThreadError: as :func:`rally.threads.operations.reply`.
    """
    check_may_propose(visitor, now)
    if idea.thread is None:
        raise IdeaError(_l("This idea takes no comments."), code="no_comments", status=409)
    _joined(idea.thread.circle, visitor)
    return threads.reply(idea.thread, visitor, data, now, Actor(visitor=visitor))


def all_ideas(state: IdeaState | None = None) -> list[Idea]:
    """Every idea, for the association (held and hidden ones too), newest first."""
    query = select(Idea).order_by(Idea.created_at.desc(), Idea.id.desc())
    if state is not None:
        query = query.where(Idea.state == state)
    return list(db.session.scalars(query))


def export_rows(lang: str) -> tuple[list[str], list[list]]:
    """The association's CSV: one row per idea, with its supports and followers."""
    ideas = all_ideas()
    supports = supports_of([idea.id for idea in ideas])
    followers = dict(
        db.session.execute(
            select(IdeaFollow.idea_id, func.count()).group_by(IdeaFollow.idea_id)
        ).all()
    )
    names = dict(
        db.session.execute(
            select(Resident.visitor_id, Resident.display_name).where(
                Resident.visitor_id.in_({i.author_id for i in ideas if i.author_id})
            )
        ).all()
    )
    header = [
        "id", "title", "language", "state", "area", "category", "author",
        "supports_verified", "supports_digital", "followers", "progress",
        "created_at", "state_changed_at", "answer_published_at", "answer",
    ]  # fmt: skip
    rows = []
    for idea in ideas:
        rows.append(
            [
                idea.id,
                idea.title,
                idea.language,
                idea.state.value,
                idea.area.tr("name", lang) if idea.area else "",
                idea.category.tr("name", lang) if idea.category else "",
                names.get(idea.author_id, ""),
                supports[idea.id].verified,
                supports[idea.id].digital,
                followers.get(idea.id, 0),
                idea.progress,
                idea.created_at.isoformat(timespec="seconds"),
                idea.state_changed_at.isoformat(timespec="seconds"),
                idea.answer_published_at.isoformat(timespec="seconds")
                if idea.answer_published_at
                else "",
                idea.answer,
            ]
        )
    return header, rows
