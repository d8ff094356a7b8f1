from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from rally.i18n import _l


class LoginForm(FlaskForm):
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
