"""Ideas: the public list, an idea's page (supports, answer, result, history, comments),
proposing, the Atom feed of changes, and the association's pages."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, format_date, format_percent
from flask_login import current_user
from sqlalchemy import select

from rally.areas.models import Area
from rally.auth.decorators import admin_required
from rally.campaigns.listing import all_campaigns
from rally.circles.operations import Actor
from rally.errors import RallyError
from rally.extensions import db, limiter
from rally.forms import ConfirmForm
from rally.i18n import _, _l
from rally.i18n.content import current_language
from rally.i18n.languages import district_name, site_languages
from rally.news.models import Event, NewsPost
from rally.threads.engagement_views import thread_url
from rally.threads.operations import PostInput, authors_of
from rally.utils import int_arg, utcnow
from rally.visitors.session import current_visitor

from . import operations
from .forms import AnswerForm, CategoryForm, CommentForm, IdeaForm, StateForm, UpdateForm
from .models import Idea, IdeaCategory, IdeaState
from .operations import IdeaError

bp = Blueprint("ideas", __name__, template_folder="templates")


@bp.app_template_filter("percent")
def percent(value) -> str:
    """A whole percentage (0-100) as the reader's language writes it."""
    return format_percent((value or 0) / 100)


@bp.app_template_filter("day")
def day(value) -> str:
    """A date (no time) as the reader's language writes it."""
    return format_date(value, "medium")


def _staff() -> bool:
    return bool(getattr(current_user, "is_authenticated", False)) and current_user.is_admin


def _actor() -> Actor:
    staff = bool(getattr(current_user, "is_authenticated", False))
    return Actor(
        visitor=current_visitor(),
        is_admin=staff and current_user.is_admin,
        user_id=current_user.id if staff else None,
    )


def _idea(idea_id: int) -> Idea:
    """The idea, or 404 when it does not exist for the reader (held or hidden, not theirs)."""
    idea = db.session.get(Idea, idea_id)
    if idea is None or not operations.may_see(idea, current_visitor(), _staff()):
        abort(404)
    return idea


def _checked_post() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.position, Area.id)))


# Public pages ----------------------------------------------------------------------------


@bp.get("/ideas")
def index():
    state_value = request.args.get("state", "")
    state = IdeaState(state_value) if state_value in IdeaState._value2member_map_ else None
    area_id = int_arg("area")
    areas = _areas()
    if area_id is not None and area_id not in {area.id for area in areas}:
        area_id = None
    ideas = operations.listing(state, area_id, int_arg("page", 1))
    return render_template(
        "ideas/index.html",
        ideas=ideas,
        supports=operations.supports_of([idea.id for idea in ideas.items]),
        counts=operations.state_counts(area_id),
        done_this_year=operations.done_this_year(utcnow(), area_id),
        state=state,
        area_id=area_id,
        areas=areas,
        states=list(IdeaState),
        may_propose=operations.may_propose(current_visitor(), utcnow()),
    )


def _idea_page(idea: Idea, comment_form: CommentForm | None = None, status: int = 200):
    visitor = current_visitor()
    actor = _actor()
    comments = operations.comments(idea, actor)
    supports, follows = operations.standing(idea, visitor)
    return render_template(
        "ideas/idea.html",
        idea=idea,
        supports=operations.supports_of([idea.id])[idea.id],
        supporting=supports,
        following=follows,
        history=operations.history(idea),
        comments=comments,
        authors=authors_of([*comments, *([idea.thread] if idea.thread else [])]),
        comment_form=comment_form or CommentForm(),
        may_comment=operations.may_propose(visitor, utcnow()),
        is_author=visitor is not None and idea.author_id == visitor.id,
        withdrawable=idea.state in operations.WITHDRAWABLE,
        logged_in=visitor is not None,
        thread_link=thread_url(idea.thread) if idea.thread else None,
        shown=idea.thread is not None and idea.thread.is_visible,
        # A held or hidden idea (shown to its author) is never indexed.
        noindex=idea.thread is None or not idea.thread.is_visible,
        form=ConfirmForm(),
    ), status


@bp.get("/ideas/<int:idea_id>")
def idea(idea_id: int):
    return _idea_page(_idea(idea_id))


def _login_first():
    if current_visitor() is None:
        abort(redirect(url_for("visitors.login"), 303))


@bp.route("/ideas/new", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def new():
    _login_first()
    visitor = current_visitor()
    now = utcnow()
    try:
        operations.check_may_propose(visitor, now)
    except IdeaError as error:
        if error.code == "profile_incomplete":
            flash(error.message, "error")
            return redirect(url_for("residents.profile"), 303)
        raise
    form = IdeaForm(_areas(), operations.categories())
    if form.validate_on_submit():
        try:
            idea = operations.propose(visitor, form.to_input(), now)
        except RallyError as error:
            db.session.rollback()
            form.show_error(error)
            return render_template("ideas/new.html", form=form), error.status
        db.session.commit()
        if idea.thread is not None and not idea.thread.is_visible:
            flash(
                _(
                    "Your idea is held for review: others will see it once a moderator "
                    "has looked at it."
                ),
                "success",
            )
        else:
            flash(_("Thank you: your idea is published."), "success")
        return redirect(url_for(".idea", idea_id=idea.id), 303)
    return render_template("ideas/new.html", form=form), 400 if form.errors else 200


def _resident_action(idea_id: int, act, done_message):
    _login_first()
    idea = _idea(idea_id)
    _checked_post()
    try:
        act(idea, current_visitor())
    except IdeaError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".idea", idea_id=idea.id), 303)
    db.session.commit()
    flash(str(done_message), "success")
    return redirect(url_for(".idea", idea_id=idea.id), 303)


# Supporting and following: the same shape twice (a resident's standing taken once, or
# given back), one POST route each way: (endpoint and URL's last part, operation, message).
_STANDINGS = (
    (
        "support",
        lambda idea, visitor: operations.support(idea, visitor, utcnow()),
        _l("You support this idea."),
    ),
    ("unsupport", operations.withdraw_support, _l("You no longer support this idea.")),
    (
        "follow",
        lambda idea, visitor: operations.follow(idea, visitor, utcnow()),
        _l("You follow this idea: you will be told of its changes."),
    ),
    ("unfollow", operations.unfollow, _l("You no longer follow this idea.")),
)


def _standing_view(endpoint: str, act, done_message):
    """The view of one of :data:`_STANDINGS`: a real function with its endpoint's name (as
    Flask-WTF's CSRF check and Flask itself read views' ``__module__`` and ``__name__``)."""

    def view(idea_id: int):
        return _resident_action(idea_id, act, done_message)

    view.__name__ = view.__qualname__ = endpoint
    return view


for _endpoint, _act, _done in _STANDINGS:
    bp.add_url_rule(
        f"/ideas/<int:idea_id>/{_endpoint}",
        _endpoint,
        _standing_view(_endpoint, _act, _done),
        methods=["POST"],
    )


@bp.post("/ideas/<int:idea_id>/withdraw")
def withdraw(idea_id: int):
    _login_first()
    idea = _idea(idea_id)
    _checked_post()
    try:
        operations.withdraw(idea, current_visitor(), utcnow())
    except IdeaError as error:
        if error.status == 403:
            abort(403)
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".idea", idea_id=idea.id), 303)
    db.session.commit()
    flash(_("Your idea is withdrawn."), "success")
    return redirect(url_for(".idea", idea_id=idea.id), 303)


@bp.post("/ideas/<int:idea_id>/comments")
@limiter.limit("120 per hour")
def comment(idea_id: int):
    _login_first()
    idea = _idea(idea_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _idea_page(idea, form, 400)
    data = PostInput(text=form.text.data or "", language=current_language())
    try:
        post = operations.comment(idea, current_visitor(), data, utcnow())
    except RallyError as error:
        db.session.rollback()
        form.text.errors = [*form.text.errors, error.message]
        return _idea_page(idea, form, error.status)
    db.session.commit()
    if post.is_visible:
        flash(_("Your comment is posted."), "success")
    else:
        flash(
            _(
                "Your comment is held for review: others will read it once a moderator "
                "has looked at it."
            ),
            "success",
        )
    return redirect(url_for(".idea", idea_id=idea.id, _anchor=f"post-{post.id}"), 303)


def _absolute(endpoint: str, **values) -> str:
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    return base + url_for(endpoint, **values)


@bp.get("/ideas/feed.atom")
def feed():
    """The Atom feed of the ideas' changes, in ``?lang=`` (default: the reader's)."""
    lang = request.args.get("lang")
    if lang not in site_languages():
        lang = current_language()
    with force_locale(lang):
        changes = operations.recent_changes()
        xml = render_template(
            "ideas/feed.xml",
            changes=changes,
            title=_("Ideas for the town: %(district)s", district=district_name(lang)),
            district_name=district_name(lang),
            self_url=_absolute(".feed", lang=lang),
            page_url=_absolute(".index"),
            idea_urls={c.idea_id: _absolute(".idea", idea_id=c.idea_id) for c in changes},
            updated=changes[0].created_at if changes else utcnow(),
            lang=lang,
        )
    return Response(xml, mimetype="application/atom+xml")


# The association -------------------------------------------------------------------------


def _admin_idea(idea_id: int) -> Idea:
    return db.session.get(Idea, idea_id) or abort(404)


@bp.get("/admin/ideas/")
@admin_required
def manage():
    state_value = request.args.get("state", "")
    state = IdeaState(state_value) if state_value in IdeaState._value2member_map_ else None
    ideas = operations.all_ideas(state)
    return render_template(
        "ideas/manage.html",
        ideas=ideas,
        supports=operations.supports_of([idea.id for idea in ideas]),
        state=state,
        states=list(IdeaState),
    )


def _admin_page(idea: Idea, status: int = 200, **forms):
    now = utcnow()
    targets = sorted(operations.TRANSITIONS.get(idea.state, ()), key=list(IdeaState).index)
    news = db.session.scalars(select(NewsPost).order_by(NewsPost.id.desc()).limit(50))
    events = db.session.scalars(select(Event).order_by(Event.starts_at.desc()).limit(50))
    return render_template(
        "ideas/admin_idea.html",
        idea=idea,
        supports=operations.supports_of([idea.id])[idea.id],
        history=operations.history(idea),
        state_form=forms.get("state_form")
        or StateForm(targets, data={"text": idea.answer_draft or idea.answer}),
        with_answer=bool(operations.ANSWER_NEEDED & set(targets)),
        answer_form=forms.get("answer_form") or AnswerForm(data={"text": idea.answer_draft}),
        update_form=forms.get("update_form")
        or UpdateForm(list(news), list(events), all_campaigns(), data={"progress": idea.progress}),
        with_result=idea.state in operations.WITH_RESULT,
        shown=idea.thread is not None and idea.thread.is_visible,
        now=now,
    ), status


@bp.get("/admin/ideas/<int:idea_id>")
@admin_required
def admin_idea(idea_id: int):
    return _admin_page(_admin_idea(idea_id))


@bp.post("/admin/ideas/<int:idea_id>/state")
@admin_required
def move(idea_id: int):
    idea = _admin_idea(idea_id)
    targets = list(operations.TRANSITIONS.get(idea.state, ()))
    form = StateForm(list(IdeaState))
    if not form.validate_on_submit():
        return _admin_page(idea, 400, state_form=StateForm(targets))
    try:
        operations.change_state(idea, IdeaState(form.to.data), utcnow(), form.text.data)
    except RallyError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".admin_idea", idea_id=idea.id), 303)
    db.session.commit()
    flash(_("The idea is now: %(state)s", state=idea.state.label), "success")
    return redirect(url_for(".admin_idea", idea_id=idea.id), 303)


@bp.post("/admin/ideas/<int:idea_id>/answer")
@admin_required
def answer(idea_id: int):
    idea = _admin_idea(idea_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _admin_page(idea, 400, answer_form=form)
    try:
        operations.save_answer_draft(idea, form.text.data or "")
        change = operations.publish_answer(idea, utcnow()) if form.publish.data else None
    except RallyError as error:
        db.session.rollback()
        form.text.errors = [*form.text.errors, error.message]
        return _admin_page(idea, error.status, answer_form=form)
    db.session.commit()
    if change is not None:
        flash(_("The answer is published."), "success")
    else:
        flash(_("The draft is saved: nobody sees it until you publish it."), "success")
    return redirect(url_for(".admin_idea", idea_id=idea.id), 303)


@bp.post("/admin/ideas/<int:idea_id>/updates")
@admin_required
def add_update(idea_id: int):
    idea = _admin_idea(idea_id)
    news = list(db.session.scalars(select(NewsPost).order_by(NewsPost.id.desc()).limit(50)))
    events = list(db.session.scalars(select(Event).order_by(Event.starts_at.desc()).limit(50)))
    form = UpdateForm(news, events, all_campaigns())
    if not form.validate_on_submit():
        return _admin_page(idea, 400, update_form=form)
    try:
        operations.add_update(idea, form.to_input(), utcnow())
    except IdeaError as error:
        db.session.rollback()
        form.text.errors = [*form.text.errors, error.message]
        return _admin_page(idea, error.status, update_form=form)
    db.session.commit()
    flash(_("The update is added."), "success")
    return redirect(url_for(".admin_idea", idea_id=idea.id), 303)


@bp.route("/admin/ideas/categories", methods=["GET", "POST"])
@bp.route("/admin/ideas/categories/<int:category_id>", methods=["GET", "POST"])
@admin_required
def categories(category_id: int | None = None):
    category = None
    if category_id is not None:
        category = db.session.get(IdeaCategory, category_id) or abort(404)
    form = CategoryForm(
        data={"name": dict(category.name), "position": category.position}
        if category is not None and request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            operations.save_category(form.to_input(), category)
        except IdeaError as error:
            db.session.rollback()
            form.name.errors = [*form.name.errors, error.message]
        else:
            db.session.commit()
            flash(_("The category is saved."), "success")
            return redirect(url_for(".categories"), 303)
    return render_template(
        "ideas/categories.html",
        form=form,
        category=category,
        categories=operations.categories(),
    ), 400 if form.errors else 200
