"""The association's form for areas, and the "Area" select of store and spot forms."""

from wtforms import StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from rally.forms import Form, IntegerField, SelectField
from rally.i18n import _l

from .operations import AreaInput, area_choices


class AreaForm(Form):
    name_ja = StringField(_l("Name (Japanese)"), validators=[Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=120)])
    position = IntegerField(
        _l("Position in lists (smaller first)"),
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=9999, message=_l("Please enter a number from 0 to 9,999.")),
        ],
    )
    submit = SubmitField(_l("Save"))

    def validate_name_ja(self, field) -> None:
        if not (field.data or "").strip() and not (self.name_en.data or "").strip():
            raise ValidationError(_l("Please enter a name in Japanese or English."))

    def to_input(self) -> AreaInput:
        """The validated values for :func:`rally.areas.operations.save_area`."""
        return AreaInput(
            name_ja=self.name_ja.data, name_en=self.name_en.data, position=self.position.data
        )


def _area_id(value):
    """The select's value as an area id; the empty choice is no area."""
    if value in (None, "", "None"):
        return None
    return int(value)


def area_field() -> SelectField:
    """An "Area" select with a "No area" choice, listing the areas when the form is built."""
    return SelectField(_l("Area"), coerce=_area_id, choices=lambda: area_choices(_l("No area")))
