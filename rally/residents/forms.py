from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from rally.areas.operations import area_choices
from rally.forms import Form, SelectField
from rally.i18n import _l


def _area_id(value):
    """The select's value as an area id; the empty choice is no neighbourhood."""
    if value in (None, "", "None"):
        return None
    return int(value)


class ProfileForm(Form):
    # Bounds here are generous: the operation decides (NFKC may shorten what was typed).
    display_name = StringField(
        _l("Display name (a nickname is fine; please do not use your real name)"),
        validators=[DataRequired(_l("Please enter a display name.")), Length(max=120)],
    )
    handle = StringField(
        _l("Handle for mentions (@ and 3 to 20 letters a-z, digits or _)"),
        validators=[DataRequired(_l("Please choose a handle.")), Length(max=40)],
    )
    area_id = SelectField(
        _l("Neighbourhood"),
        coerce=_area_id,
        choices=lambda: area_choices(_l("I would rather not say")),
    )
    submit = SubmitField(_l("Save my profile"))


class ResidentPhotoForm(Form):
    photo = FileField(_l("Photo"), validators=[FileRequired(_l("Please choose a photo."))])
    submit = SubmitField(_l("Upload"))


class ResidentCodeForm(Form):
    code = StringField(
        _l("Six-digit code from a store or the association's counter"),
        validators=[DataRequired(_l("Please enter the code.")), Length(max=20)],
    )
    submit = SubmitField(_l("Verify"))


class IssueCodeForm(Form):
    """Staff issue a code; a merchant chooses which of their approved stores hands it out."""

    store_id = SelectField(_l("Store"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Issue a code"))
