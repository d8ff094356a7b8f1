"""Small forms of the back office."""

from flask_wtf import FlaskForm
from wtforms import SubmitField

from rally.i18n import _l


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token protects one-button POST actions."""

    submit = SubmitField(_l("Confirm"))
