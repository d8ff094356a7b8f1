"""A sixth language is one catalog (``flask translate init``) and one setting line."""

import pytest
from babel.messages.pofile import read_po

from rally import cli


@pytest.fixture
def translations(tmp_path, monkeypatch):
    """The translate commands write into a copy's folder, never into the project's."""
    folder = tmp_path / "translations"
    folder.mkdir()
    monkeypatch.setattr(cli, "TRANSLATIONS", str(folder))
    monkeypatch.setattr(cli, "POT", str(tmp_path / "messages.pot"))
    return folder


def test_translate_init_starts_a_catalog_with_every_message(runner, translations):
    result = runner.invoke(args=["translate", "init", "vi"])
    assert result.exit_code == 0, result.output
    assert "RALLY_LANGUAGES" in result.output
    with open(translations / "vi" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    assert str(catalog.locale) == "vi"
    assert len(catalog) > 900
    untranslated = [
        message.id
        for message in catalog
        if message.id and not any(message.string if message.pluralizable else [message.string])
    ]
    assert len(untranslated) == len(catalog)  # all of them, to translate
    assert not (translations.parent / "messages.pot").exists()
    # Once there, it is updated with the others, never started again.
    again = runner.invoke(args=["translate", "init", "vi"])
    assert again.exit_code != 0 and "translate update" in again.output


def test_translate_init_refuses_what_is_no_language(runner, translations):
    result = runner.invoke(args=["translate", "init", "elvish"])
    assert result.exit_code != 0 and "CODE" in result.output
    assert list(translations.iterdir()) == []


def test_a_sixth_language_in_the_setting_is_offered_and_negotiated(app, client):
    app.config["RALLY_LANGUAGES"] = (*app.config["RALLY_LANGUAGES"], "vi")
    html = client.get("/card", headers={"Accept-Language": "vi-VN"}).get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert 'href="/lang/vi?next=/card"' in html and ">Tiếng Việt</a>" in html
    assert client.get("/lang/vi").status_code == 303
