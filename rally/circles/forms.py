"""The forms of circles: the association's circle form, a resident's proposal, naming a
moderator."""

from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from rally.forms import Form, RadioField, TranslatedField
from rally.i18n import _l

from .models import CircleKind
from .operations import CircleInput


class CircleForm(Form):
    name = TranslatedField(_l("Name"), max_length=80, required=True)
    description = TranslatedField(_l("Description"), max_length=2000, textarea=True)
    icon = StringField(_l("Icon (one emoji)"), validators=[Optional(), Length(max=16)])
    kind = RadioField(_l("Who can read and join"), choices=[], default=CircleKind.open.value)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = CircleKind.choices()

    def to_input(self) -> CircleInput:
        return CircleInput(
            name=self.name.data,
            description=self.description.data,
            icon=self.icon.data or "",
            kind=CircleKind(self.kind.data),
        )


class ModeratorForm(Form):
    handle = StringField(
        _l("A resident's @handle, or a staff member's e-mail address"),
        validators=[DataRequired(_l("Please enter a handle.")), Length(max=254)],
    )
    submit = SubmitField(_l("Name moderator"))
