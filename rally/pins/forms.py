from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Regexp

from rally.forms import Form, SelectField
from rally.i18n import _l
from rally.utils import normalize_code


class PinForm(Form):
    """The visitor chooses the place and types the PIN its staff told them."""

    checkpoint = SelectField(
        _l("Place"),
        coerce=int,
        validators=[InputRequired(_l("Please choose the place."))],
        validate_choice=True,
    )
    pin = StringField(
        _l("PIN (4 digits)"),
        filters=[normalize_code],
        validators=[
            DataRequired(_l("Please enter the PIN.")),
            Regexp(r"^\s*\d{4}\s*$", message=_l("The PIN has 4 digits.")),
        ],
    )
    submit = SubmitField(_l("Collect the stamp"))
