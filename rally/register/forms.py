from flask_babel import ngettext
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from rally.forms import Form, IntegerField, SelectField
from rally.i18n import _, _l
from rally.utils import normalize_code

from .operations import MAX_AMOUNT, stamp_limit


def _count_choices(campaign, by_amount: bool) -> list[tuple[int, str]]:
    choices = [(0, _("From the amount"))] if by_amount else []
    for num in range(1, stamp_limit(campaign) + 1):
        choices.append((num, ngettext("%(num)d stamp", "%(num)d stamps", num)))
    return choices


class PurchaseForm(Form):
    """A purchase at the register: its amount in yen, or the number of stamps directly."""

    amount = IntegerField(
        _l("Amount of the purchase (yen)"),
        validators=[
            Optional(),
            NumberRange(0, MAX_AMOUNT, _l("Enter an amount from %(min)s to %(max)s yen.")),
        ],
    )
    count = SelectField(_l("Stamps"), coerce=int)
    submit = SubmitField(_l("Show the QR code"))

    @classmethod
    def for_campaign(cls, campaign, **kw):
        form = cls(**kw)
        form.count.choices = _count_choices(campaign, by_amount=campaign.is_purchase)
        return form


class CardLookupForm(Form):
    class Meta:
        csrf = False  # a GET look-up changes nothing

    # Named like the reward counter's field so the shared camera script (staff-scan.js) fills it.
    code = StringField(
        _l("Card number"),
        filters=[normalize_code],
        validators=[DataRequired(_l("Please enter the card number.")), Length(max=300)],
    )


class AddStampsForm(Form):
    number = HiddenField(filters=[normalize_code], validators=[DataRequired(), Length(max=300)])
    count = SelectField(_l("Stamps"), coerce=int)
    submit = SubmitField(_l("Add to the card"))

    @classmethod
    def for_campaign(cls, campaign, **kw):
        form = cls(**kw)
        form.count.choices = _count_choices(campaign, by_amount=False)
        return form
