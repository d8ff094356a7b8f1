from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from rally.forms import Form
from rally.i18n import _l
from rally.passwords import password_length

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


def password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Please choose a password.")),
            *password_length(MIN_PASSWORD_LENGTH),
        ],
    )


def confirm_field():
    return PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(_l("Please type the password again.")),
            EqualTo("password", _l("The two passwords are different.")),
        ],
    )


def name_field():
    return StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Please enter your name.")), Length(max=120)],
    )


def email_field():
    return EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Email(_l("Please enter a valid e-mail address.")),
            Length(max=254),
        ],
    )


class InvitationForm(Form):
    email = email_field()
    submit = SubmitField(_l("Create the invitation link"))


class AcceptInvitationForm(Form):
    name = name_field()
    password = password_field(_l("Password"))
    confirm = confirm_field()
    submit = SubmitField(_l("Create my account"))


class ChangePasswordForm(Form):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Please enter your current password."))],
    )
    password = password_field(_l("New password"))
    confirm = confirm_field()
    submit = SubmitField(_l("Change the password"))


class ForgotPasswordForm(Form):
    email = email_field()
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(Form):
    password = password_field(_l("New password"))
    confirm = confirm_field()
    submit = SubmitField(_l("Set the new password"))
