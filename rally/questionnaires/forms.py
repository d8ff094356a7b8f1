"""Forms of the questionnaire: the association's question form and the visitor's answers."""

from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from rally.forms import Form, RadioField, SelectMultipleField, TranslatedField
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
            field = choice_field(label, choices)
        else:
            field = text_answer_field(label, MAX_ANSWER_LENGTH)
        setattr(AnswersForm, name, field)
        if question.id in answers:
            data[name] = answers[question.id].value
    return AnswersForm(data=data)


def choice_field(label, choices: list[str], several: bool = False):
    """An unbound field answering with the 1-based number of a choice (radio buttons), or
    of several (check boxes). It checks nothing: the operations do, by question. Shared with
    the surveys (rally.surveys)."""
    options = [SelectChoice(str(n), choice) for n, choice in enumerate(choices, start=1)]
    if several:
        return SelectMultipleField(
            label,
            choices=options,
            validate_choice=False,
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
        )
    return RadioField(label, choices=options, validate_choice=False)


def text_answer_field(label, max_length: int, rows: int = 3):
    """An unbound text area for a free answer (its length is checked by the operations)."""
    return TextAreaField(label, render_kw={"maxlength": max_length, "rows": rows})
