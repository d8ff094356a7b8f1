"""The project's form base and the validators several features share.

Every form of the site subclasses :class:`Form` rather than Flask-WTF's ``FlaskForm``, so
typed text never carries control characters into the database (PostgreSQL refuses NUL in
text, and the news feeds refuse most of the others).
"""

from datetime import date, datetime

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import ValidationError

from rally.i18n import _l
from rally.utils import strip_control_characters

FIRST_YEAR = 2000
LAST_YEAR = 2100


class Form(FlaskForm):
    """A Flask-WTF form (CSRF, translated built-in messages) whose text fields drop
    control characters."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            # WTForms' documented hook for a filter on every field of a form. A password is
            # only hashed, never stored, so it is checked exactly as typed.
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                filters = [*unbound_field.kwargs.get("filters", ()), strip_control_characters]
                return unbound_field.bind(form=form, filters=filters, **options)
            return unbound_field.bind(form=form, **options)


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


class ConfirmForm(Form):
    """An empty form: its CSRF token protects one-button POST actions (delete, end, move)."""

    submit = SubmitField(_l("Confirm"))
