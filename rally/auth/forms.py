from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from rally.forms import Form
from rally.i18n import _l
from rally.passwords import password_length
from rally.stores.forms import StoreBasicsMixin

MIN_PASSWORD_LENGTH = 10


class LoginForm(Form):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Email(_l("Please enter a valid e-mail address.")),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Please enter your password."))]
    )
    submit = SubmitField(_l("Log in"))


def _password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Please choose a password.")),
            *password_length(MIN_PASSWORD_LENGTH),
        ],
    )


def _confirm_field():
    return PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(_l("Please type the password again.")),
            EqualTo("password", _l("The two passwords are different.")),
        ],
    )


def _name_field():
    return StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Please enter your name.")), Length(max=120)],
    )


def _email_field():
    return EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Email(_l("Please enter a valid e-mail address.")),
            Length(max=254),
        ],
    )


class InvitationForm(Form):
    email = _email_field()
    submit = SubmitField(_l("Create the invitation link"))


class AcceptInvitationForm(Form):
    name = _name_field()
    password = _password_field(_l("Password"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Create my account"))


class SignupForm(StoreBasicsMixin, Form):
    name = _name_field()
    email = _email_field()
    password = _password_field(_l("Password"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Sign up"))

    def store_data(self) -> dict:
        return {
            key: self[key].data
            for key in ("name_ja", "name_en", "category", "address_ja", "address_en")
        }


class ChangePasswordForm(Form):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Please enter your current password."))],
    )
    password = _password_field(_l("New password"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Change the password"))


class ForgotPasswordForm(Form):
    email = _email_field()
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(Form):
    password = _password_field(_l("New password"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Set the new password"))
