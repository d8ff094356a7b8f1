"""What a scan may ask before the stamp: the landmark quiz and the phone's location."""

from wtforms import HiddenField
from wtforms.validators import InputRequired, NumberRange, Optional

from rally.campaigns.models import Checkpoint
from rally.forms import FloatField, Form, RadioField
from rally.i18n import _l


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


class LocateForm(Form):
    """The phone's position, filled in by static/locate.js; empty when the visitor declines."""

    latitude = FloatField(validators=[Optional(), NumberRange(min=-90, max=90)])
    longitude = FloatField(validators=[Optional(), NumberRange(min=-180, max=180)])
    accuracy = FloatField(validators=[Optional(), NumberRange(min=0)])

    def position(self) -> tuple[float, float, float] | None:
        if self.latitude.data is None or self.longitude.data is None:
            return None
        return self.latitude.data, self.longitude.data, self.accuracy.data or 0.0
