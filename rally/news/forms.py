"""Forms of the publishing pages (association and merchants)."""

from zoneinfo import ZoneInfo

from flask import current_app
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from rally.forms import (
    DateTimeLocalField,
    Form,
    IntegerField,
    KanaField,
    RadioField,
    SelectField,
    TranslatedField,
    plausible_date,
)
from rally.i18n import _l
from rally.stores.forms import web_address

from .models import EventMode
from .operations import CouponInput, EventInput, NewsInput, to_utc

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def district_zone():
    """Times are typed in the district's zone (the form field attaches it)."""
    return ZoneInfo(current_app.config["RALLY_TIMEZONE"])


def _when(label, required=False):
    presence = DataRequired(_l("Please enter a date and time.")) if required else Optional()
    return DateTimeLocalField(
        label, validators=[presence, plausible_date], format=DATETIME_FORMATS, tz=district_zone
    )


def _title(label):
    return TranslatedField(label, max_length=200)


class NewsForm(Form):
    store_id = SelectField(_l("Published by"), coerce=int)
    title = _title(_l("Title"))
    body = TranslatedField(_l("Text"), max_length=10000, textarea=True)
    publish_at = _when(_l("Publish from (empty: now)"))
    expires_at = _when(_l("Publish until (empty: no end)"))
    submit = SubmitField(_l("Save"))

    def to_input(self, timezone: str) -> NewsInput:
        """The validated values for :func:`rally.news.operations.save_news`, times in naive
        UTC; the association's choice (0) is no store."""
        return NewsInput(
            store_id=self.store_id.data or None,
            title=self.title.data,
            body=self.body.data,
            publish_at=to_utc(self.publish_at.data, timezone),
            expires_at=to_utc(self.expires_at.data, timezone),
        )


class CouponForm(Form):
    store_id = SelectField(_l("Store"), coerce=int)
    title = _title(_l("Offer"))
    terms = TranslatedField(_l("Conditions"), max_length=5000, textarea=True)
    publish_at = _when(_l("Valid from (empty: now)"))
    expires_at = _when(_l("Valid until (empty: no end)"))
    submit = SubmitField(_l("Save"))

    def to_input(self, timezone: str) -> CouponInput:
        """The validated values for :func:`rally.news.operations.save_coupon`, times in naive
        UTC."""
        return CouponInput(
            store_id=self.store_id.data or None,
            title=self.title.data,
            terms=self.terms.data,
            publish_at=to_utc(self.publish_at.data, timezone),
            expires_at=to_utc(self.expires_at.data, timezone),
        )


class EventForm(Form):
    title = _title(_l("Title"))
    title_kana = KanaField(_l("Reading of the title (katakana)"))
    body = TranslatedField(_l("Text"), max_length=10000, textarea=True)
    place = TranslatedField(_l("Place"), max_length=255)
    starts_at = _when(_l("Starts"), required=True)
    ends_at = _when(_l("Ends"), required=True)
    mode = RadioField(
        _l("Where it happens"),
        choices=EventMode.choices,
        coerce=EventMode,
        default=EventMode.in_person,
    )
    online_url = StringField(
        _l("Online link (shown to registered residents only)"),
        validators=[Optional(), Length(max=500), web_address],
    )
    takes_registrations = BooleanField(_l("Residents register for this event"))
    capacity = IntegerField(
        _l("Seats (empty: no limit)"), validators=[Optional(), NumberRange(min=1, max=100000)]
    )
    held_seats = IntegerField(
        _l("Seats held back by the association"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=100000)],
    )
    registration_closes_at = _when(_l("Registration closes (empty: when the event starts)"))
    checkpoint_id = SelectField(_l("Attending gives the stamp of"), coerce=int, default=0)
    publish_at = _when(_l("Publish from (empty: now)"))
    expires_at = _when(_l("Publish until (empty: until it ends)"))
    submit = SubmitField(_l("Save"))

    def to_input(self, timezone: str) -> EventInput:
        """The validated values for :func:`rally.news.operations.save_event`, times in naive
        UTC."""
        return EventInput(
            title=self.title.data,
            title_kana=self.title_kana.data,
            body=self.body.data,
            place=self.place.data,
            starts_at=to_utc(self.starts_at.data, timezone),
            ends_at=to_utc(self.ends_at.data, timezone),
            mode=self.mode.data,
            online_url=(self.online_url.data or "").strip(),
            takes_registrations=self.takes_registrations.data,
            capacity=self.capacity.data,
            held_seats=self.held_seats.data or 0,
            registration_closes_at=to_utc(self.registration_closes_at.data, timezone),
            checkpoint_id=self.checkpoint_id.data or None,
            publish_at=to_utc(self.publish_at.data, timezone),
            expires_at=to_utc(self.expires_at.data, timezone),
        )
