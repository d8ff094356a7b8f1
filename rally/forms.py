"""The project's form base and the validators several features share.

Every form of the site subclasses :class:`Form` rather than Flask-WTF's ``FlaskForm``, so
typed text never carries control characters into the database (PostgreSQL refuses NUL in
text, and the news feeds refuse most of the others).
"""

from datetime import date, datetime

import wtforms
from flask import flash, g
from flask_babel import LazyString
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import ValidationError

from rally.i18n import _, _l
from rally.utils import strip_control_characters

FIRST_YEAR = 2000
LAST_YEAR = 2100


class Form(FlaskForm):
    """A Flask-WTF form (CSRF, translated built-in messages) whose text fields drop
    control characters."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        kept = g.get("csrf_form_kept")
        if self.meta.csrf and self.csrf_token.errors and g.get("csrf_refused") and not kept:
            # The request's token failed (an expired session, a closed browser): the view
            # shows this form again with what was typed, its token fresh, and says why.
            g.csrf_form_kept = True
            flash(
                _("This form had expired. Your input is kept: please check it and submit again."),
                "error",
            )
        return valid

    class Meta:
        def bind_field(self, form, unbound_field, options):
            # WTForms' documented hook for a filter on every field of a form. A password is
            # only hashed, never stored, so it is checked exactly as typed.
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                filters = [*unbound_field.kwargs.get("filters", ()), strip_control_characters]
                return unbound_field.bind(form=form, filters=filters, **options)
            return unbound_field.bind(form=form, **options)


def clean_text(value: str | None) -> str:
    """Typed text without control characters (they break feeds and PostgreSQL), stripped."""
    return strip_control_characters(value or "").strip()


def plausible_date(form, field) -> None:
    """A date or time between the years 2000 and 2100: further out is a typo, and converting
    it between time zones would overflow."""
    value = field.data
    if isinstance(value, date | datetime) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _l(
                "Please enter a date between the years %(first)d and %(last)d.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )


class _SaysWhatIsExpected:
    """A field whose typed value may not be read (not a number, a date, one of the choices)
    says what it expects, naming the field in the page's language, instead of WTForms'
    generic words ("Not a valid float value.", "Invalid Choice: could not coerce.").

    WTForms' own ``invalid_value_message`` / ``invalid_choice_message`` still set a field's
    own words.
    """

    expected: str

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted when shown: in the language of that page.
        message = LazyString(lambda: str(self.expected) % {"field": self.label.text})
        if self.invalid_value_message is None:
            self.invalid_value_message = message
        if getattr(self, "invalid_choice_message", False) is None:
            self.invalid_choice_message = message

    def pre_validate(self, form):
        if self.process_errors:
            return  # a value that could not be read is said once, not again as a choice
        super().pre_validate(form)


class IntegerField(_SaysWhatIsExpected, wtforms.IntegerField):
    expected = _l("Please enter a whole number for “%(field)s”.")


class FloatField(_SaysWhatIsExpected, wtforms.FloatField):
    expected = _l("Please enter a number for “%(field)s”.")


class DecimalField(_SaysWhatIsExpected, wtforms.DecimalField):
    expected = _l("Please enter a number for “%(field)s”.")


class DateField(_SaysWhatIsExpected, wtforms.DateField):
    expected = _l("Please enter a date for “%(field)s”.")


class DateTimeLocalField(_SaysWhatIsExpected, wtforms.DateTimeLocalField):
    expected = _l("Please enter a date and time for “%(field)s”.")


class TimeField(_SaysWhatIsExpected, wtforms.TimeField):
    expected = _l("Please enter a time for “%(field)s”, e.g. 10:30.")


class SelectField(_SaysWhatIsExpected, wtforms.SelectField):
    expected = _l("Please choose one of the options for “%(field)s”.")


class SelectMultipleField(_SaysWhatIsExpected, wtforms.SelectMultipleField):
    expected = _l("Please choose among the options for “%(field)s”.")


class RadioField(_SaysWhatIsExpected, wtforms.RadioField):
    expected = _l("Please choose one of the options for “%(field)s”.")


class ConfirmForm(Form):
    """An empty form: its CSRF token protects one-button POST actions (delete, end, move)."""

    submit = SubmitField(_l("Confirm"))
