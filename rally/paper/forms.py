from wtforms import SubmitField
from wtforms.validators import InputRequired, NumberRange

from rally.forms import Form, IntegerField
from rally.i18n import _l

from .operations import MAX_BATCH


class PrintForm(Form):
    number = IntegerField(
        _l("Number of paper cards"),
        default=40,
        validators=[
            InputRequired(_l("Please enter a number.")),
            NumberRange(1, MAX_BATCH, _l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
    submit = SubmitField(_l("Create the cards"))


class ReplaceForm(Form):
    submit = SubmitField(_l("Replace the card on this phone"))
