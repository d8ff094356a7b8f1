"""Forms of the publishing pages (association and merchants)."""

from zoneinfo import ZoneInfo

from flask import current_app
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from rally.forms import DateTimeLocalField, Form, SelectField, clean_text, plausible_date
from rally.i18n import _l

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
    return StringField(label, validators=[Length(max=200)])


class NewsForm(Form):
    store_id = SelectField(_l("Published by"), coerce=int)
    title_ja = _title(_l("Title (Japanese)"))
    title_en = _title(_l("Title (English)"))
    body_ja = TextAreaField(_l("Text (Japanese)"), validators=[Length(max=10000)])
    body_en = TextAreaField(_l("Text (English)"), validators=[Length(max=10000)])
    publish_at = _when(_l("Publish from (empty: now)"))
    expires_at = _when(_l("Publish until (empty: no end)"))
    submit = SubmitField(_l("Save"))

    def to_input(self, timezone: str) -> NewsInput:
        """The validated values for :func:`rally.news.operations.save_news`, times in naive
        UTC; the association's choice (0) is no store."""
        return NewsInput(
            store_id=self.store_id.data or None,
            title_ja=clean_text(self.title_ja.data),
            title_en=clean_text(self.title_en.data),
            body_ja=clean_text(self.body_ja.data),
            body_en=clean_text(self.body_en.data),
            publish_at=to_utc(self.publish_at.data, timezone),
            expires_at=to_utc(self.expires_at.data, timezone),
        )


class CouponForm(Form):
    store_id = SelectField(_l("Store"), coerce=int)
    title_ja = _title(_l("Offer (Japanese)"))
    title_en = _title(_l("Offer (English)"))
    terms_ja = TextAreaField(_l("Conditions (Japanese)"), validators=[Length(max=5000)])
    terms_en = TextAreaField(_l("Conditions (English)"), validators=[Length(max=5000)])
    publish_at = _when(_l("Valid from (empty: now)"))
    expires_at = _when(_l("Valid until (empty: no end)"))
    submit = SubmitField(_l("Save"))

    def to_input(self, timezone: str) -> CouponInput:
        """The validated values for :func:`rally.news.operations.save_coupon`, times in naive
        UTC."""
        return CouponInput(
            store_id=self.store_id.data or None,
            title_ja=clean_text(self.title_ja.data),
            title_en=clean_text(self.title_en.data),
            terms_ja=clean_text(self.terms_ja.data),
            terms_en=clean_text(self.terms_en.data),
            publish_at=to_utc(self.publish_at.data, timezone),
            expires_at=to_utc(self.expires_at.data, timezone),
        )


class EventForm(Form):
    title_ja = _title(_l("Title (Japanese)"))
    title_en = _title(_l("Title (English)"))
    body_ja = TextAreaField(_l("Text (Japanese)"), validators=[Length(max=10000)])
    body_en = TextAreaField(_l("Text (English)"), validators=[Length(max=10000)])
    place_ja = StringField(_l("Place (Japanese)"), validators=[Length(max=255)])
    place_en = StringField(_l("Place (English)"), validators=[Length(max=255)])
    starts_at = _when(_l("Starts"), required=True)
    ends_at = _when(_l("Ends"), required=True)
    publish_at = _when(_l("Publish from (empty: now)"))
    expires_at = _when(_l("Publish until (empty: until it ends)"))
    submit = SubmitField(_l("Save"))

    def to_input(self, timezone: str) -> EventInput:
        """The validated values for :func:`rally.news.operations.save_event`, times in naive
        UTC."""
        return EventInput(
            title_ja=clean_text(self.title_ja.data),
            title_en=clean_text(self.title_en.data),
            body_ja=clean_text(self.body_ja.data),
            body_en=clean_text(self.body_en.data),
            place_ja=clean_text(self.place_ja.data),
            place_en=clean_text(self.place_en.data),
            starts_at=to_utc(self.starts_at.data, timezone),
            ends_at=to_utc(self.ends_at.data, timezone),
            publish_at=to_utc(self.publish_at.data, timezone),
            expires_at=to_utc(self.expires_at.data, timezone),
        )
