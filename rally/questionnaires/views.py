"""The association edits a campaign's questionnaire; the visitor answers it on their card."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from rally.auth.decorators import admin_required
from rally.campaigns.models import Campaign, CampaignState
from rally.cards.cookie import card_from_cookie, card_limit_key
from rally.errors import back_with
from rally.extensions import db, limiter
from rally.forms import ConfirmForm
from rally.i18n import _
from rally.utils import safe_next_url, utcnow

from . import operations
from .forms import QuestionForm, answers_form, field_name
from .models import Question

bp = Blueprint("questionnaires", __name__, template_folder="templates")


# --- The association ----------------------------------------------------------------------


def _campaign(campaign_id: int) -> Campaign:
    return db.session.get(Campaign, campaign_id) or abort(404)


def _question(question_id: int) -> Question:
    return db.session.get(Question, question_id) or abort(404)


def _manage_url(campaign_id: int) -> str:
    return url_for(".manage", campaign_id=campaign_id)


@bp.get("/admin/campaigns/<int:campaign_id>/questions")
@admin_required
def manage(campaign_id: int):
    """The questions of a campaign, in the order visitors see them."""
    campaign = _campaign(campaign_id)
    return render_template(
        "questionnaires/manage.html",
        campaign=campaign,
        questions=sorted(campaign.questions, key=lambda q: (q.position, q.id)),
        counts=operations.answer_counts(campaign),
        form=ConfirmForm(),
    )


@bp.route("/admin/campaigns/<int:campaign_id>/questions/new", methods=["GET", "POST"])
@admin_required
def add(campaign_id: int):
    campaign = _campaign(campaign_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            operations.add_question(campaign, form.to_input())
        except operations.QuestionnaireError as error:
            db.session.rollback()
            form.show_error(error)
        else:
            db.session.commit()
            flash(_("The question is added."), "success")
            return redirect(_manage_url(campaign.id), 303)
    status = 400 if form.errors else 200
    return render_template(
        "questionnaires/question_form.html", campaign=campaign, form=form, question=None
    ), status


@bp.route("/admin/questions/<int:question_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(question_id: int):
    question = _question(question_id)
    campaign = question.campaign
    form = QuestionForm(obj=question)
    if form.validate_on_submit():
        try:
            operations.update_question(question, form.to_input())
        except operations.QuestionnaireError as error:
            db.session.rollback()
            form.show_error(error)
        else:
            db.session.commit()
            flash(_("The question is saved."), "success")
            return redirect(_manage_url(campaign.id), 303)
    status = 400 if form.errors else 200
    return render_template(
        "questionnaires/question_form.html",
        campaign=campaign,
        form=form,
        question=question,
        answered=operations.question_has_answers(question),
    ), status


@bp.route("/admin/questions/<int:question_id>/delete", methods=["GET", "POST"])
@admin_required
def delete(question_id: int):
    """Confirm, then delete a question nobody answered."""
    question = _question(question_id)
    campaign_id = question.campaign_id
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            operations.delete_question(question)
        except operations.QuestionnaireError as error:
            return back_with(error, _manage_url(campaign_id))
        db.session.commit()
        flash(_("The question is deleted."), "success")
        return redirect(_manage_url(campaign_id), 303)
    return render_template("questionnaires/confirm_delete.html", question=question, form=form)


@bp.post("/admin/questions/<int:question_id>/move")
@admin_required
def move(question_id: int):
    question = _question(question_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.move_question(question, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(_manage_url(question.campaign_id), 303)


# --- The visitor --------------------------------------------------------------------------


def _back_to_card(campaign_id: int) -> str:
    """Where to go after answering: the ``next`` page if it is on this site, else the card."""
    card_page = url_for("cardpage.card", campaign_id=campaign_id)
    target = request.args.get("next")
    if target and safe_next_url(target) == target:
        return target
    return card_page


def _answer_limit() -> str:
    return current_app.config["RALLY_CLAIM_LIMIT"]


@bp.route("/card/<int:campaign_id>/questionnaire", methods=["GET", "POST"])
@limiter.limit(_answer_limit, methods=["POST"])
@limiter.limit(_answer_limit, methods=["POST"], key_func=card_limit_key)
def answer(campaign_id: int):
    """The campaign's questions for the visitor's own card; answers can be changed later."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.state is CampaignState.draft:
        abort(404)
    card = card_from_cookie()
    back = _back_to_card(campaign.id)
    questions = list(campaign.questions)
    if card is None or not questions:
        # Nothing to answer for: no card yet (answers belong to a card), or no question.
        return redirect(back, 303)
    form = answers_form(
        questions, {} if request.method == "POST" else operations.answers_of(card, campaign)
    )
    status = 200
    if form.validate_on_submit():
        values = {q.id: form[field_name(q.id)].data or "" for q in questions}
        try:
            operations.save_answers(card, campaign, values, utcnow())
        except operations.QuestionnaireError as error:
            db.session.rollback()
            for question_id, refusal in error.errors.items():
                form[field_name(question_id)].errors.append(refusal.message)
            status = error.status
        else:
            db.session.commit()
            flash(_("Thank you, your answers are saved."), "success")
            return redirect(back, 303)
    elif form.errors:
        status = 400
    return render_template(
        "questionnaires/answer.html",
        campaign=campaign,
        questions=[(question, form[field_name(question.id)]) for question in questions],
        form=form,
        back=back,
    ), status
