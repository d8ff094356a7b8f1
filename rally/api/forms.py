"""The forms of the token pages."""

from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from rally.forms import Form, SelectMultipleField
from rally.i18n import _l

from .tokens import APP_SCOPES, PERSONAL_SCOPES, TokenInput


class ScopesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PersonalTokenForm(Form):
    name = StringField(
        _l("Name of the token"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("So that you recognise it later, e.g. “City app on my phone”."),
    )
    scopes = ScopesField(_l("It may"), validators=[DataRequired()], default=["me:read"])
    submit = SubmitField(_l("Create token"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.choices = [(code, label) for code, label in PERSONAL_SCOPES.items()]

    def to_input(self) -> TokenInput:
        return TokenInput(name=self.name.data or "", scopes=tuple(self.scopes.data or ()))


class AppTokenForm(Form):
    name = StringField(_l("Name of the app"), validators=[DataRequired(), Length(max=80)])
    scopes = ScopesField(_l("It may"), validators=[DataRequired()], default=["public:read"])
    rate_limit = StringField(
        _l("Rate limit"),
        validators=[Optional(), Length(max=40)],
        description=_l("Like “600 per minute”; empty: the default limit."),
    )
    submit = SubmitField(_l("Issue token"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.choices = [(code, label) for code, label in APP_SCOPES.items()]

    def to_input(self) -> TokenInput:
        return TokenInput(
            name=self.name.data or "",
            scopes=tuple(self.scopes.data or ()),
            rate_limit=self.rate_limit.data,
        )
