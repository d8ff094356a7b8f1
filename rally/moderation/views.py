"""Reports, the moderation queues (a circle's and the association's), decisions and their
undoing, the audit log, held words, and residents' mute and block."""

from dataclasses import dataclass

from babel.units import format_unit
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from rally.auth.decorators import admin_required
from rally.circles.models import Circle
from rally.circles.operations import Actor, is_moderator, may_see, visible_circles
from rally.extensions import db, limiter
from rally.forms import ConfirmForm
from rally.handmedown.models import Listing
from rally.handmedown.operations import may_moderate as may_moderate_listings
from rally.handmedown.operations import remove_photo_files
from rally.i18n import _, _l
from rally.pagination import paginate
from rally.residents.models import BlockKind, Resident
from rally.residents.operations import public_profile
from rally.threads.engagement_views import thread_url
from rally.threads.models import Post, PostState
from rally.ugc.models import HeldWord
from rally.utils import confirmation_page, int_arg, utcnow
from rally.visitors.session import current_visitor

from . import operations
from .forms import DecisionForm, HeldWordForm, ReportForm
from .models import Decision, Report, ReportReason
from .operations import ModerationError

bp = Blueprint("moderation", __name__, template_folder="templates")

LOG_PER_PAGE = 50

#: What each action is called on its button and its confirmation page.
ACTION_LABELS = {
    "hide": _l("Hide"),
    "restore": _l("Restore"),
    "release": _l("Release"),
    "delete": _l("Delete"),
    "dismiss": _l("Dismiss the reports"),
    "warn": _l("Warn the author"),
    "suspend": _l("Suspend the author"),
    "ban": _l("Ban the author"),
    "auto_hide": _l("Hidden at once by reports"),
}
RESIDENT_LABELS = {
    "warn": _l("Warn"),
    "suspend": _l("Suspend"),
    "ban": _l("Ban"),
    "dismiss": _l("Dismiss the reports"),
}
#: Actions that cannot be taken back without an undo: the page says so and asks first.
DESTRUCTIVE = frozenset({"hide", "delete", "suspend", "ban"})


def _actor() -> Actor:
    if "moderation_actor" not in g:
        staff = bool(getattr(current_user, "is_authenticated", False))
        g.moderation_actor = Actor(
            visitor=current_visitor(),
            is_admin=staff and current_user.is_admin,
            user_id=current_user.id if staff else None,
        )
    return g.moderation_actor


def _login_first(actor: Actor):
    if actor.visitor is None and actor.user_id is None:
        abort(redirect(url_for("visitors.login")))


def _visitor_or_login(actor: Actor):
    if actor.visitor is None:
        abort(redirect(url_for("visitors.login")))
    return actor.visitor


def _refuse(error: ModerationError):
    db.session.rollback()
    abort(error.status)


def _label(action: str) -> str:
    if action.startswith(operations.UNDO_PREFIX):
        return _("Undo: %(action)s", action=_label(action.removeprefix(operations.UNDO_PREFIX)))
    return str(ACTION_LABELS.get(action, action))


bp.add_app_template_global(_label, "moderation_label")


@bp.app_template_global("moderation_resident_label")
def _resident_label(action: str) -> str:
    return str(RESIDENT_LABELS.get(action, action))


@bp.app_template_global("moderation_reason")
def _reason_title(code: str) -> str:
    """A report reason's title, from its code (an automatic hiding's reasons)."""
    try:
        return ReportReason(code).label
    except ValueError:
        return code


def _step_text(subject_id: int | None) -> str | None:
    if subject_id is None:
        return None
    step = operations.suspension_step(subject_id)
    hours = int(step.total_seconds() // 3600)
    if hours < 48:
        return format_unit(hours, "duration-hour", locale=get_locale())
    return format_unit(hours // 24, "duration-day", locale=get_locale())


# What a post's and a resident's pages offer (templates print these, never decide).


@dataclass(frozen=True)
class PostActions:
    """A post's links for the reader: ``None`` where there is none to show."""

    report_url: str | None = None
    moderate_url: str | None = None
    report_label: str = ""
    moderate_label: str = ""

    @property
    def may_report(self) -> bool:
        return self.report_url is not None

    @property
    def may_moderate(self) -> bool:
        return self.moderate_url is not None


_NO_ACTIONS = PostActions()
# A post id no post has, replaced by each post's own in a URL built once per request: a
# thread page shows these links under each of its 200 replies.
_ANY_ID = 987654321


def _post_url(endpoint: str, post_id: int) -> str:
    patterns = g.setdefault("moderation_urls", {})
    pattern = patterns.get(endpoint)
    if pattern is None:
        pattern = patterns[endpoint] = url_for(endpoint, post_id=_ANY_ID)
    return pattern.replace(str(_ANY_ID), str(post_id))


def _moderates(post: Post, actor: Actor) -> bool:
    """Cached per request by circle id: a thread page asks once per post."""
    cache = g.setdefault("moderation_circles", {})
    moderates = cache.get(post.circle_id)
    if moderates is None:
        moderates = cache[post.circle_id] = is_moderator(post.circle, actor)
    return moderates


@bp.app_template_global("moderation_post_actions")
def post_actions(post: Post) -> PostActions:
    actor = _actor()
    visitor = actor.visitor
    if visitor is None and actor.user_id is None:
        return _NO_ACTIONS
    reports = (
        visitor is not None and post.author_id != visitor.id and post.state is PostState.visible
    )
    labels = g.get("moderation_labels")
    if labels is None:  # translated once per page
        labels = g.moderation_labels = (_("Report"), _("Moderate"))
    return PostActions(
        report_url=_post_url("moderation.report_post", post.id) if reports else None,
        moderate_url=_post_url("moderation.post", post.id) if _moderates(post, actor) else None,
        report_label=labels[0],
        moderate_label=labels[1],
    )


@dataclass(frozen=True)
class ResidentActions:
    logged_in: bool
    is_self: bool
    kind: BlockKind | None


@bp.app_template_global("moderation_resident_actions")
def resident_actions(resident: Resident) -> ResidentActions:
    visitor = _actor().visitor
    row = operations.block_of(visitor, resident.visitor_id)
    return ResidentActions(
        logged_in=visitor is not None,
        is_self=visitor is not None and visitor.id == resident.visitor_id,
        kind=row.kind if row is not None else None,
    )


# Reports.


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def report_post(post_id: int):
    return _report_item(operations.POSTS, post_id, thread_url)


def _report_item(target: operations.Target, item_id: int, done_url):
    """The report form of a post or a listing: ``done_url(item)`` is where it goes back."""
    actor = _actor()
    visitor = _visitor_or_login(actor)
    states = {PostState.visible}
    if request.method == "POST":  # hidden by others' reports while this page was open
        states.add(PostState.hidden)
    try:
        item = operations.readable(target, item_id, actor, states)
    except ModerationError as error:
        _refuse(error)
    if target.subject_of(item) == visitor.id:
        abort(403)
    return _report_page(
        lambda form: operations.report(target, item, visitor, form.to_input(), utcnow()),
        done_url(item),
        **{target.kind: item},
    )


def _report_page(report, done_url: str, post: Post | None = None, resident=None, listing=None):
    """The report form of a post, a listing or a resident: ``report(form)`` files it."""
    form = ReportForm()
    if form.validate_on_submit():
        try:
            filed = report(form)
        except ModerationError as error:
            if error.status in (403, 404):
                _refuse(error)
            db.session.rollback()
            form.note.errors.append(error.message)
        else:
            db.session.commit()
            _thank(filed)
            return redirect(done_url, 303)
    return render_template(
        "moderation/report.html",
        form=form,
        post=post,
        resident=resident,
        listing=listing,
        cancel_url=done_url,
    ), 400 if form.errors else 200


def _thank(report: Report | None) -> None:
    if report is None:
        flash(_("You have reported this already. Thank you: the moderators will look at it."))
    else:
        flash(_("Thank you: the moderators will look at your report."), "success")


@bp.route("/residents/<handle>/report", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def report_resident(handle: str):
    actor = _actor()
    visitor = _visitor_or_login(actor)
    resident = public_profile(handle) or abort(404)
    if resident.visitor_id == visitor.id:
        abort(403)
    return _report_page(
        lambda form: operations.report_resident(resident, visitor, form.to_input(), utcnow()),
        url_for("residents.public", handle=resident.handle),
        resident=resident,
    )


# The queues.


def _queue_page(circle: Circle | None, actor: Actor):
    reported = operations.open_reports(circle)
    held = operations.posts_in_state(PostState.held, circle)
    hidden = operations.posts_in_state(PostState.hidden, circle)
    # Listings belong to no circle: the association's queue shows them.
    listings = circle is None and may_moderate_listings(actor)
    held_listings = operations.listings_in_state(PostState.held) if listings else []
    hidden_listings = operations.listings_in_state(PostState.hidden) if listings else []
    decisions = operations.recent_decisions(circle)
    residents, users = operations.people(
        [item.subject_id for item in reported]
        + [post.author_id for post in held + hidden]
        + [item.post.author_id for item in reported if item.post]
        + [item.listing.giver_id for item in reported if item.listing]
        + [listing.giver_id for listing in held_listings + hidden_listings]
        + [d.subject_id for d in decisions]
        + [d.moderator_id for d in decisions],
        [d.user_id for d in decisions],
    )
    return render_template(
        "moderation/queue.html",
        circle=circle,
        reported=reported,
        held=held,
        hidden=hidden,
        held_listings=held_listings,
        hidden_listings=hidden_listings,
        show_listings=listings,
        decisions=decisions,
        residents=residents,
        users=users,
        undoable={d.id for d in decisions if operations.may_undo(d, actor)},
    )


@bp.get("/circles/<int:circle_id>/moderation")
def circle_queue(circle_id: int):
    actor = _actor()
    circle = db.session.get(Circle, circle_id)
    if circle is None or not may_see(circle, actor):
        abort(404)
    _login_first(actor)
    if not is_moderator(circle, actor):
        abort(403)
    return _queue_page(circle, actor)


@bp.get("/admin/moderation/")
@admin_required
def queue():
    return _queue_page(None, _actor())


# A post under review, and the decisions about it.


def _moderated(target: operations.Target, item_id: int, actor: Actor):
    _login_first(actor)
    try:
        return operations.moderated(target, item_id, actor)
    except ModerationError as error:
        _refuse(error)


def _choices(target: operations.Target, item, actor: Actor, open_reports: int) -> list[str]:
    """The actions that apply to the item as it is now, in the order of its actions."""
    choices = [
        action
        for action, (allowed, _after) in operations.POST_MOVES.items()
        if target.state_of(item) in allowed
    ]
    if open_reports:
        choices.append("dismiss")
    if "warn" in target.actions and target.subject_of(item) is not None:
        choices += ["warn", "suspend"]
        if actor.is_admin:
            choices.append("ban")
    return [action for action in target.actions if action in choices]


def _review_page(target: operations.Target, item_id: int):
    """A post's or a listing's page for its moderators: reports, choices, decisions."""
    actor = _actor()
    item = _moderated(target, item_id, actor)
    circle_id = target.circle_id(item)
    circle = db.session.get(Circle, circle_id) if circle_id is not None else None
    reported = [
        entry for entry in operations.open_reports(circle) if getattr(entry, target.kind) is item
    ]
    decisions = list(db.session.scalars(operations.decisions_query(**{target.key: item.id})))
    residents, users = operations.people(
        [target.subject_of(item)] + [d.moderator_id for d in decisions],
        [d.user_id for d in decisions],
    )
    return render_template(
        f"moderation/{target.kind}.html",
        **{target.kind: item},
        item=reported[0] if reported else None,
        decisions=decisions,
        residents=residents,
        users=users,
        choices=[
            (action, url_for(f".decide_{target.kind}", **{target.key: item.id}, action=action))
            for action in _choices(target, item, actor, len(reported))
        ],
        undoable={d.id for d in decisions if operations.may_undo(d, actor)},
    )


def _decide_page(target: operations.Target, item_id: int, action: str, decide):
    """A decision's page about a post or a listing: ``decide(item, reason, actor)`` takes
    it (see :func:`_decision_form`)."""
    actor = _actor()
    item = _moderated(target, item_id, actor)
    if action not in target.actions:
        abort(404)
    if action == "ban" and not actor.is_admin:
        abort(403)
    return _decision_form(
        lambda reason: decide(item, reason, actor),
        url_for(f".{target.kind}", **{target.key: item.id}),
        _("Done: %(action)s.", action=_label(action)),
        **{"post": None, "listing": None, target.kind: item},
        resident=None,
        action=action,
        title=_label(action),
        destructive=action in DESTRUCTIVE,
        step=_step_text(target.subject_of(item)) if action == "suspend" else None,
    )


def _decision_form(decide, done_url: str, done: str, **page):
    """The reason form of a decision or an undoing (``moderation/decide.html`` with
    ``page``): ``decide(reason)`` takes it; what it returns, if callable, is called after
    the commit. Then back to ``done_url``, saying ``done``."""
    form = DecisionForm()
    status = 200
    if form.validate_on_submit():
        try:
            after_commit = decide(form.reason.data)
        except ModerationError as error:
            if error.status in (403, 404):
                _refuse(error)
            db.session.rollback()
            form.reason.errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            if callable(after_commit):
                after_commit()
            flash(done, "success")
            return redirect(done_url, 303)
    elif form.errors:
        status = 400
    return render_template("moderation/decide.html", form=form, cancel_url=done_url, **page), status


@bp.get("/moderation/posts/<int:post_id>")
def post(post_id: int):
    return _review_page(operations.POSTS, post_id)


@bp.route("/moderation/posts/<int:post_id>/<action>", methods=["GET", "POST"])
def decide_post(post_id: int, action: str):
    return _decide_page(
        operations.POSTS,
        post_id,
        action,
        lambda post, reason, actor: operations.decide_post(post, action, reason, actor, utcnow()),
    )


# A reported resident (the association).


def _subject(handle: str) -> Resident:
    return public_profile(handle) or abort(404)


@bp.get("/admin/moderation/residents/<handle>")
@admin_required
def resident(handle: str):
    subject = _subject(handle)
    reports = list(
        db.session.scalars(
            db.select(Report)
            .where(Report.subject_id == subject.visitor_id, Report.resolved_at.is_(None))
            .order_by(Report.created_at)
        )
    )
    decisions = list(
        db.session.scalars(
            db.select(Decision)
            .where(Decision.subject_id == subject.visitor_id)
            .order_by(Decision.created_at.desc(), Decision.id.desc())
        )
    )
    residents, users = operations.people(
        [d.moderator_id for d in decisions], [d.user_id for d in decisions]
    )
    actor = _actor()
    return render_template(
        "moderation/resident.html",
        subject=subject,
        reports=reports,
        decisions=decisions,
        residents=residents,
        users=users,
        choices=[a for a in RESIDENT_LABELS if a != "dismiss" or reports],
        undoable={d.id for d in decisions if operations.may_undo(d, actor)},
    )


@bp.route("/admin/moderation/residents/<handle>/<action>", methods=["GET", "POST"])
@admin_required
def decide_resident(handle: str, action: str):
    subject = _subject(handle)
    if action not in RESIDENT_LABELS:
        abort(404)
    return _decision_form(
        lambda reason: operations.decide_resident(subject, action, reason, _actor(), utcnow()),
        url_for(".resident", handle=subject.handle),
        _("Done: %(action)s.", action=str(RESIDENT_LABELS[action])),
        post=None,
        resident=subject,
        action=action,
        title=str(RESIDENT_LABELS[action]),
        destructive=action in DESTRUCTIVE,
        step=_step_text(subject.visitor_id) if action == "suspend" else None,
    )


# Undoing.


def _back_to(decision: Decision) -> str:
    if decision.post_id is not None:
        return url_for(".post", post_id=decision.post_id)
    if decision.listing_id is not None:
        return url_for(".listing", listing_id=decision.listing_id)
    subject = db.session.get(Resident, decision.subject_id) if decision.subject_id else None
    if subject is not None and subject.handle:
        return url_for(".resident", handle=subject.handle)
    return url_for(".queue")


@bp.route("/moderation/decisions/<int:decision_id>/undo", methods=["GET", "POST"])
def undo(decision_id: int):
    actor = _actor()
    _login_first(actor)
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        abort(404)
    if not operations.may_undo(decision, actor):
        circle = db.session.get(Circle, decision.circle_id) if decision.circle_id else None
        moderates = actor.is_admin or (circle is not None and is_moderator(circle, actor))
        if not moderates:
            abort(404)
        if decision.undone_at is None:
            abort(403)
        flash(_("This decision has been undone already."))
        return redirect(_back_to(decision), 303)
    return _decision_form(
        lambda reason: operations.undo_decision(decision, reason, actor, utcnow()),
        _back_to(decision),
        _("The decision is undone."),
        post=db.session.get(Post, decision.post_id) if decision.post_id else None,
        listing=db.session.get(Listing, decision.listing_id) if decision.listing_id else None,
        resident=None,
        action="undo",
        decision=decision,
        title=_("Undo: %(action)s", action=_label(decision.action)),
        destructive=False,
        step=None,
    )


# The audit log.


@bp.get("/admin/moderation/log")
@admin_required
def log():
    circle_id = int_arg("circle", 0) or None
    decisions = paginate(
        operations.decisions_query(circle_id=circle_id), int_arg("page", 1), LOG_PER_PAGE
    )
    rows = list(decisions.items)
    residents, users = operations.people(
        [d.moderator_id for d in rows] + [d.subject_id for d in rows], [d.user_id for d in rows]
    )
    circles = visible_circles(_actor())
    return render_template(
        "moderation/log.html",
        decisions=decisions,
        residents=residents,
        users=users,
        circles=circles,
        circle_names={c.id: c for c in circles},
        circle_id=circle_id,
    )


# Held words.


@bp.route("/admin/moderation/words", methods=["GET", "POST"])
@admin_required
def words():
    form = HeldWordForm()
    if form.validate_on_submit():
        try:
            word = operations.add_held_word(form.word.data)
        except ModerationError as error:
            db.session.rollback()
            form.word.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("“%(word)s” is listed: posts containing it wait for review.", word=word.word))
            return redirect(url_for(".words"), 303)
    return render_template(
        "moderation/words.html", form=form, words=operations.held_words()
    ), 400 if form.errors else 200


@bp.post("/admin/moderation/words/<int:word_id>/remove")
@admin_required
def remove_word(word_id: int):
    word = db.session.get(HeldWord, word_id) or abort(404)
    asked = confirmation_page(
        _("Remove “%(word)s” from the held words?", word=word.word), url_for(".words")
    )
    if asked is not None:
        return asked
    operations.remove_held_word(word.id)
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for(".words"), 303)


# Mute and block.


def _checked_post() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _block(handle: str, kind: BlockKind | None):
    visitor = _visitor_or_login(_actor())
    other = public_profile(handle) or abort(404)
    _checked_post()
    try:
        if kind is None:
            operations.unblock(visitor, other.visitor_id)
            message = _("Undone: you see @%(handle)s's posts again.", handle=other.handle)
        else:
            operations.set_block(visitor, other, kind)
            message = (
                _("You mute @%(handle)s: their posts are collapsed for you.", handle=other.handle)
                if kind is BlockKind.mute
                else _(
                    "You block @%(handle)s: their posts are collapsed for you and they "
                    "cannot mention you.",
                    handle=other.handle,
                )
            )
    except ModerationError as error:
        _refuse(error)
    db.session.commit()
    flash(message, "success")
    if request.form.get("back") == "blocked":
        return redirect(url_for(".blocked"), 303)
    return redirect(url_for("residents.public", handle=other.handle), 303)


@bp.post("/residents/<handle>/mute")
def mute(handle: str):
    return _block(handle, BlockKind.mute)


@bp.post("/residents/<handle>/block")
def block(handle: str):
    return _block(handle, BlockKind.block)


@bp.post("/residents/<handle>/unblock")
def unblock(handle: str):
    return _block(handle, None)


@bp.get("/me/blocked")
def blocked():
    visitor = _visitor_or_login(_actor())
    return render_template("moderation/blocked.html", rows=operations.blocks_of(visitor))


# Hand-me-down listings (rally.handmedown): reported by residents, moderated by the
# association's admins.


@dataclass(frozen=True)
class ListingActions:
    report_url: str | None = None
    moderate_url: str | None = None


@bp.app_template_global("moderation_listing_actions")
def listing_actions(listing: Listing) -> ListingActions:
    actor = _actor()
    visitor = actor.visitor
    reports = (
        visitor is not None
        and listing.giver_id != visitor.id
        and listing.moderation_state is PostState.visible
    )
    return ListingActions(
        report_url=url_for("moderation.report_listing", listing_id=listing.id) if reports else None,
        moderate_url=url_for("moderation.listing", listing_id=listing.id)
        if may_moderate_listings(actor)
        else None,
    )


@bp.route("/handmedown/<int:listing_id>/report", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def report_listing(listing_id: int):
    return _report_item(
        operations.LISTINGS,
        listing_id,
        lambda listing: url_for("handmedown.listing", listing_id=listing.id),
    )


@bp.get("/moderation/listings/<int:listing_id>")
def listing(listing_id: int):
    return _review_page(operations.LISTINGS, listing_id)


@bp.route("/moderation/listings/<int:listing_id>/<action>", methods=["GET", "POST"])
def decide_listing(listing_id: int, action: str):
    def decide(listing: Listing, reason: str, actor: Actor):
        _decision, photos = operations.decide_listing(listing, action, reason, actor, utcnow())
        return lambda: remove_photo_files(photos)

    return _decide_page(operations.LISTINGS, listing_id, action, decide)
