"""The association's form for tourist spots."""

from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import URL, Length, NumberRange, Optional

from rally.areas.forms import area_field
from rally.forms import FloatField, Form, KanaField, SelectField, TranslatedField, clean_text
from rally.i18n import _l

from .models import SpotKind
from .operations import SpotInput


def coordinate_fields() -> tuple[FloatField, FloatField]:
    """Optional latitude and longitude fields of a place on the map."""
    latitude = FloatField(
        _l("Latitude"),
        validators=[Optional(), NumberRange(-90, 90, _l("Enter a latitude between -90 and 90."))],
    )
    longitude = FloatField(
        _l("Longitude"),
        validators=[
            Optional(),
            NumberRange(-180, 180, _l("Enter a longitude between -180 and 180.")),
        ],
    )
    return latitude, longitude


def website_field() -> StringField:
    return StringField(
        _l("Website"),
        validators=[Optional(), URL(message=_l("Please enter a web address.")), Length(max=255)],
    )


class SpotForm(Form):
    kind = SelectField(_l("Kind of place"), choices=[], coerce=SpotKind)
    area_id = area_field()
    name = TranslatedField(_l("Name"), max_length=120)
    name_kana = KanaField(_l("Reading of the name (katakana)"))
    description = TranslatedField(_l("Description"), max_length=5000, textarea=True)
    address = TranslatedField(_l("Address"), max_length=255)
    hours = TranslatedField(_l("Opening hours"), max_length=255)
    latitude, longitude = coordinate_fields()
    website = website_field()
    published = BooleanField(_l("Show on the public pages and the map"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = SpotKind.choices()

    def to_input(self) -> SpotInput:
        """The validated values for :func:`rally.spots.operations.save_spot`, texts without
        control characters and trimmed."""
        return SpotInput(
            kind=self.kind.data,
            area_id=self.area_id.data,
            name=self.name.data,
            name_kana=self.name_kana.data,
            description=self.description.data,
            address=self.address.data,
            hours=self.hours.data,
            latitude=self.latitude.data,
            longitude=self.longitude.data,
            website=clean_text(self.website.data),
            published=self.published.data,
        )
