"""Forms of the stamp design page."""

from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from rally.forms import Form
from rally.i18n import _l


class StampDesignForm(Form):
    image = FileField(_l("Stamp image"), validators=[FileRequired(_l("Please choose an image."))])
    submit = SubmitField(_l("Upload"))


class RemoveDesignForm(Form):
    """An empty form: its CSRF token protects the removal."""

    submit = SubmitField(_l("Remove the design"))
