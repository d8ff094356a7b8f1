"""Forms of the questionnaire: the association's question form and the visitor's answers."""

from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from rally.forms import Form, RadioField, TranslatedField
from rally.i18n import _l

from .operations import MAX_ANSWER_LENGTH, QuestionInput

CHOICES_HELP = _l("One choice per line. Leave them all empty for a free-text answer.")


class QuestionForm(Form):
    """One question; the rules (a text in one language at least, as many choices in every
    language) are checked by the operations, which name the field at fault by their code."""

    text = TranslatedField(_l("Question"), max_length=500)
    choices = TranslatedField(
        _l("Choices"), description=CHOICES_HELP, max_length=2000, textarea=True
    )
    required = BooleanField(_l("An answer is required"), default=True)
    submit = SubmitField(_l("Save"))

    # The operation's refusal code -> the field that shows it.
    ERROR_FIELDS = {
        "text_required": "text",
        "choices_mismatch": "choices",
        "too_few_choices": "choices",
        "question_has_answers": "choices",
    }

    def to_input(self) -> QuestionInput:
        return QuestionInput(
            text=self.text.data,
            choices=self.choices.data,
            required=bool(self.required.data),
        )

    def show_error(self, error) -> None:
        self[self.ERROR_FIELDS.get(error.code, "text")].errors.append(error.message)


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
