"""Forms of the questionnaire: the association's question form and the visitor's answers."""

from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from rally.forms import Form, RadioField
from rally.i18n import _l

from .operations import MAX_ANSWER_LENGTH, QuestionInput

CHOICES_HELP = _l("One choice per line. Leave both empty for a free-text answer.")


class QuestionForm(Form):
    """One question; the rules (a text in one language at least, as many choices in both
    languages) are checked by the operations, which name the field at fault by their code."""

    text_ja = StringField(_l("Question (Japanese)"), validators=[Length(max=500)])
    text_en = StringField(_l("Question (English)"), validators=[Length(max=500)])
    choices_ja = TextAreaField(
        _l("Choices (Japanese)"), description=CHOICES_HELP, validators=[Length(max=2000)]
    )
    choices_en = TextAreaField(
        _l("Choices (English)"), description=CHOICES_HELP, validators=[Length(max=2000)]
    )
    required = BooleanField(_l("An answer is required"), default=True)
    submit = SubmitField(_l("Save"))

    # The operation's refusal code -> the field that shows it.
    ERROR_FIELDS = {
        "text_required": "text_ja",
        "choices_mismatch": "choices_en",
        "too_few_choices": "choices_ja",
        "question_has_answers": "choices_ja",
    }

    def to_input(self) -> QuestionInput:
        return QuestionInput(
            text_ja=self.text_ja.data or "",
            text_en=self.text_en.data or "",
            choices_ja=self.choices_ja.data or "",
            choices_en=self.choices_en.data or "",
            required=bool(self.required.data),
        )

    def show_error(self, error) -> None:
        self[self.ERROR_FIELDS.get(error.code, "text_ja")].errors.append(error.message)


def field_name(question_id: int) -> str:
    return f"question-{question_id}"


def answers_form(questions, answers: dict) -> Form:
    """The visitor's form: one radio group per question with choices, else a text area.

    The fields check nothing themselves: ``save_answers`` applies the rules and says which
    question an error belongs to. Earlier ``answers`` (question id -> Answer) fill the
    fields; a submitted form shows what was sent instead.
    """

    class AnswersForm(Form):
        submit = SubmitField(_l("Send my answers"))

    data = {}
    for question in questions:
        name = field_name(question.id)
        choices = question.tr_lines("choices")
        label = question.tr("text")
        if choices:
            field = RadioField(
                label,
                choices=[SelectChoice(str(n), choice) for n, choice in enumerate(choices, start=1)],
                validate_choice=False,
            )
        else:
            field = TextAreaField(label, render_kw={"maxlength": MAX_ANSWER_LENGTH, "rows": 3})
        setattr(AnswersForm, name, field)
        if question.id in answers:
            data[name] = answers[question.id].value
    return AnswersForm(data=data)
