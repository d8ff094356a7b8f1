"""Small forms of the back office."""

from wtforms import SubmitField

from rally.forms import Form
from rally.i18n import _l


class ConfirmForm(Form):
    """An empty form: its CSRF token protects one-button POST actions."""

    submit = SubmitField(_l("Confirm"))
