"""The forms of moderation: a report, a moderator's reason, a held word."""

from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from rally.forms import Form, RadioField
from rally.i18n import _l

from .models import ReportReason
from .operations import NOTE_MAX, REASON_MAX, WORD_MAX, ReportInput


class ReportForm(Form):
    reason = RadioField(
        _l("Why are you reporting this?"),
        choices=[],
        validators=[DataRequired(_l("Please choose a reason."))],
    )
    note = TextAreaField(
        _l("Anything the moderators should know (optional)"),
        validators=[Optional(), Length(max=NOTE_MAX)],
    )
    submit = SubmitField(_l("Send the report"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = ReportReason.choices()

    def to_input(self) -> ReportInput:
        return ReportInput(reason=ReportReason(self.reason.data), note=self.note.data or "")


class DecisionForm(Form):
    reason = TextAreaField(
        _l("Reason (the author and the audit log read it)"),
        validators=[DataRequired(_l("Please say why.")), Length(max=REASON_MAX)],
    )
    submit = SubmitField(_l("Confirm"))


class HeldWordForm(Form):
    word = StringField(
        _l("Word or phrase"),
        validators=[DataRequired(_l("Please enter a word.")), Length(max=WORD_MAX)],
    )
    submit = SubmitField(_l("Add"))
