"""Forms of the checkpoint settings page and of a checkpoint's further codes."""

from wtforms import SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional

from rally.forms import Form, IntegerField, TranslatedField
from rally.i18n import _l

from .operations import MAX_POINTS, MIN_POINTS, SettingsInput


class SettingsForm(Form):
    points = IntegerField(
        _l("Points for a stamp here"),
        validators=[
            InputRequired(_l("Please enter the points.")),
            NumberRange(
                min=MIN_POINTS,
                max=MAX_POINTS,
                message=_l("Please enter a number from 1 to 100."),
            ),
        ],
    )
    quiz_question = TranslatedField(_l("Quiz question"), max_length=1000, textarea=True)
    quiz_choices = TranslatedField(
        _l("Choices (one per line, the same in every language)"), max_length=2000, textarea=True
    )
    quiz_answer = IntegerField(
        _l("Number of the right choice"),
        validators=[
            Optional(),
            NumberRange(min=1, max=50, message=_l("Please enter the number of a choice.")),
        ],
    )
    submit = SubmitField(_l("Save"))

    def to_input(self) -> SettingsInput:
        return SettingsInput(
            points=self.points.data,
            quiz_question=self.quiz_question.data,
            quiz_choices=self.quiz_choices.data,
            quiz_answer=self.quiz_answer.data,
        )


class CodeForm(Form):
    """The names of a further code; the operation requires at least one."""

    label = TranslatedField(_l("Name"), max_length=120)
    submit = SubmitField(_l("Save"))
