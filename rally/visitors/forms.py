from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from rally.auth.forms import LoginForm
from rally.forms import Form
from rally.i18n import _l
from rally.passwords import password_length

MIN_PASSWORD = 8


class SaveCardForm(Form):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Email(_l("Please enter a valid e-mail address.")),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Please choose a password.")),
            *password_length(MIN_PASSWORD),
        ],
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[EqualTo("password", _l("The two passwords are different."))],
    )
    submit = SubmitField(_l("Save my card"))


class VisitorLoginForm(LoginForm):
    """The staff log-in's fields, plus the choice that keeps cards from merging silently."""

    replace = BooleanField(_l("Replace the card on this phone (its stamps stay behind)"))


class SimpleForm(Form):
    """A button that only needs CSRF protection."""


class ForgotForm(Form):
    email = SaveCardForm.email
    submit = SubmitField(_l("Send me a link"))


class ResetForm(Form):
    password = SaveCardForm.password
    confirm = SaveCardForm.confirm
    submit = SubmitField(_l("Set the new password"))


class DeleteAccountForm(Form):
    """Deleting an account asks for its password: a phone left logged in is not enough."""

    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Please enter your password."))]
    )
    submit = SubmitField(_l("Delete my account"))
