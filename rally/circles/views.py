"""Circles: the list, joining and leaving, moderators' answers, and the association's circle
pages. A circle's own page (``/circles/<id>``) shows its threads, so the threads room serves
it (``threads.circle``) with :func:`circle_page_context` from here."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from rally.auth.decorators import admin_required
from rally.extensions import db, limiter
from rally.forms import ConfirmForm
from rally.i18n import _
from rally.visitors.session import current_visitor

from . import operations
from .forms import CircleForm, ModeratorForm
from .models import Circle, CircleStatus, MemberState
from .operations import Actor, CircleError
from .signals import circles_listed

bp = Blueprint("circles", __name__, template_folder="templates")


def current_actor() -> Actor:
    """Who is asking: the logged-in resident and/or back-office account."""
    staff = bool(getattr(current_user, "is_authenticated", False))
    return Actor(
        visitor=current_visitor(),
        is_admin=staff and current_user.is_admin,
        user_id=current_user.id if staff else None,
    )


def find_circle(circle_id: int, actor: Actor) -> Circle:
    """The circle, or 404 when it does not exist for ``actor`` (pending, archived)."""
    circle = db.session.get(Circle, circle_id)
    if circle is None or not operations.may_see(circle, actor):
        abort(404)
    return circle


def _visitor_or_login(actor: Actor):
    if actor.visitor is None:
        abort(redirect(url_for("visitors.login")))
    return actor.visitor


def _checked_post() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _refused(error: CircleError, circle: Circle):
    db.session.rollback()
    if error.code == "profile_incomplete":
        flash(error.message, "error")
        return redirect(url_for("residents.profile"), 303)
    if error.status == 404:
        abort(404)
    flash(error.message, "error")
    return _circle_page(circle, current_actor(), error.status)


@bp.get("/circles")
def index():
    actor = current_actor()
    circles = operations.visible_circles(actor)
    added = {}
    for _receiver, context in circles_listed.send(circles, actor=actor):
        added.update(context or {})
    return render_template(
        "circles/index.html",
        **added,
        circles=circles,
        readable={c.id for c in circles if operations.may_read(c, actor)},
        may_propose=actor.visitor is not None,
    )


def circle_page_context(circle: Circle, actor: Actor) -> dict:
    """What the circle page shows above its threads: membership, and requests and members
    for its moderators."""
    moderator = operations.is_moderator(circle, actor)
    requests = operations.pending_requests(circle) if moderator else []
    members = operations.members(circle) if moderator else []
    return dict(
        circle=circle,
        readable=operations.may_read(circle, actor),
        mine=operations.membership(circle, actor.visitor),
        moderator=moderator,
        requests=requests,
        members=members,
        residents=operations.residents_of(requests + members),
        member_count=operations.member_count(circle),
        noindex=circle.is_members_only or not circle.is_active,
        action_form=ConfirmForm(),
        MemberState=MemberState,
    )


def _circle_page(circle: Circle, actor: Actor, status: int = 200):
    """The circle page without its threads: the answer to a refused join or removal."""
    return render_template("circles/circle.html", **circle_page_context(circle, actor)), status


@bp.post("/circles/<int:circle_id>/join")
@limiter.limit("30 per hour")
def join(circle_id: int):
    actor = current_actor()
    visitor = _visitor_or_login(actor)
    circle = find_circle(circle_id, actor)
    _checked_post()
    try:
        row = operations.join(circle, visitor)
    except CircleError as error:
        return _refused(error, circle)
    db.session.commit()
    if row.state is MemberState.requested:
        flash(_("Your request to join is sent. A moderator will answer it."), "success")
    else:
        flash(_("Welcome: you are a member of this circle."), "success")
    return redirect(url_for("threads.circle", circle_id=circle.id), 303)


@bp.post("/circles/<int:circle_id>/leave")
def leave(circle_id: int):
    actor = current_actor()
    visitor = _visitor_or_login(actor)
    circle = find_circle(circle_id, actor)
    _checked_post()
    if operations.leave(circle, visitor):
        flash(_("You have left this circle."), "success")
    db.session.commit()
    return redirect(url_for("threads.circle", circle_id=circle.id), 303)


def _moderate(circle_id: int, member_id: int, action, done: str):
    actor = current_actor()
    circle = find_circle(circle_id, actor)
    if not operations.is_moderator(circle, actor):
        abort(403)
    _checked_post()
    try:
        action(circle, member_id, actor)
    except CircleError as error:
        return _refused(error, circle)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("threads.circle", circle_id=circle.id), 303)


@bp.post("/circles/<int:circle_id>/requests/<int:member_id>/approve")
def approve(circle_id: int, member_id: int):
    return _moderate(circle_id, member_id, operations.approve_request, _("Request approved."))


@bp.post("/circles/<int:circle_id>/requests/<int:member_id>/refuse")
def refuse(circle_id: int, member_id: int):
    return _moderate(circle_id, member_id, operations.refuse_request, _("Request refused."))


@bp.post("/circles/<int:circle_id>/members/<int:member_id>/remove")
def remove(circle_id: int, member_id: int):
    return _moderate(circle_id, member_id, operations.remove_member, _("Member removed."))


@bp.route("/circles/propose", methods=["GET", "POST"])
@limiter.limit("10 per day", methods=["POST"])
def propose():
    actor = current_actor()
    visitor = _visitor_or_login(actor)
    if not operations.may_post(visitor):
        flash(_("Please confirm your e-mail address and complete your profile first."), "error")
        return redirect(url_for("residents.profile"), 303)
    form = CircleForm()
    if form.validate_on_submit():
        try:
            circle = operations.propose_circle(form.to_input(), visitor)
        except CircleError as error:
            db.session.rollback()
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Thank you: the association will look at your circle soon."), "success")
            return redirect(url_for("threads.circle", circle_id=circle.id), 303)
    status = 400 if form.errors or form.name.errors else 200
    return render_template("circles/propose.html", form=form), status


# The association's pages.


@bp.get("/admin/circles/")
@admin_required
def manage():
    return render_template(
        "circles/manage.html",
        circles=operations.all_circles(),
        action_form=ConfirmForm(),
        CircleStatus=CircleStatus,
    )


@bp.route("/admin/circles/new", methods=["GET", "POST"], endpoint="new")
@bp.route("/admin/circles/<int:circle_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(circle_id: int | None = None):
    circle = None
    if circle_id is not None:
        circle = db.session.get(Circle, circle_id) or abort(404)
    form = CircleForm(
        obj=None,
        data={
            "name": dict(circle.name),
            "description": dict(circle.description),
            "icon": circle.icon,
            "kind": circle.kind.value,
        }
        if circle is not None
        else None,
    )
    if form.validate_on_submit():
        try:
            circle = operations.save_circle(form.to_input(), current_actor(), circle)
        except CircleError as error:
            db.session.rollback()
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The circle is saved."), "success")
            return redirect(url_for(".manage"), 303)
    moderators, staff = [], []
    if circle is not None:
        moderators = [row for row in operations.members(circle) if row.is_moderator]
        staff = operations.staff_moderators(circle)
    status = 400 if form.errors or form.name.errors else 200
    return render_template(
        "circles/edit.html",
        form=form,
        circle=circle,
        moderators=moderators,
        staff=staff,
        residents=operations.residents_of(moderators),
        moderator_form=ModeratorForm(),
        action_form=ConfirmForm(),
    ), status


@bp.post("/admin/circles/<int:circle_id>/status/<status>")
@admin_required
def set_status(circle_id: int, status: str):
    circle = db.session.get(Circle, circle_id) or abort(404)
    if status not in CircleStatus.__members__:
        abort(404)
    _checked_post()
    operations.set_status(circle, CircleStatus(status), current_actor())
    db.session.commit()
    flash(_("The circle is saved."), "success")
    return redirect(url_for(".manage"), 303)


@bp.post("/admin/circles/<int:circle_id>/moderators")
@admin_required
def name_moderator(circle_id: int):
    circle = db.session.get(Circle, circle_id) or abort(404)
    form = ModeratorForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.name_moderator(circle, form.handle.data, current_actor())
    except CircleError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".edit", circle_id=circle.id), 303)
    db.session.commit()
    flash(_("Moderator named."), "success")
    return redirect(url_for(".edit", circle_id=circle.id), 303)


@bp.post("/admin/circles/<int:circle_id>/moderators/<int:member_id>/unname")
@admin_required
def unname_moderator(circle_id: int, member_id: int):
    circle = db.session.get(Circle, circle_id) or abort(404)
    _checked_post()
    try:
        operations.unname_moderator(circle, member_id, current_actor())
    except CircleError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    return redirect(url_for(".edit", circle_id=circle.id), 303)


@bp.post("/admin/circles/<int:circle_id>/staff/<int:staff_id>/unname")
@admin_required
def unname_staff(circle_id: int, staff_id: int):
    circle = db.session.get(Circle, circle_id) or abort(404)
    _checked_post()
    try:
        operations.unname_staff(circle, staff_id, current_actor())
    except CircleError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    return redirect(url_for(".edit", circle_id=circle.id), 303)
