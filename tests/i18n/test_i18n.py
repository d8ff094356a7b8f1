"""Languages: catalogs, locale choice, bilingual fallback, dates in the district's zone."""

from datetime import datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_datetime

from rally.i18n import pick
from rally.i18n.languages import DEFAULT_LANGUAGES
from rally.stores.models import Category, Store

CATALOGS = Path(__file__).resolve().parents[2] / "translations"


@pytest.mark.parametrize("lang", DEFAULT_LANGUAGES)
def test_catalog_is_complete(lang):
    """Every site language's catalog (a missing one fails too): no missing, empty or fuzzy
    entry."""
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    assert len(catalog) > 50
    incomplete = [
        message.id
        for message in catalog
        if message.id
        and (message.fuzzy or not (all(message.string) if message.pluralizable else message.string))
    ]
    assert incomplete == []


def test_catalog_covers_every_message_in_the_code(tmp_path):
    """A string added to the code but not to the catalogs fails here, not in front of a user."""
    import subprocess
    import sys

    root = CATALOGS.parent
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_ngettext:1,2", "-o", str(pot), "."],
        cwd=root, check=True, capture_output=True,
    )  # fmt: skip
    with open(pot, "rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    for lang in DEFAULT_LANGUAGES:
        with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
            have = {message.id for message in read_po(handle) if message.id}
        assert sorted(map(str, wanted - have)) == [], lang


def test_japanese_is_the_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert "開催中" in html


def test_accept_language_english(client):
    html = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Running now" in html


def test_unsupported_language_falls_back_to_japanese(client):
    html = client.get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert '<html lang="ja">' in html


def test_switch_is_remembered_over_accept_language(client):
    response = client.get("/lang/en?next=/card")
    assert response.status_code == 303
    assert response.headers["Location"] == "/card"
    html = client.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    client.get("/lang/ja")
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ja">' in html


def test_switch_keeps_the_choice_in_its_own_cookie(client):
    response = client.get("/lang/en")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("rally_lang=en;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie
    # The session is not made permanent for it (nor sent at all).
    assert all(
        not header.startswith("session=") for header in response.headers.getlist("Set-Cookie")
    )


def test_choice_kept_in_an_older_session_still_counts(app, client):
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    client.get("/lang/ja")  # the cookie wins from now on, the old key is gone
    with client.session_transaction() as session:
        assert "lang" not in session
    assert '<html lang="ja">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_switch_never_redirects_off_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_404(client):
    assert client.get("/lang/fr").status_code == 404


def test_every_page_links_to_the_other_language(client):
    html = client.get("/card").get_data(as_text=True)
    assert 'href="/lang/en?next=/card"' in html
    html = client.get("/card", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/lang/ja?next=/card"' in html


def test_pick_prefers_language_then_falls_back():
    assert pick({"ja": "本屋", "en": "Bookshop"}, "en") == "Bookshop"
    assert pick({"ja": "本屋", "en": ""}, "en") == "本屋"
    assert pick({"ja": "  ", "en": "Bookshop"}, "ja") == "Bookshop"
    assert pick({"ja": None, "en": None}, "ja") == ""


def test_model_fields_fall_back_to_the_other_language(app):
    store = Store(name={"ja": "下連雀ブックス", "en": ""}, category=Category.buy)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert store.tr("name") == "下連雀ブックス"
    store.name["en"] = "Shimorenjaku Books"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert store.tr("name") == "Shimorenjaku Books"
    with app.test_request_context():
        assert store.tr("name") == "下連雀ブックス"


def test_enum_labels_are_translated(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert Category.walk.label == "Walk"
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        assert Category.walk.label == "歩く"


def test_datetimes_shown_in_tokyo_time(app):
    utc_evening = datetime(2026, 12, 24, 15, 30)  # 00:30 on the 25th in Tokyo
    with app.test_request_context(), force_locale("en"):
        assert "Dec 25, 2026" in format_datetime(utc_evening, "medium")
        assert "12:30:00" in format_datetime(utc_evening, "medium")
    with app.test_request_context(), force_locale("ja"):
        assert format_datetime(utc_evening, "medium").startswith("2026/12/25 0:30")


def test_campaign_dates_on_card_in_both_languages(client, make_campaign):
    campaign_id, _ = make_campaign()
    en = client.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    ja = client.get(f"/card/{campaign_id}", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    assert "Year-End Stamp Rally" in en and " to " in en
    assert "歳末スタンプラリー" in ja and "年" in ja and "〜" in ja


def test_moments_read_the_same_everywhere(app):
    """Dates on pages name the month (no 11/27/26 for a visitor from abroad), no seconds."""
    from rally.i18n import format_when

    utc_evening = datetime(2026, 12, 24, 15, 30)  # 00:30 on the 25th in Tokyo
    with app.test_request_context(), force_locale("en"):
        assert format_when(utc_evening) == "Dec 25, 2026, 12:30\u202fAM"
    with app.test_request_context(), force_locale("ja"):
        assert format_when(utc_evening) == "2026/12/25 0:30"
        assert format_when(None) == ""


@pytest.mark.parametrize("target", ["/%0d%0aX:1", "/%0aX:1", "/card%00", "/card%e2%80%a8X:1"])
def test_switch_with_a_control_character_in_next_goes_home(client, target):
    """A CR/LF in ``next`` answered 500 (a header cannot hold it): it is an unsafe target."""
    response = client.get(f"/lang/en?next={target}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
