"""The moderators' pin form."""

from wtforms.validators import Optional

from rally.forms import DateField, Form, plausible_date
from rally.i18n import _l


class PinForm(Form):
    until = DateField(
        _l("Pinned until (optional)"),
        validators=[Optional(), plausible_date],
        description=_l("Leave empty to keep it pinned until you unpin it."),
    )
