"""Forms of surveys: the association's survey and question forms, the resident's answers."""

from flask import current_app
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from rally.campaigns.forms import district_to_utc, utc_to_district
from rally.forms import (
    DateTimeLocalField,
    Form,
    RadioField,
    SelectField,
    TranslatedField,
    plausible_date,
)
from rally.i18n import _l
from rally.questionnaires.forms import choice_field, text_answer_field

from .models import Audience, QuestionKind, Survey
from .operations import MAX_TEXT_ANSWER, SCALE, QuestionInput, SurveyInput

FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def _zone() -> str:
    return current_app.config["RALLY_TIMEZONE"]


class SurveyForm(Form):
    title = TranslatedField(_l("Title"), max_length=200, required=True)
    description = TranslatedField(_l("Introduction"), max_length=4000, textarea=True)
    audience = RadioField(_l("Who is asked"), choices=[], default=Audience.everyone.value)
    circle_id = SelectField(_l("Circle (for a circle's survey)"), coerce=int, choices=[])
    anonymous = BooleanField(
        _l("Anonymous: answers are stored without the resident's account"), default=False
    )
    results_public = BooleanField(_l("Results are public"), default=False)
    opens_at = DateTimeLocalField(
        _l("Opens (district time)"),
        format=FORMATS,
        validators=[DataRequired(_l("Please enter a date and time.")), plausible_date],
    )
    closes_at = DateTimeLocalField(
        _l("Closes (district time)"),
        format=FORMATS,
        validators=[DataRequired(_l("Please enter a date and time.")), plausible_date],
    )
    submit = SubmitField(_l("Save"))

    # The operation's refusal code -> the field that shows it.
    ERROR_FIELDS = {
        "title_required": "title",
        "dates_order": "closes_at",
        "circle_required": "circle_id",
        "survey_has_answers": "audience",
    }

    def __init__(self, circles, survey: Survey | None = None, **kwargs):
        if survey is not None and "formdata" not in kwargs:
            kwargs["data"] = {
                "title": dict(survey.title),
                "description": dict(survey.description),
                "audience": survey.audience.value,
                "circle_id": survey.circle_id or 0,
                "anonymous": survey.anonymous,
                "results_public": survey.results_public,
                "opens_at": utc_to_district(survey.opens_at, _zone()),
                "closes_at": utc_to_district(survey.closes_at, _zone()),
            }
        super().__init__(**kwargs)
        self.audience.choices = Audience.choices()
        self.circle_id.choices = [(0, "—")] + [(circle.id, circle.tr("name")) for circle in circles]

    def to_input(self) -> SurveyInput:
        return SurveyInput(
            title=self.title.data,
            description=self.description.data,
            audience=Audience(self.audience.data),
            circle_id=self.circle_id.data or None,
            anonymous=bool(self.anonymous.data),
            results_public=bool(self.results_public.data),
            opens_at=district_to_utc(self.opens_at.data, _zone()),
            closes_at=district_to_utc(self.closes_at.data, _zone()),
        )

    def show_error(self, error) -> None:
        self[self.ERROR_FIELDS.get(error.code, "title")].errors.append(error.message)


class SurveyQuestionForm(Form):
    kind = RadioField(_l("Kind of answer"), choices=[], default=QuestionKind.single.value)
    text = TranslatedField(_l("Question"), max_length=500)
    choices = TranslatedField(_l("Choices (one per line)"), max_length=2000, textarea=True)
    required = BooleanField(_l("An answer is required"), default=True)
    submit = SubmitField(_l("Save"))

    ERROR_FIELDS = {
        "text_required": "text",
        "choices_required": "choices",
        "choices_mismatch": "choices",
        "too_few_choices": "choices",
        "survey_has_answers": "kind",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = QuestionKind.choices()

    def to_input(self) -> QuestionInput:
        return QuestionInput(
            kind=QuestionKind(self.kind.data),
            text=self.text.data,
            choices=self.choices.data,
            required=bool(self.required.data),
        )

    def show_error(self, error) -> None:
        self[self.ERROR_FIELDS.get(error.code, "text")].errors.append(error.message)


def field_name(question_id: int) -> str:
    return f"question-{question_id}"


def answers_form(questions) -> Form:
    """The resident's form: radio buttons for one choice and the scale, check boxes for
    several, a text area for a free answer (fields shared with the campaign questionnaire).
    The fields check nothing themselves: ``submit_answers`` does, per question."""

    class AnswersForm(Form):
        submit = SubmitField(_l("Send my answers"))

    for question in questions:
        label = question.tr("text")
        kind = question.kind
        if kind is QuestionKind.text:
            field = text_answer_field(label, MAX_TEXT_ANSWER, rows=4)
        elif kind is QuestionKind.scale:
            field = choice_field(label, [str(value) for value in SCALE])
        else:
            field = choice_field(
                label, question.tr_lines("choices"), several=kind is QuestionKind.several
            )
        setattr(AnswersForm, field_name(question.id), field)
    return AnswersForm()


def submitted_values(form, questions) -> dict[int, list[str]]:
    """Question id -> the values sent (a list for every kind)."""
    values = {}
    for question in questions:
        data = form[field_name(question.id)].data
        values[question.id] = list(data) if isinstance(data, list) else [data or ""]
    return values
