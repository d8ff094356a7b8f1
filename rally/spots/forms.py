"""The association's form for tourist spots."""

from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, Length, NumberRange, Optional

from rally.areas.forms import area_field
from rally.forms import FloatField, Form, SelectField, clean_text
from rally.i18n import _l

from .models import SpotKind
from .operations import SpotInput


class SpotForm(Form):
    kind = SelectField(_l("Kind of place"), choices=[], coerce=SpotKind)
    area_id = area_field()
    name_ja = StringField(_l("Name (Japanese)"), validators=[Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=120)])
    description_ja = TextAreaField(_l("Description (Japanese)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)])
    address_ja = StringField(_l("Address (Japanese)"), validators=[Length(max=255)])
    address_en = StringField(_l("Address (English)"), validators=[Length(max=255)])
    hours_ja = StringField(_l("Opening hours (Japanese)"), validators=[Length(max=255)])
    hours_en = StringField(_l("Opening hours (English)"), validators=[Length(max=255)])
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
    website = StringField(
        _l("Website"),
        validators=[Optional(), URL(message=_l("Please enter a web address.")), Length(max=255)],
    )
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
            name_ja=clean_text(self.name_ja.data),
            name_en=clean_text(self.name_en.data),
            description_ja=clean_text(self.description_ja.data),
            description_en=clean_text(self.description_en.data),
            address_ja=clean_text(self.address_ja.data),
            address_en=clean_text(self.address_en.data),
            hours_ja=clean_text(self.hours_ja.data),
            hours_en=clean_text(self.hours_en.data),
            latitude=self.latitude.data,
            longitude=self.longitude.data,
            website=clean_text(self.website.data),
            published=self.published.data,
        )
