"""The landmark quiz: a question answered on the phone before the stamp is given."""

from wtforms import HiddenField
from wtforms.validators import InputRequired

from rally.forms import Form, RadioField
from rally.i18n import _l

from .models import Checkpoint


class QuizForm(Form):
    answer = RadioField(
        _l("Your answer"),
        coerce=int,
        validators=[InputRequired(message=_l("Please choose an answer."))],
    )

    def __init__(self, checkpoint: Checkpoint, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer.choices = [
            (number, text) for number, text in enumerate(checkpoint.tr_lines("quiz_choices"), 1)
        ]


class AnsweredField(Form):
    """Carries a right answer through the location page of a geofenced campaign."""

    answer = HiddenField()
