"""Keeping circles safe: the rules.

Reports (one per account and item, the unique constraints decide), hiding a post at once
when enough distinct trusted accounts reported it, moderators' decisions and their undoing
(each one a :class:`~rally.moderation.models.Decision`, the audit log), the association's
held words, and residents muting and blocking each other.

Who acts is a circles :class:`~rally.circles.operations.Actor`: a circle's moderators
(residents or staff the association named) and the association's admins.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from rally.auth.models import User
from rally.circles.models import Circle
from rally.circles.operations import Actor, is_moderator, may_read
from rally.errors import RallyError
from rally.extensions import db
from rally.forms import clean_text
from rally.handmedown import operations as handmedown
from rally.handmedown.models import Listing
from rally.i18n import _l
from rally.residents.models import BlockKind, Resident, ResidentBlock
from rally.residents.operations import profile_of
from rally.threads.models import Post, PostState
from rally.threads.operations import publish, recount_replies
from rally.ugc.models import HeldWord
from rally.ugc.words import fold
from rally.visitors.models import Visitor

from .models import Decision, Report, ReportReason
from .signals import decision_made

NOTE_MAX = 500
REASON_MAX = 500
WORD_MAX = 80
#: A resident's suspensions, in order: each one is the step after their earlier ones.
SUSPENSION_LADDER = (
    timedelta(hours=24),
    timedelta(hours=72),
    timedelta(days=7),
    timedelta(days=30),
)

#: What a moderator may decide about a post: the states it may be in, the state it goes to.
POST_MOVES = {
    "hide": ({PostState.visible}, PostState.hidden),
    "restore": ({PostState.hidden}, PostState.visible),
    "delete": ({PostState.visible, PostState.hidden, PostState.held}, PostState.deleted),
    "release": ({PostState.held}, PostState.visible),
}
#: Decisions about a resident (a post's author, or a resident reported as such).
RESIDENT_ACTIONS = ("warn", "suspend", "ban")
#: Every action a moderator may take on a post, in the order the page offers them.
POST_ACTIONS = ("hide", "restore", "release", "delete", "dismiss", *RESIDENT_ACTIONS)
#: What the association may decide about a hand-me-down listing (its giver is a resident:
#: warnings and suspensions go through the resident's page).
LISTING_ACTIONS = ("hide", "restore", "release", "delete", "dismiss")
#: Decisions the author is not told of: closing reports that asked for nothing.
SILENT_ACTIONS = frozenset({"dismiss"})
UNDO_PREFIX = "undo_"


class ModerationError(RallyError):
    """A report or moderation step that cannot go ahead; ``code`` says why."""


@dataclass(frozen=True)
class ReportInput:
    reason: ReportReason
    note: str = ""


# What residents report and moderators decide about: a circle's post or a hand-me-down
# listing. Both go through the same code: reading, reports, hiding at once, moves and
# their undoing, the audit log; a Target says where each kind keeps its moderation state.


@dataclass(frozen=True)
class Target:
    """A kind of item under moderation.

    Its reports' and decisions' column is ``<kind>_id``; ``model.<state>`` and
    ``model.<reason>`` are its moderation state (a :class:`PostState`) and why it is in it.
    """

    kind: str
    model: type
    state: str
    reason: str
    #: The attribute naming the account the item is by (told of decisions).
    subject: str
    #: What it may be told to do (:data:`POST_ACTIONS`, :data:`LISTING_ACTIONS`).
    actions: tuple[str, ...]
    missing: Callable[[], ModerationError]
    not_moderator: Callable[[], ModerationError]
    own_item: Callable[[], ModerationError]
    may_read: Callable[[Any, Actor], bool]
    moderates: Callable[[Any, Actor], bool]
    #: The circle the item is in (``None``: the association's alone).
    circle_id: Callable[[Any], int | None]

    @property
    def key(self) -> str:
        return f"{self.kind}_id"

    def load(self, item_id: int):
        return db.session.get(self.model, item_id)

    def state_of(self, item) -> PostState:
        return getattr(item, self.state)

    def subject_of(self, item) -> int | None:
        return getattr(item, self.subject)

    def previous(self, item) -> str:
        """The state as the audit log records it, for an undo to bring back."""
        return f"{self.state_of(item).value}:{getattr(item, self.reason)}"

    def reports(self, item):
        """The condition on :class:`Report` for this item's reports."""
        return getattr(Report, self.key) == item.id

    def audit(self, item) -> dict:
        """A decision's columns naming the item, its circle and its author."""
        return {
            "circle_id": self.circle_id(item),
            self.key: item.id,
            "subject_id": self.subject_of(item),
        }


def readable(target: Target, item_id: int, actor: Actor, states=frozenset({PostState.visible})):
    """An item ``actor`` may read, in one of ``states`` (visible ones by default; a report
    sent from a page that showed it is taken while it is hidden pending review too).

    :raise ModerationError: ``no_post``/``no_listing`` (404): missing, in another state, or
        not for the actor to read (a post in a circle they may not read).
    """
    item = target.load(item_id)
    if item is None or target.state_of(item) not in states or not target.may_read(item, actor):
        raise target.missing()
    return item


def moderated(target: Target, item_id: int, actor: Actor):
    """An item (in any state) ``actor`` moderates: a post of a circle they moderate, a
    listing for the association.

    :raise ModerationError: ``no_post``/``no_listing`` (404: missing, or unreadable to the
        actor), ``not_moderator`` (403).
    """
    item = target.load(item_id)
    if item is None:
        raise target.missing()
    if not target.moderates(item, actor):
        if not target.may_read(item, actor):
            raise target.missing()
        raise target.not_moderator()
    return item


# Reading.


def _not_moderator() -> ModerationError:
    return ModerationError(
        _l("Only this circle's moderators can do this."), code="not_moderator", status=403
    )


def _no_post() -> ModerationError:
    return ModerationError(_l("This post is not here."), code="no_post", status=404)


def _no_listing() -> ModerationError:
    return ModerationError(_l("This listing is not here."), code="no_listing", status=404)


def _association_only() -> ModerationError:
    return ModerationError(
        _l("Only the association can moderate the hand-me-down board."),
        code="not_moderator",
        status=403,
    )


POSTS = Target(
    kind="post",
    model=Post,
    state="state",
    reason="state_reason",
    subject="author_id",
    actions=POST_ACTIONS,
    missing=_no_post,
    not_moderator=_not_moderator,
    own_item=lambda: ModerationError(
        _l("You cannot report your own post."), code="own_item", status=403
    ),
    may_read=lambda post, actor: may_read(post.circle, actor),
    moderates=lambda post, actor: is_moderator(post.circle, actor),
    circle_id=lambda post: post.circle_id,
)
#: Listings belong to no circle: the association's admins moderate them.
LISTINGS = Target(
    kind="listing",
    model=Listing,
    state="moderation_state",
    reason="moderation_reason",
    subject="giver_id",
    actions=LISTING_ACTIONS,
    missing=_no_listing,
    not_moderator=_association_only,
    own_item=lambda: ModerationError(
        _l("You cannot report your own listing."), code="own_item", status=403
    ),
    may_read=handmedown.may_see,
    moderates=lambda listing, actor: handmedown.may_moderate(actor),
    circle_id=lambda listing: None,
)


def is_trusted(visitor: Visitor, now: datetime) -> bool:
    """A verified resident, or an account older than ``RALLY_TRUSTED_AFTER_DAYS``: their
    reports count towards hiding a post at once."""
    resident = profile_of(visitor)
    if resident is not None and resident.is_verified_resident:
        return True
    days = current_app.config["RALLY_TRUSTED_AFTER_DAYS"]
    return visitor.created_at <= now - timedelta(days=days)


# Reports.


def _clean_note(note: str) -> str:
    note = clean_text(note)
    if len(note) > NOTE_MAX:
        raise ModerationError(
            _l("Please keep it under %(count)d characters.", count=NOTE_MAX), code="note_too_long"
        )
    return note


def _add_report(report: Report) -> Report | None:
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError:  # this account reported the item before (or at the same moment)
        return None
    return report


def report(
    target: Target, item, reporter: Visitor, data: ReportInput, now: datetime
) -> Report | None:
    """Report a post or a listing; ``None`` when this account had reported it already
    (nothing added).

    A trusted report may hide the item at once (:func:`hide_if_reported`). The item's row
    is locked first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's writers are one at a
    time already), so of reports arriving together each one counts the ones before it:
    the third distinct trusted reporter hides the item, exactly once.

    :raise ModerationError: ``own_item`` (403), ``note_too_long``.
    """
    if target.subject_of(item) == reporter.id:
        raise target.own_item()
    note = _clean_note(data.note)
    model = target.model
    db.session.execute(select(model.id).where(model.id == item.id).with_for_update())
    report = _add_report(
        Report(
            reporter_id=reporter.id,
            **{target.key: item.id},
            reason=ReportReason(data.reason),
            note=note,
            trusted=is_trusted(reporter, now),
            created_at=now,
        )
    )
    if report is not None and report.trusted:
        hide_if_reported(target, item, now)
    return report


def report_resident(
    subject: Resident, reporter: Visitor, data: ReportInput, now: datetime
) -> Report | None:
    """Report a resident to the association; ``None`` when reported by this account before.

    :raise ModerationError: ``own_item`` (403), ``note_too_long``.
    """
    if subject.visitor_id == reporter.id:
        raise ModerationError(_l("You cannot report yourself."), code="own_item", status=403)
    return _add_report(
        Report(
            reporter_id=reporter.id,
            subject_id=subject.visitor_id,
            reason=ReportReason(data.reason),
            note=_clean_note(data.note),
            trusted=is_trusted(reporter, now),
            created_at=now,
        )
    )


def hide_if_reported(target: Target, item, now: datetime) -> Decision | None:
    """Hide a visible post or listing reported by ``RALLY_REPORTS_TO_HIDE`` distinct
    trusted accounts (open reports only), pending review; its author is told why
    (``decision_made``).

    The count and the change are the database's: ``UPDATE ... WHERE <state> = 'visible'``
    changes one row once, and only that request writes the decision.
    """
    reporters = db.session.scalar(
        select(func.count(func.distinct(Report.reporter_id))).where(
            target.reports(item), Report.trusted.is_(True), Report.resolved_at.is_(None)
        )
    )
    if reporters < current_app.config["RALLY_REPORTS_TO_HIDE"]:
        return None
    model = target.model
    state, state_reason = getattr(model, target.state), getattr(model, target.reason)
    before = db.session.execute(select(state, state_reason).where(model.id == item.id)).one()
    hidden = db.session.execute(
        update(model)
        .where(model.id == item.id, state == PostState.visible)
        .values({target.state: PostState.hidden, target.reason: "reports"})
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(item, [target.state, target.reason])
    if hidden != 1:
        return None
    reasons = Counter(
        db.session.scalars(
            select(Report.reason).where(target.reports(item), Report.resolved_at.is_(None))
        )
    )
    decision = Decision(
        **target.audit(item),
        action="auto_hide",
        # The reported reasons' codes, most reported first: the log and the author's
        # notification show their titles.
        reason=" ".join(reason.value for reason, _n in reasons.most_common()),
        previous=f"{before[0].value}:{before[1]}",
        created_at=now,
    )
    db.session.add(decision)
    db.session.flush()
    decision_made.send(decision, undone=False)
    return decision


# Decisions.


def _clean_reason(reason: str) -> str:
    reason = clean_text(reason)
    if not reason:
        raise ModerationError(
            _l("Please say why: the author and the audit log will read it."),
            code="reason_empty",
        )
    if len(reason) > REASON_MAX:
        raise ModerationError(
            _l("Please keep it under %(count)d characters.", count=REASON_MAX),
            code="reason_too_long",
        )
    return reason


def _who(actor: Actor) -> dict:
    """Who decides, as the log records it: the back-office account (staff or admin) when
    there is one, else the resident moderator."""
    if actor.user_id is not None:
        return {"user_id": actor.user_id}
    return {"moderator_id": actor.visitor.id if actor.visitor else None}


def _report_target(post_id=None, subject_id=None, listing_id=None):
    if post_id is not None:
        return Report.post_id == post_id
    if listing_id is not None:
        return Report.listing_id == listing_id
    return Report.subject_id == subject_id


def _resolve_reports(decision: Decision, *, post_id=None, subject_id=None, listing_id=None) -> None:
    """Close the open reports the decision answers; they keep its time, so undoing it
    opens them again."""
    where = _report_target(post_id, subject_id, listing_id)
    db.session.execute(
        update(Report)
        .where(where, Report.resolved_at.is_(None))
        .values(resolved_at=decision.created_at)
        .execution_options(synchronize_session=False)
    )


def _changed() -> ModerationError:
    return ModerationError(
        _l("This has changed in the meantime. Please look at it again."),
        code="state_changed",
        status=409,
    )


def decide_post(post: Post, action: str, reason: str, actor: Actor, now: datetime) -> Decision:
    """A moderator's decision about a post or its author (:data:`POST_ACTIONS`), written
    to the audit log, its open reports closed, and its author told (``decision_made``)
    unless it only dismisses reports.

    A change of state is ``UPDATE post ... WHERE state = <the state read>``: of two
    moderators deciding at once one wins, the other is told it changed.

    :raise ModerationError: ``not_moderator`` (403), ``admins_only`` (403: a ban),
        ``unknown_action`` (404), ``reason_empty``, ``reason_too_long``,
        ``state_changed`` (409: not in a state this action applies to),
        ``no_author`` (404: a warning or suspension of a deleted account),
        ``already_banned`` (409).
    """
    reason = _check_decision(POSTS, post, action, reason, actor)
    if action in RESIDENT_ACTIONS:
        if post.author_id is None or profile_of(post.author) is None:
            raise ModerationError(_l("This account is gone."), code="no_author", status=404)
        return _decide_resident(
            profile_of(post.author), action, reason, actor, now, post=post, circle=post.circle
        )

    def moved(_after: PostState) -> None:
        if action != "release":  # a release is counted by publish, below
            recount_replies(post)

    def logged(_decision: Decision) -> None:
        if action == "release":
            publish(post, now=now)  # mentions, the thread's reply count, post_published

    return _decide(POSTS, post, action, reason, actor, now, moved=moved, logged=logged)


def _check_decision(target: Target, item, action: str, reason: str, actor: Actor) -> str:
    """:return: the reason, cleaned. :raise ModerationError: ``not_moderator`` (403),
    ``unknown_action`` (404), ``reason_empty``, ``reason_too_long``."""
    if not target.moderates(item, actor):
        raise target.not_moderator()
    if action not in target.actions:
        raise ModerationError(_l("Unknown action."), code="unknown_action", status=404)
    return _clean_reason(reason)


def _decide(
    target: Target,
    item,
    action: str,
    reason: str,
    actor: Actor,
    now: datetime,
    moved: Callable[[PostState], None],
    logged: Callable[[Decision], None] | None = None,
) -> Decision:
    """Move the item's state as :data:`POST_MOVES` says (``UPDATE ... WHERE`` the state
    read: of two moderators deciding at once one wins, the other is told it changed), then
    ``moved(<the new state>)``; log the decision, close the item's open reports,
    ``logged(decision)``, and tell the author unless it only dismisses reports.

    :raise ModerationError: ``state_changed`` (409).
    """
    previous = target.previous(item)
    if action in POST_MOVES:
        allowed, after = POST_MOVES[action]
        state, state_reason = target.state_of(item), getattr(item, target.reason)
        if state not in allowed:
            raise _changed()
        values = {target.state: after, target.reason: "moderator" if action != "release" else ""}
        if after is PostState.deleted:
            values["deleted_at"] = now
        model = target.model
        changed = db.session.execute(
            update(model)
            .where(
                model.id == item.id,
                getattr(model, target.state) == state,
                getattr(model, target.reason) == state_reason,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.expire(item)
        if changed != 1:
            raise _changed()
        moved(after)
    decision = Decision(
        **target.audit(item),
        action=action,
        reason=reason,
        previous=previous,
        created_at=now,
        **_who(actor),
    )
    db.session.add(decision)
    db.session.flush()
    _resolve_reports(decision, **{target.key: item.id})
    if logged is not None:
        logged(decision)
    if action not in SILENT_ACTIONS:
        decision_made.send(decision, undone=False)
    return decision


def decide_resident(
    subject: Resident, action: str, reason: str, actor: Actor, now: datetime
) -> Decision:
    """The association's decision about a reported resident: warn, suspend, ban, or
    dismiss the reports.

    :raise ModerationError: ``admins_only`` (403), ``unknown_action`` (404),
        ``reason_empty``, ``reason_too_long``, ``already_banned`` (409).
    """
    if not actor.is_admin:
        raise _admins_only()
    if action not in (*RESIDENT_ACTIONS, "dismiss"):
        raise ModerationError(_l("Unknown action."), code="unknown_action", status=404)
    return _decide_resident(subject, action, _clean_reason(reason), actor, now)


def _admins_only() -> ModerationError:
    return ModerationError(_l("Only the association can do this."), code="admins_only", status=403)


def _lock_resident(subject: Resident) -> None:
    db.session.execute(
        select(Resident.visitor_id)
        .where(Resident.visitor_id == subject.visitor_id)
        .with_for_update()
    )


def suspension_step(subject_id: int) -> timedelta:
    """The next suspension of this resident: the ladder's step after their earlier
    suspensions (undone ones do not count), the last step again after that."""
    earlier = db.session.scalar(
        select(func.count())
        .select_from(Decision)
        .where(
            Decision.subject_id == subject_id,
            Decision.action == "suspend",
            Decision.undone_at.is_(None),
        )
    )
    return SUSPENSION_LADDER[min(earlier, len(SUSPENSION_LADDER) - 1)]


def _decide_resident(
    subject: Resident,
    action: str,
    reason: str,
    actor: Actor,
    now: datetime,
    post: Post | None = None,
    circle: Circle | None = None,
) -> Decision:
    until = None
    if action == "ban" and not actor.is_admin:
        raise _admins_only()
    _lock_resident(subject)  # two suspensions at once take two steps of the ladder
    if action == "suspend":
        until = now + suspension_step(subject.visitor_id)
        db.session.execute(
            update(Resident)
            .where(
                Resident.visitor_id == subject.visitor_id,
                or_(Resident.suspended_until.is_(None), Resident.suspended_until < until),
            )
            .values(suspended_until=until)
            .execution_options(synchronize_session=False)
        )
    elif action == "ban":
        banned = db.session.execute(
            update(Resident)
            .where(Resident.visitor_id == subject.visitor_id, Resident.banned_at.is_(None))
            .values(banned_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if banned != 1:
            raise ModerationError(
                _l("This resident is banned already."), code="already_banned", status=409
            )
    db.session.expire(subject)
    decision = Decision(
        circle_id=circle.id if circle is not None else None,
        post_id=post.id if post is not None else None,
        subject_id=subject.visitor_id,
        action=action,
        reason=reason,
        until=until,
        created_at=now,
        **_who(actor),
    )
    db.session.add(decision)
    db.session.flush()
    if post is not None:
        _resolve_reports(decision, post_id=post.id)
    else:
        _resolve_reports(decision, subject_id=subject.visitor_id)
    if action not in SILENT_ACTIONS:
        decision_made.send(decision, undone=False)
    return decision


def may_undo(decision: Decision, actor: Actor) -> bool:
    """Its moderator (while still a moderator of its circle) or an admin; an undo itself
    and a decision undone already cannot be undone."""
    if decision.undone_at is not None or decision.action.startswith(UNDO_PREFIX):
        return False
    if actor.is_admin:
        return True
    mine = (decision.user_id is not None and decision.user_id == actor.user_id) or (
        decision.moderator_id is not None
        and actor.visitor is not None
        and decision.moderator_id == actor.visitor.id
    )
    if not mine or decision.circle_id is None:
        return False
    circle = db.session.get(Circle, decision.circle_id)
    return circle is not None and is_moderator(circle, actor)


def undo_decision(decision: Decision, reason: str, actor: Actor, now: datetime) -> Decision:
    """Undo a decision: the post's earlier state comes back (only if nobody changed it
    since), a suspension or ban is lifted, the reports it closed open again; the decision
    is marked undone (``UPDATE ... WHERE undone_at IS NULL``: once) and the undoing is
    logged as a decision of its own (``undo_<action>``). The author hears of it
    (``decision_made`` with ``undone=True``).

    :raise ModerationError: ``not_yours`` (403), ``already_undone`` (409),
        ``state_changed`` (409), ``reason_empty``, ``reason_too_long``.
    """
    if decision.undone_at is not None:
        raise ModerationError(
            _l("This decision has been undone already."), code="already_undone", status=409
        )
    if not may_undo(decision, actor):
        raise ModerationError(
            _l("Only its moderator or the association can undo this decision."),
            code="not_yours",
            status=403,
        )
    reason = _clean_reason(reason)
    marked = db.session.execute(
        update(Decision)
        .where(Decision.id == decision.id, Decision.undone_at.is_(None))
        .values(undone_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if marked != 1:
        raise ModerationError(
            _l("This decision has been undone already."), code="already_undone", status=409
        )
    db.session.expire(decision)
    action = decision.action
    if action in POST_MOVES or action == "auto_hide":
        target = LISTINGS if decision.listing_id is not None else POSTS
        item = _undo_move(target, decision, action)
        if item is not None and target is POSTS:
            recount_replies(item)
    elif action == "suspend":
        _lift_suspension(decision.subject_id, now)
    elif action == "ban":
        db.session.execute(
            update(Resident)
            .where(Resident.visitor_id == decision.subject_id)
            .values(banned_at=None)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(Report)
        .where(
            _report_target(decision.post_id, decision.subject_id, decision.listing_id),
            Report.resolved_at == decision.created_at,
        )
        .values(resolved_at=None)
        .execution_options(synchronize_session=False)
    )
    logged = Decision(
        circle_id=decision.circle_id,
        post_id=decision.post_id,
        listing_id=decision.listing_id,
        subject_id=decision.subject_id,
        action=UNDO_PREFIX + action,
        reason=reason,
        created_at=now,
        **_who(actor),
    )
    db.session.add(logged)
    db.session.flush()
    if action not in SILENT_ACTIONS:
        decision_made.send(decision, undone=True)
    return logged


def _undo_move(target: Target, decision: Decision, action: str):
    """Bring back the item's state before ``decision`` (only if nobody changed it since).

    :return: the item (``None`` if gone). :raise ModerationError: ``state_changed`` (409).
    """
    after = PostState.hidden if action == "auto_hide" else POST_MOVES[action][1]
    state, _sep, state_reason = decision.previous.partition(":")
    values = {target.state: PostState(state), target.reason: state_reason}
    if after is PostState.deleted:
        values["deleted_at"] = None
    model, item_id = target.model, getattr(decision, target.key)
    moved = db.session.execute(
        update(model)
        .where(model.id == item_id, getattr(model, target.state) == after)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise _changed()
    item = target.load(item_id)
    if item is not None:
        db.session.expire(item)
    return item


def _lift_suspension(subject_id: int, now: datetime) -> None:
    """The suspension ends when the latest of the resident's other suspensions does."""
    remaining = db.session.scalar(
        select(func.max(Decision.until)).where(
            Decision.subject_id == subject_id,
            Decision.action == "suspend",
            Decision.undone_at.is_(None),
            Decision.until > now,
        )
    )
    db.session.execute(
        update(Resident)
        .where(Resident.visitor_id == subject_id)
        .values(suspended_until=remaining)
        .execution_options(synchronize_session=False)
    )


# Hand-me-down listings: reported by residents, moderated by the association.


def decide_listing(
    listing: Listing, action: str, reason: str, actor: Actor, now: datetime
) -> tuple[Decision, list]:
    """The association's decision about a listing (:data:`LISTING_ACTIONS`): its
    moderation state moves as a post's would (``UPDATE ... WHERE`` the state read), the
    decision is logged, the open reports closed, the giver told. A deleted listing's photos
    go: the caller removes their files after the commit.

    :return: the decision and the photos whose files to remove.
    :raise ModerationError: ``not_moderator`` (403), ``unknown_action`` (404),
        ``reason_empty``, ``reason_too_long``, ``state_changed`` (409).
    """
    reason = _check_decision(LISTINGS, listing, action, reason, actor)
    photos = []

    def moved(after: PostState) -> None:
        if after is PostState.deleted:
            photos.extend(handmedown.delete_photos(listing))

    return _decide(LISTINGS, listing, action, reason, actor, now, moved=moved), photos


# The queue and the log.


@dataclass
class ReportedItem:
    """An item's open reports, together: how many and why."""

    post: Post | None = None
    listing: Listing | None = None
    subject_id: int | None = None
    count: int = 0
    reasons: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    first_at: datetime | None = None


def open_reports(circle: Circle | None) -> list[ReportedItem]:
    """Open reports grouped per item, most reported first: a circle's posts, or (for the
    association, ``circle`` None) every post, hand-me-down listing and reported resident."""
    query = select(Report).where(Report.resolved_at.is_(None)).order_by(Report.created_at)
    if circle is not None:
        query = query.join(Post, Report.post_id == Post.id).where(Post.circle_id == circle.id)
    items: dict[tuple, ReportedItem] = {}
    for report in db.session.scalars(query):
        if report.post_id:
            key = ("post", report.post_id)
        elif report.listing_id:
            key = ("listing", report.listing_id)
        else:
            key = ("resident", report.subject_id)
        item = items.get(key)
        if item is None:
            item = items[key] = ReportedItem(
                post=report.post,
                listing=report.listing,
                subject_id=report.subject_id,
                first_at=report.created_at,
            )
        item.count += 1
        item.reasons[report.reason] += 1
        if report.note:
            item.notes.append(report.note)
    return sorted(items.values(), key=lambda item: (-item.count, item.first_at))


def posts_in_state(state: PostState, circle: Circle | None, limit: int = 100) -> list[Post]:
    query = select(Post).where(Post.state == state)
    if circle is not None:
        query = query.where(Post.circle_id == circle.id)
    return list(db.session.scalars(query.order_by(Post.created_at, Post.id).limit(limit)))


def listings_in_state(state: PostState, limit: int = 100) -> list[Listing]:
    query = select(Listing).where(Listing.moderation_state == state)
    return list(db.session.scalars(query.order_by(Listing.created_at, Listing.id).limit(limit)))


def decisions_query(
    circle_id: int | None = None, post_id: int | None = None, listing_id: int | None = None
):
    """The audit log, newest first; maybe of one circle, one post or one listing."""
    query = select(Decision)
    if listing_id is not None:
        query = query.where(Decision.listing_id == listing_id)
    if circle_id is not None:
        query = query.where(Decision.circle_id == circle_id)
    if post_id is not None:
        query = query.where(Decision.post_id == post_id)
    return query.order_by(Decision.created_at.desc(), Decision.id.desc())


def recent_decisions(circle: Circle | None, limit: int = 20) -> list[Decision]:
    return list(db.session.scalars(decisions_query(circle.id if circle else None).limit(limit)))


def people(visitor_ids, user_ids) -> tuple[dict[int, Resident], dict[int, User]]:
    """The residents and staff a list of reports and decisions names."""
    visitor_ids = {i for i in visitor_ids if i is not None}
    user_ids = {i for i in user_ids if i is not None}
    residents = (
        {
            r.visitor_id: r
            for r in db.session.scalars(
                select(Resident).where(Resident.visitor_id.in_(visitor_ids))
            )
        }
        if visitor_ids
        else {}
    )
    users = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
        if user_ids
        else {}
    )
    return residents, users


# Held words.


def add_held_word(raw: str) -> HeldWord:
    """List a word (stored folded); a word listed already is a no-op.

    :raise ModerationError: ``word_empty``, ``word_too_long``.
    """
    word = fold(clean_text(raw)).strip()
    if not word:
        raise ModerationError(_l("Please enter a word."), code="word_empty")
    if len(word) > WORD_MAX:
        raise ModerationError(
            _l("Please keep it under %(count)d characters.", count=WORD_MAX),
            code="word_too_long",
        )
    existing = db.session.scalar(select(HeldWord).where(HeldWord.word == word))
    if existing is not None:
        return existing
    row = HeldWord(word=word)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # listed at the same moment by another admin
        return db.session.scalar(select(HeldWord).where(HeldWord.word == word))
    return row


def remove_held_word(word_id: int) -> bool:
    return db.session.execute(delete(HeldWord).where(HeldWord.id == word_id)).rowcount == 1


def held_words() -> list[HeldWord]:
    return list(db.session.scalars(select(HeldWord).order_by(HeldWord.word)))


# Mute and block.


def set_block(visitor: Visitor, other: Resident, kind: BlockKind) -> ResidentBlock:
    """Mute or block a resident: one row per pair (the unique constraint), so muting
    someone already blocked turns the block into a mute and the other way round.

    :raise ModerationError: ``self`` (400).
    """
    if other.visitor_id == visitor.id:
        raise ModerationError(_l("You cannot mute or block yourself."), code="self", status=400)
    kind = BlockKind(kind)

    def existing() -> ResidentBlock | None:
        return db.session.scalar(
            select(ResidentBlock).where(
                ResidentBlock.visitor_id == visitor.id, ResidentBlock.other_id == other.visitor_id
            )
        )

    row = existing()
    if row is None:
        try:
            with db.session.begin_nested():
                row = ResidentBlock(visitor_id=visitor.id, other_id=other.visitor_id, kind=kind)
                db.session.add(row)
        except IntegrityError:  # the same resident's other request won
            row = existing()
    row.kind = kind
    db.session.flush()
    return row


def unblock(visitor: Visitor, other_id: int) -> bool:
    return (
        db.session.execute(
            delete(ResidentBlock).where(
                ResidentBlock.visitor_id == visitor.id, ResidentBlock.other_id == other_id
            )
        ).rowcount
        == 1
    )


def block_of(visitor: Visitor | None, other_id: int) -> ResidentBlock | None:
    if visitor is None:
        return None
    return db.session.scalar(
        select(ResidentBlock).where(
            ResidentBlock.visitor_id == visitor.id, ResidentBlock.other_id == other_id
        )
    )


def blocks_of(visitor: Visitor) -> list[tuple[ResidentBlock, Resident | None]]:
    rows = list(
        db.session.scalars(
            select(ResidentBlock)
            .where(ResidentBlock.visitor_id == visitor.id)
            .order_by(ResidentBlock.created_at, ResidentBlock.id)
        )
    )
    residents, _users = people([row.other_id for row in rows], [])
    return [(row, residents.get(row.other_id)) for row in rows]
