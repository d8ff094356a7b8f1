"""Surveys: the residents' list, answer and results pages, and the association's pages."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from rally.auth.decorators import admin_required
from rally.circles.operations import Actor, visible_circles
from rally.exports.csvfile import csv_text
from rally.extensions import db, limiter
from rally.forms import ConfirmForm
from rally.i18n import _
from rally.i18n.content import current_language
from rally.utils import utcnow
from rally.visitors.session import current_visitor

from . import operations
from .forms import SurveyForm, SurveyQuestionForm, answers_form, field_name, submitted_values
from .models import QuestionKind, Survey, SurveyQuestion
from .operations import SurveyError

bp = Blueprint("surveys", __name__, template_folder="templates")


def _actor() -> Actor:
    staff = bool(getattr(current_user, "is_authenticated", False))
    return Actor(
        visitor=current_visitor(),
        is_admin=staff and current_user.is_admin,
        user_id=current_user.id if staff else None,
    )


def _survey(survey_id: int, actor: Actor) -> Survey:
    """The survey, or 404 when it does not exist for ``actor`` (a members-only circle's)."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or not operations.may_know(survey, actor):
        abort(404)
    return survey


@bp.get("/surveys")
def index():
    actor = _actor()
    surveys = operations.open_surveys(actor, utcnow())
    return render_template(
        "surveys/index.html",
        surveys=surveys,
        answered=operations.answered_ids(actor.visitor, surveys),
        logged_in=actor.visitor is not None,
    )


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def survey(survey_id: int):
    """The questions, each a fieldset; or why the resident cannot answer (closed, not in
    the audience, answered already)."""
    actor = _actor()
    survey = _survey(survey_id, actor)
    now = utcnow()
    refusal = operations.answer_refusal(survey, actor.visitor, now)
    if refusal is not None and refusal.code == "login_required":
        flash(refusal.message, "error")
        return redirect(url_for("visitors.login"), 303)
    questions = list(survey.questions)
    form = answers_form(questions) if refusal is None else None
    status = 200
    if request.method == "POST":
        if refusal is not None:
            if refusal.code == "already_answered":
                flash(refusal.message, "success")
                return redirect(url_for(".survey", survey_id=survey.id), 303)
            status = refusal.status
        elif form.validate_on_submit():
            try:
                operations.submit_answers(
                    survey, actor.visitor, submitted_values(form, questions), now
                )
            except SurveyError as error:
                db.session.rollback()
                if error.code == "already_answered":  # a double tap: the first one counted
                    flash(error.message, "success")
                    return redirect(url_for(".survey", survey_id=survey.id), 303)
                for question_id, refused in getattr(error, "errors", {}).items():
                    form[field_name(question_id)].errors.append(refused.message)
                if not getattr(error, "errors", None):
                    refusal = error
                status = error.status
            else:
                db.session.commit()
                flash(_("Thank you, your answers are saved."), "success")
                if operations.may_see_results(survey, actor):
                    return redirect(url_for(".results", survey_id=survey.id), 303)
                return redirect(url_for(".survey", survey_id=survey.id), 303)
        else:
            status = 400
    return render_template(
        "surveys/answer.html",
        survey=survey,
        refusal=refusal,
        form=form,
        questions=[(q, form[field_name(q.id)]) for q in questions] if form else [],
        results_shown=operations.may_see_results(survey, actor),
        noindex=True,
    ), status


@bp.get("/surveys/<int:survey_id>/results")
def results(survey_id: int):
    actor = _actor()
    survey = _survey(survey_id, actor)
    if not operations.may_see_results(survey, actor):
        abort(403)
    return _results_page(survey, with_texts=False)


def _results_page(survey: Survey, with_texts: bool):
    return render_template(
        "surveys/results.html",
        survey=survey,
        results=operations.results(survey, with_texts=with_texts),
        responses=operations.response_count(survey),
        with_texts=with_texts,
        ended=survey.has_ended(utcnow()),
        QuestionKind=QuestionKind,
    )


# --- The association ----------------------------------------------------------------------


def _admin_survey(survey_id: int) -> Survey:
    return db.session.get(Survey, survey_id) or abort(404)


def _admin_question(question_id: int) -> SurveyQuestion:
    return db.session.get(SurveyQuestion, question_id) or abort(404)


def _checked_post() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.get("/admin/surveys/")
@admin_required
def manage():
    return render_template(
        "surveys/manage.html",
        surveys=operations.all_surveys(),
        now=utcnow(),
        action_form=ConfirmForm(),
    )


@bp.route("/admin/surveys/new", methods=["GET", "POST"], endpoint="new")
@bp.route("/admin/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(survey_id: int | None = None):
    survey = _admin_survey(survey_id) if survey_id is not None else None
    circles = visible_circles(_actor())
    form = SurveyForm(circles, survey)
    if form.validate_on_submit():
        try:
            survey = operations.save_survey(form.to_input(), survey)
        except SurveyError as error:
            db.session.rollback()
            form.show_error(error)
        else:
            db.session.commit()
            flash(_("The survey is saved."), "success")
            return redirect(url_for(".edit", survey_id=survey.id), 303)
    status = 400 if form.errors else 200
    return render_template(
        "surveys/edit.html",
        form=form,
        survey=survey,
        answered=survey is not None and operations.has_answers(survey),
        action_form=ConfirmForm(),
    ), status


@bp.post("/admin/surveys/<int:survey_id>/close")
@admin_required
def close(survey_id: int):
    survey = _admin_survey(survey_id)
    _checked_post()
    operations.close_survey(survey, utcnow())
    db.session.commit()
    flash(_("The survey is closed."), "success")
    return redirect(url_for(".manage"), 303)


def _question_page(survey: Survey, form, question, status: int = 200):
    return render_template(
        "surveys/question_form.html",
        survey=survey,
        form=form,
        question=question,
        answered=operations.has_answers(survey),
    ), status


@bp.route("/admin/surveys/<int:survey_id>/questions/new", methods=["GET", "POST"])
@admin_required
def add_question(survey_id: int):
    survey = _admin_survey(survey_id)
    form = SurveyQuestionForm()
    if form.validate_on_submit():
        try:
            operations.add_question(survey, form.to_input())
        except SurveyError as error:
            db.session.rollback()
            form.show_error(error)
        else:
            db.session.commit()
            flash(_("The question is added."), "success")
            return redirect(url_for(".edit", survey_id=survey.id), 303)
    return _question_page(survey, form, None, 400 if form.errors else 200)


@bp.route("/admin/survey-questions/<int:question_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_question(question_id: int):
    question = _admin_question(question_id)
    survey = question.survey
    form = SurveyQuestionForm(
        data=None
        if request.method == "POST"
        else {
            "kind": question.kind.value,
            "text": dict(question.text),
            "choices": dict(question.choices),
            "required": question.required,
        }
    )
    if form.validate_on_submit():
        try:
            operations.update_question(question, form.to_input())
        except SurveyError as error:
            db.session.rollback()
            form.show_error(error)
        else:
            db.session.commit()
            flash(_("The question is saved."), "success")
            return redirect(url_for(".edit", survey_id=survey.id), 303)
    return _question_page(survey, form, question, 400 if form.errors else 200)


@bp.post("/admin/survey-questions/<int:question_id>/delete")
@admin_required
def delete_question(question_id: int):
    question = _admin_question(question_id)
    survey_id = question.survey_id
    _checked_post()
    try:
        operations.delete_question(question)
    except SurveyError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".edit", survey_id=survey_id), 303)
    db.session.commit()
    flash(_("The question is deleted."), "success")
    return redirect(url_for(".edit", survey_id=survey_id), 303)


@bp.get("/admin/surveys/<int:survey_id>/results")
@admin_required
def admin_results(survey_id: int):
    """The results with the free answers' texts: the association's only."""
    return _results_page(_admin_survey(survey_id), with_texts=True)


@bp.get("/admin/surveys/<int:survey_id>/answers.csv")
@admin_required
def export(survey_id: int):
    survey = _admin_survey(survey_id)
    header, rows = operations.export_rows(survey, current_language())
    response = Response(csv_text(header, rows), mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="rally-survey-{survey.id}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
