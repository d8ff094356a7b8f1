"""Forms of the merchant area: sign-up, a store's bilingual profile and its photo."""

from urllib.parse import urlsplit

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional, Regexp, ValidationError

from rally.areas.forms import area_field
from rally.auth.forms import confirm_field, email_field, name_field, password_field
from rally.forms import FloatField, Form, KanaField, SelectField, TranslatedField
from rally.i18n import _l

from .models import Category
from .operations import PROFILE_FIELDS, StoreInput, StoreProfileInput


class CoordinateField(FloatField):
    """A decimal number with a translated message when it is not one."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = float(valuelist[0].strip().replace(",", "."))
            except ValueError:
                self.data = None
                raise ValueError(_l("Please enter a decimal number, e.g. 35.7027.")) from None
        else:
            self.data = None


def web_address(form, field):
    """Only ``http``/``https`` addresses with a host: no ``javascript:`` or ``data:`` links."""
    if not field.data:
        return
    parts = urlsplit(field.data.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(_l("Please enter a web address starting with http:// or https://."))


class StoreBasicsMixin:
    """The fields a new store needs before the association can look at it."""

    category = SelectField(_l("Category"), choices=Category.choices, coerce=Category)
    address = TranslatedField(_l("Address"), max_length=255)


def store_name_field() -> TranslatedField:
    return TranslatedField(
        _l("Store name"),
        max_length=120,
        required=True,
        required_message=_l("Please enter the store's name in at least one language."),
    )


class StoreProfileForm(StoreBasicsMixin, Form):
    name = store_name_field()
    name_kana = KanaField(_l("Reading of the name (katakana)"))
    description = TranslatedField(_l("Description"), max_length=2000, textarea=True)
    latitude = CoordinateField(
        _l("Latitude"),
        validators=[
            Optional(),
            NumberRange(-90, 90, _l("The latitude must be between -90 and 90.")),
        ],
    )
    longitude = CoordinateField(
        _l("Longitude"),
        validators=[
            Optional(),
            NumberRange(-180, 180, _l("The longitude must be between -180 and 180.")),
        ],
    )
    hours = TranslatedField(_l("Opening hours"), max_length=255)
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(
                r"^\+?[0-9()\- ]{3,40}$",
                message=_l("Please enter a phone number with digits only, e.g. 0422-00-0000."),
            ),
        ],
    )
    website = StringField(_l("Website"), validators=[Optional(), Length(max=255), web_address])
    english_spoken = BooleanField(_l("English spoken"))
    tax_free = BooleanField(_l("Tax-free shopping"))
    cashless = BooleanField(_l("Cashless payment"))
    wifi = BooleanField(_l("Free Wi-Fi"))
    area_id = area_field()
    submit = SubmitField(_l("Save"))

    def to_input(self) -> StoreProfileInput:
        """The validated profile for :mod:`rally.stores.operations` (which trims the texts)."""
        return StoreProfileInput(**{name: self[name].data for name in PROFILE_FIELDS})


class SignupForm(StoreBasicsMixin, Form):
    name = name_field()
    store_name = store_name_field()
    email = email_field()
    password = password_field(_l("Password"))
    confirm = confirm_field()
    submit = SubmitField(_l("Sign up"))

    def to_input(self) -> StoreInput:
        """The first store's values for :func:`rally.stores.operations.sign_up`."""
        return StoreInput(
            name=self.store_name.data,
            category=self.category.data,
            address=self.address.data,
        )


class PhotoForm(Form):
    photo = FileField(_l("Photo"), validators=[FileRequired(_l("Please choose a photo."))])
    submit = SubmitField(_l("Upload"))
