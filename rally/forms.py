"""The project's form base and the validators several features share.

Every form of the site subclasses :class:`Form` rather than Flask-WTF's ``FlaskForm``, so
typed text never carries control characters into the database (PostgreSQL refuses NUL in
text, and the news feeds refuse most of the others).
"""

import re
import unicodedata
from datetime import date, datetime

import wtforms
from flask import flash, g
from flask_babel import LazyString
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import PasswordField, StringField, SubmitField
from wtforms.utils import unset_value
from wtforms.validators import ValidationError
from wtforms.widgets import html_params

from rally.i18n import _, _l
from rally.i18n.content import clean_texts, current_language
from rally.i18n.languages import bcp47, own_name, site_languages
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


# A reading in katakana (名称_カナ of the open-data sets): katakana, the long-vowel mark,
# the middle dot, spaces and the digits and letters a name may carry.
_KANA_READING = re.compile(r"[\u30a1-\u30fa\u30fc\u30fb\u3000 0-9A-Za-z０-９Ａ-Ｚａ-ｚ]*")


def katakana_reading(value: str | None) -> str:
    """A typed reading as full-width katakana: hiragana are turned into katakana and
    half-width katakana widened (NFKC), runs of spaces made one."""
    text = unicodedata.normalize("NFKC", clean_text(value))
    text = "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)
    return " ".join(text.split())


class KanaField(StringField):
    """A name's reading (フリガナ), typed in hiragana or katakana, kept in katakana."""

    def __init__(self, label=None, validators=None, max_length: int = 200, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.max_length = max_length

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = katakana_reading(self.data)

    def pre_validate(self, form):
        if not _KANA_READING.fullmatch(self.data or ""):
            raise ValidationError(
                _l("Please write the reading in katakana or hiragana, e.g. ミタカショウテンガイ.")
            )
        if len(self.data or "") > self.max_length:
            raise ValidationError(
                _l("Please keep it under %(count)d characters.", count=self.max_length)
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


class TranslatedField(wtforms.Field):
    """A text in each of the site's languages; its data is ``{code: text}`` (blank ones
    left out), for a :func:`rally.i18n.content.translated_column`.

    Rendered by the ``translated_field()`` macro of ``_forms.html``: one input (or textarea)
    per language, labelled with the language's own name, the editor's language first and
    the others in a ``<details>``. Each language may be ``max_length`` long; ``required``
    means at least one language is filled in. Posted as ``<name>-<code>`` (``name-zh_Hant``).
    """

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        max_length: int | None = None,
        required: bool = False,
        required_message=None,
        textarea: bool = False,
        **kwargs,
    ):
        kwargs.setdefault("default", dict)
        super().__init__(label, validators, **kwargs)
        self.max_length = max_length
        self.required = required
        self.required_message = required_message
        self.textarea = textarea
        self.language_errors: dict[str, list] = {}

    @property
    def languages(self) -> tuple[str, ...]:
        return site_languages()

    def input_name(self, code: str) -> str:
        return f"{self.name}-{code}"

    def input_id(self, code: str) -> str:
        return f"{self.id}-{code}"

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = clean_texts(data)
        if formdata is not None:
            typed = {
                code: strip_control_characters(formdata.get(self.input_name(code)) or "")
                for code in self.languages
            }
            # Texts in a language the site no longer offers are kept, not lost.
            kept = {code: text for code, text in self.data.items() if code not in self.languages}
            self.data = clean_texts({**kept, **typed})

    def _value(self, code: str) -> str:
        return (self.data or {}).get(code, "")

    def pre_validate(self, form):
        self.language_errors = {}
        if self.max_length is not None:
            for code in self.languages:
                if len(self._value(code)) > self.max_length:
                    message = _l(
                        "“%(field)s” in %(language)s may be at most %(max)d characters long.",
                        field=self.label.text,
                        language=own_name(code),
                        max=self.max_length,
                    )
                    self.language_errors.setdefault(code, []).append(message)
                    self.errors.append(message)
        if self.required and not self.data:
            raise ValidationError(
                self.required_message
                or _l("Please fill in “%(field)s” in at least one language.", field=self.label.text)
            )

    def language_groups(self) -> tuple[str, tuple[str, ...]]:
        """The editor's language, then the site's others in their order."""
        first = current_language()
        if first not in self.languages:
            first = self.languages[0]
        return first, tuple(code for code in self.languages if code != first)

    def others_open(self, codes) -> bool:
        """Whether the other languages are shown unfolded: one of them has text or an
        error."""
        return any(self._value(code) or self.language_errors.get(code) for code in codes)

    def render_input(self, code: str, **kwargs) -> Markup:
        """One language's label and input (or textarea), with its own errors."""
        input_id = self.input_id(code)
        params = {"id": input_id, "name": self.input_name(code), "lang": bcp47(code), **kwargs}
        if self.max_length is not None and not self.textarea:
            params.setdefault("maxlength", self.max_length)
        errors = self.language_errors.get(code)
        if errors:
            params["aria_invalid"] = "true"
            params["aria_describedby"] = f"{input_id}-error"
        label = Markup('<label for="{}" lang="{}">{}</label>').format(
            input_id, bcp47(code), own_name(code)
        )
        value = self._value(code)
        if self.textarea:
            control = Markup("<textarea {}>\r\n{}</textarea>").format(
                Markup(html_params(**params)), value
            )
        else:
            control = Markup("<input {}>").format(
                Markup(html_params(type="text", value=value, **params))
            )
        html = Markup("<p>{}{}</p>").format(label, control)
        if errors:
            error = Markup('<p class="field-error" id="{}-error">{}</p>').format(
                input_id, " ".join(str(message) for message in errors)
            )
            html = Markup("{}{}").format(html, error)
        return html

    def field_errors(self) -> list:
        """The errors about the whole field (not one language's input)."""
        per_language = [str(m) for messages in self.language_errors.values() for m in messages]
        return [message for message in self.errors if str(message) not in per_language]
