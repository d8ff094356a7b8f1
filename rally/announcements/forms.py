"""The back office's announcement and disaster-mode forms, and a resident's choices."""

from wtforms import BooleanField, SubmitField
from wtforms.validators import NumberRange, Optional

from rally.forms import (
    DateTimeLocalField,
    Form,
    IntegerField,
    RadioField,
    SelectField,
    TranslatedField,
    plausible_date,
)
from rally.i18n import _l

from .models import Audience
from .operations import AnnouncementInput

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _zone():
    from zoneinfo import ZoneInfo

    from flask import current_app

    return ZoneInfo(current_app.config["RALLY_TIMEZONE"])


class AnnouncementForm(Form):
    title = TranslatedField(_l("Title"), max_length=200, required=True)
    body = TranslatedField(_l("Text"), max_length=5000, textarea=True, required=True)
    audience = RadioField(_l("Audience"), choices=Audience.choices, default="everyone")
    circle_id = SelectField(_l("Circle"), coerce=int, default=0)
    area_id = SelectField(_l("Area"), coerce=int, default=0)
    campaign_id = SelectField(_l("Campaign"), coerce=int, default=0)
    urgent = BooleanField(
        _l("Urgent notice (at most 110 characters, sent to every channel at once)")
    )
    publish_at = DateTimeLocalField(
        _l("Send at (empty: keep as a draft)"),
        validators=[Optional(), plausible_date],
        format=DATETIME_FORMATS,
        tz=_zone,
    )
    banner_days = IntegerField(
        _l("Banner shown for (days)"), default=7, validators=[Optional(), NumberRange(1, 60)]
    )
    preview = SubmitField(_l("Count the recipients"))
    submit = SubmitField(_l("Save"))

    def target_id(self) -> int | None:
        audience = Audience(self.audience.data)
        field = {
            Audience.circle: self.circle_id,
            Audience.area: self.area_id,
            Audience.campaign: self.campaign_id,
        }.get(audience)
        return (field.data or None) if field is not None else None

    def to_input(self) -> AnnouncementInput:
        from flask import current_app

        from rally.news.operations import to_utc

        return AnnouncementInput(
            title=self.title.data,
            body=self.body.data,
            audience=Audience(self.audience.data),
            target_id=self.target_id(),
            urgent=bool(self.urgent.data),
            publish_at=to_utc(self.publish_at.data, current_app.config["RALLY_TIMEZONE"]),
            banner_days=self.banner_days.data or 7,
        )


class DisasterForm(Form):
    message = TranslatedField(_l("Banner message"), max_length=200, required=True, textarea=True)
    submit = SubmitField(_l("Turn disaster mode on"))
