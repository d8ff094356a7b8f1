"""The project's form base: typed text reaches the database without control characters."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

from rally.forms import Form
from rally.utils import normalize_code


class Sample(Form):
    class Meta:
        csrf = False

    name = StringField()
    text = TextAreaField()
    token = HiddenField()
    password = PasswordField()


def test_text_fields_drop_control_characters_but_keep_line_breaks(app):
    data = {
        "name": "Ta\x00ro\x7f",
        "text": "one\r\n\ttwo\x0bthree\ufffe",
        "token": "ab\x1bc",
        "password": "pass\x00word",
    }
    with app.test_request_context(method="POST", data=data):
        form = Sample()
        assert form.name.data == "Taro"
        assert form.text.data == "one\r\n\ttwothree"
        assert form.token.data == "abc"
        assert form.password.data == "pass\x00word"  # only hashed: checked as typed


def test_every_form_of_the_site_is_a_rally_form(app):
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    plain = {
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in subclasses(FlaskForm)
        if cls.__module__.startswith("rally.") and not issubclass(cls, Form)
    }
    assert plain == set()


def test_codes_typed_in_full_width_become_ascii():
    assert normalize_code("ＤＫＢＭ－７４ＡＥ") == "DKBM-74AE"
    assert normalize_code("０００００３４") == "0000034"
    for dash in ("ー", "‐", "−", "ｰ"):  # long vowel mark, hyphen, minus sign, half-width mark
        assert normalize_code(f"ＤＫＢＭ{dash}７４ＡＥ") == "DKBM-74AE"
    assert normalize_code(None) is None
