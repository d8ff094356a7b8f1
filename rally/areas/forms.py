"""The association's form for areas, and the "Area" select of store and spot forms."""

from wtforms import SubmitField
from wtforms.validators import NumberRange, Optional

from rally.forms import Form, IntegerField, SelectField, TranslatedField
from rally.i18n import _l

from .operations import AreaInput, area_choices


class AreaForm(Form):
    name = TranslatedField(
        _l("Name"),
        max_length=120,
        required=True,
        required_message=_l("Please enter a name in at least one language."),
    )
    position = IntegerField(
        _l("Position in lists (smaller first)"),
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=9999, message=_l("Please enter a number from 0 to 9,999.")),
        ],
    )
    submit = SubmitField(_l("Save"))

    def to_input(self) -> AreaInput:
        """The validated values for :func:`rally.areas.operations.save_area`."""
        return AreaInput(name=self.name.data, position=self.position.data)


def _area_id(value):
    """The select's value as an area id; the empty choice is no area."""
    if value in (None, "", "None"):
        return None
    return int(value)


def area_field() -> SelectField:
    """An "Area" select with a "No area" choice, listing the areas when the form is built."""
    return SelectField(_l("Area"), coerce=_area_id, choices=lambda: area_choices(_l("No area")))
