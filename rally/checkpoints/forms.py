"""Forms of the checkpoint settings page and of a checkpoint's further codes."""

from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from rally.forms import Form, IntegerField
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
    quiz_question_ja = TextAreaField(_l("Quiz question (Japanese)"), validators=[Length(max=1000)])
    quiz_question_en = TextAreaField(_l("Quiz question (English)"), validators=[Length(max=1000)])
    quiz_choices_ja = TextAreaField(
        _l("Choices (Japanese, one per line)"), validators=[Length(max=2000)]
    )
    quiz_choices_en = TextAreaField(
        _l("Choices (English, one per line)"), validators=[Length(max=2000)]
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
            quiz_question_ja=self.quiz_question_ja.data or "",
            quiz_question_en=self.quiz_question_en.data or "",
            quiz_choices_ja=self.quiz_choices_ja.data or "",
            quiz_choices_en=self.quiz_choices_en.data or "",
            quiz_answer=self.quiz_answer.data,
        )


class CodeForm(Form):
    """The two names of a further code; the operation requires at least one."""

    label_ja = StringField(_l("Name (Japanese)"), validators=[Length(max=120)])
    label_en = StringField(_l("Name (English)"), validators=[Length(max=120)])
    submit = SubmitField(_l("Save"))
