from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from rally.forms import Form, SelectMultipleField
from rally.i18n import _l
from rally.utils import normalize_code


class ClaimForm(Form):
    submit = SubmitField(_l("Claim this reward"))


class RedeemLookupForm(Form):
    class Meta:
        csrf = False  # a GET look-up changes nothing

    code = StringField(
        _l("Redemption code"),
        filters=[normalize_code],
        validators=[DataRequired(_l("Please enter the code.")), Length(max=200)],
    )


class RedeemConfirmForm(Form):
    code = HiddenField(filters=[normalize_code], validators=[DataRequired()])
    submit = SubmitField(_l("Confirm hand-over"))


class CountersForm(Form):
    stores = SelectMultipleField(
        _l("Shops that hand out rewards"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
        invalid_choice_message=_l("Please choose among the stores listed."),
    )
    submit = SubmitField(_l("Save"))
