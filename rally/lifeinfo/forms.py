"""The association's place form with its weekly hours, special dates, residents' corrections
and the directory's filters."""

import re
from datetime import time

from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from rally.areas.forms import area_field
from rally.campaigns.forms import MultiCheckboxField
from rally.forms import (
    DateField,
    Form,
    IntegerField,
    RadioField,
    SelectField,
    TimeField,
    TranslatedField,
    clean_text,
)
from rally.i18n import _l
from rally.spots.forms import coordinate_fields, website_field

from .models import CorrectionTopic, Department, Facility, Hazard, LifeKind, SpecialKind
from .operations import CorrectionInput, PlaceInput, SpecialDateInput

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~〜]\s*(\d{1,2}):(\d{2})\s*$")


def parse_ranges(text: str) -> list[tuple[time, time]]:
    """``"9:00-12:00, 15:00-18:00"`` as ``[(09:00, 12:00), (15:00, 18:00)]``; blank is a day
    off. Raises ``ValueError`` on anything else (24:00 is read as 00:00, the next midnight)."""
    ranges = []
    for part in re.split(r"[,、，]", text or ""):
        if not part.strip():
            continue
        match = _RANGE.match(part)
        if match is None:
            raise ValueError(part)
        h1, m1, h2, m2 = (int(value) for value in match.groups())
        if h2 == 24 and m2 == 0:
            h2 = 0
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(part)
        ranges.append((time(h1, m1), time(h2, m2)))
    return ranges


def format_ranges(rows) -> str:
    """The text :func:`parse_ranges` reads back, from hours rows."""
    return ", ".join(f"{row.opens:%H:%M}-{row.closes:%H:%M}" for row in rows)


def _valid_ranges(form, field) -> None:
    try:
        parse_ranges(field.data)
    except ValueError:
        raise ValidationError(
            _l("Write the hours as 9:00-12:00, several ranges separated by commas.")
        ) from None


def _phone_number(form, field) -> None:
    if field.data and not re.fullmatch(r"\+?[0-9()\- ]{3,30}", field.data.strip()):
        raise ValidationError(_l("Enter a phone number with digits, spaces and hyphens."))


class PlaceForm(Form):
    kind = SelectField(_l("Type of place"), choices=[], coerce=LifeKind)
    area_id = area_field()
    name = TranslatedField(_l("Name"), max_length=120)
    description = TranslatedField(_l("Description"), max_length=5000, textarea=True)
    address = TranslatedField(_l("Address"), max_length=255)
    notes = TranslatedField(_l("Notes for visitors"), max_length=1000, textarea=True)
    latitude, longitude = coordinate_fields()
    phone = StringField(
        _l("Phone number"),
        validators=[Optional(), Length(max=30), _phone_number],
    )
    url = website_field()
    departments = MultiCheckboxField(_l("Departments"), choices=[])
    facilities = MultiCheckboxField(_l("Facilities"), choices=[])
    designated_shelter = BooleanField(_l("Designated evacuation shelter (指定避難所)"))
    evacuation_site = BooleanField(_l("Designated emergency evacuation site (指定緊急避難場所)"))
    hazards = MultiCheckboxField(_l("Hazards it is designated for"), choices=[])
    capacity = IntegerField(
        _l("Capacity (people)"),
        validators=[Optional(), NumberRange(0, 1_000_000, _l("Enter a number of people."))],
    )
    closed_on_holidays = BooleanField(_l("Closed on public holidays"), default=True)
    published = BooleanField(_l("Show on the public pages and the map"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = LifeKind.choices()
        self.departments.choices = Department.choices()
        self.facilities.choices = Facility.choices()
        self.hazards.choices = Hazard.choices()

    def day(self, weekday: int):
        return self[f"hours_{weekday}"]

    def weekly_hours(self) -> dict[int, list[tuple[time, time]]]:
        return {weekday: parse_ranges(self.day(weekday).data) for weekday in range(7)}

    def to_input(self) -> PlaceInput:
        """The validated values for :func:`rally.lifeinfo.operations.save_place`."""
        return PlaceInput(
            kind=self.kind.data,
            area_id=self.area_id.data,
            name=self.name.data,
            description=self.description.data,
            address=self.address.data,
            notes=self.notes.data,
            latitude=self.latitude.data,
            longitude=self.longitude.data,
            phone=clean_text(self.phone.data),
            url=clean_text(self.url.data),
            departments=list(self.departments.data or []),
            facilities=list(self.facilities.data or []),
            designated_shelter=self.designated_shelter.data,
            evacuation_site=self.evacuation_site.data,
            hazards=list(self.hazards.data or []),
            capacity=self.capacity.data,
            closed_on_holidays=self.closed_on_holidays.data,
            published=self.published.data,
        )


for _weekday in range(7):
    setattr(
        PlaceForm,
        f"hours_{_weekday}",
        StringField(_l("Hours"), validators=[Length(max=200), _valid_ranges]),
    )


class SpecialDateForm(Form):
    on = DateField(_l("Date"), validators=[DataRequired(_l("Please enter a date."))])
    kind = SelectField(_l("What happens that day"), choices=[], coerce=SpecialKind)
    opens = TimeField(_l("Opens"), validators=[Optional()])
    closes = TimeField(_l("Closes"), validators=[Optional()])
    add = SubmitField(_l("Add the date"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = SpecialKind.choices()

    def to_input(self) -> SpecialDateInput:
        return SpecialDateInput(self.on.data, self.kind.data, self.opens.data, self.closes.data)


class CorrectionForm(Form):
    topic = RadioField(
        _l("What is wrong?"),
        choices=[],
        coerce=CorrectionTopic,
        validators=[DataRequired(_l("Please choose what is wrong."))],
    )
    text = TextAreaField(
        _l("What should it say?"),
        validators=[DataRequired(_l("Please tell us what is wrong.")), Length(max=2000)],
    )
    submit = SubmitField(_l("Send the correction"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic.choices = CorrectionTopic.choices()

    def to_input(self) -> CorrectionInput:
        return CorrectionInput(self.topic.data, self.text.data or "")


class AnswerForm(Form):
    answer = TextAreaField(_l("Answer to the resident"), validators=[Length(max=2000)])
    accept = SubmitField(_l("Accept (already applied)"))
    decline = SubmitField(_l("Decline"))


class DirectoryFilters(Form):
    """The list's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Type of place"), choices=[], validators=[Optional()])
    department = SelectField(_l("Department"), choices=[], validators=[Optional()])
    facility = SelectField(_l("Facility"), choices=[], validators=[Optional()])
    open_now = BooleanField(_l("Open now"))
    near = SelectField(_l("Distance from"), choices=[], validators=[Optional()])
    # Filled by life.js from the phone's position when the reader presses the button.
    lat = HiddenField()
    lng = HiddenField()

    def __init__(self, *args, landmarks=(), **kwargs):
        super().__init__(*args, **kwargs)
        anything = ("", _l("Any"))
        self.kind.choices = [anything, *LifeKind.choices()]
        self.department.choices = [anything, *Department.choices()]
        self.facility.choices = [anything, *Facility.choices()]
        self.near.choices = [(each.key, each.name) for each in landmarks]
