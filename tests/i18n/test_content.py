"""Translatable content: one JSON column per text, the reader's language picked with a
fallback (theirs, English, Japanese, any other), and the form field that edits it."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from rally.extensions import db
from rally.forms import Form, TranslatedField
from rally.i18n.content import current_language, pick_lang
from rally.i18n.languages import bcp47, own_name
from rally.stores.models import Category, Store

KOREAN_ONLY = {"ko": "미타카 책방"}


def test_a_text_written_only_in_korean_reaches_every_reader(app):
    store = Store(name=KOREAN_ONLY)
    with app.test_request_context():
        for reader in ("ko", "ja", "en", "zh_Hant"):
            with force_locale(reader):
                assert current_language() == reader
                assert store.tr_lang("name") == ("미타카 책방", "ko")


@pytest.mark.parametrize(
    ("reader", "texts", "shown"),
    [
        ("ko", {"ja": "本屋", "en": "Bookshop", "ko": "책방"}, ("책방", "ko")),
        ("ko", {"ja": "本屋", "en": "Bookshop"}, ("Bookshop", "en")),  # English next
        ("zh_Hant", {"ja": "本屋", "zh_Hans": "书店"}, ("本屋", "ja")),  # then Japanese
        (
            "en",
            {"zh_Hans": "书店", "zh_Hant": "書店"},
            ("书店", "zh_Hans"),
        ),  # then the site's order
        ("ja", {}, ("", "ja")),
    ],
)
def test_the_reader_falls_back_to_english_then_japanese_then_the_others(app, reader, texts, shown):
    with app.app_context():
        assert pick_lang(texts, reader) == shown
        assert Store(name=texts).tr_lang("name", reader) == shown


def test_blank_texts_are_not_kept_and_no_text_is_an_empty_object(app, ctx):
    store = Store(name={"ja": " 本屋 ", "en": "  ", "ko": ""}, category=Category.buy)
    db.session.add(store)
    db.session.commit()
    db.session.expire_all()
    assert store.name == {"ja": "本屋"}
    assert store.description == {}  # never NULL
    store.name["zh_Hant"] = "書店"  # a change inside the dict is saved
    db.session.commit()
    db.session.expire_all()
    assert store.name == {"ja": "本屋", "zh_Hant": "書店"}


def test_sql_reads_one_language_of_a_text(app, ctx):
    """``Store.name["zh_Hant"].as_string()`` works through the column type, on SQLite and
    PostgreSQL (JSONB)."""
    db.session.add_all(
        [
            Store(name={"zh_Hant": "三鷹書店", "ja": "三鷹書店"}, category=Category.buy),
            Store(name={"ja": "本屋"}, category=Category.buy),
        ]
    )
    db.session.commit()
    found = db.session.scalars(
        select(Store.name["ja"].as_string()).where(Store.name["zh_Hant"].as_string() == "三鷹書店")
    ).all()
    assert found == ["三鷹書店"]


class NameForm(Form):
    class Meta:
        csrf = False

    name = TranslatedField("Name", max_length=10, required=True)


def _form(app, data, lang="ja"):
    with app.test_request_context(method="POST", data=MultiDict(data)), force_locale(lang):
        form = NameForm()
        valid = form.validate()
        return (
            form,
            valid,
            app.jinja_env.from_string(
                '{% from "_forms.html" import translated_field %}{{ translated_field(form.name) }}'
            ).render(form=form, _=lambda s, **kw: s % kw if kw else s),
        )


def test_a_traditional_chinese_name_is_kept_under_zh_hant(app):
    form, valid, _html = _form(app, {"name-zh_Hant": " 三鷹書店 ", "name-ja": ""})
    assert valid
    assert form.name.data == {"zh_Hant": "三鷹書店"}


def test_required_means_at_least_one_language(app):
    form, valid, html = _form(app, {"name-ja": " ", "name-en": ""}, lang="en")
    assert not valid
    assert form.name.errors == ["Please fill in “Name” in at least one language."]
    assert 'class="field-error" id="name-error"' in html
    assert 'aria-describedby="name-error"' in html


def test_each_language_has_its_own_length_and_error(app):
    form, valid, html = _form(app, {"name-ja": "本屋", "name-ko": "가" * 11}, lang="en")
    assert not valid
    assert form.name.language_errors == {
        "ko": ["“Name” in 한국어 may be at most 10 characters long."]
    }
    assert 'id="name-ko" lang="ko"' in html and 'aria-invalid="true"' in html
    assert "<details open>" in html  # the input at fault is not hidden


def test_every_language_has_an_input_labelled_in_itself_the_editors_first(app):
    _form_, _valid, html = _form(app, {"name-en": "Bookshop"}, lang="en")
    labels = [
        f'<label for="name-{code}" lang="{bcp47(code)}">{own_name(code)}</label>'
        for code in ("en", "ja", "zh_Hans", "zh_Hant", "ko")
    ]
    assert labels[4] == '<label for="name-ko" lang="ko">한국어</label>'

    positions = [html.index(label) for label in labels]
    assert positions == sorted(positions)
    # The others are folded away while none of them holds a text.
    assert "<details>" in html and html.index("<details>") < positions[1]
    _form_, _valid, html = _form(app, {"name-en": "Bookshop", "name-ko": "책방"}, lang="en")
    assert "<details open>" in html
