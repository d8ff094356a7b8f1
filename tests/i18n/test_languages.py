"""The five languages: which one a browser gets, the switch, and Babel's formats per locale."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from babel.numbers import format_currency

from rally.campaigns.models import Campaign, CampaignKind
from rally.extensions import db
from rally.i18n import format_when
from rally.i18n.languages import DEFAULT_LANGUAGES, bcp47, language_for_tag, own_name

from .catalogs import translated

MY_CARD = "My stamp card"  # a string of every page's header, read from each catalog


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)">', html).group(1)


@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        ("zh-TW", "zh_Hant"),
        ("zh-HK", "zh_Hant"),
        ("zh-MO", "zh_Hant"),
        ("zh-Hant", "zh_Hant"),
        ("zh-Hant-HK", "zh_Hant"),
        ("zh-CN", "zh_Hans"),
        ("zh-SG", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("zh-Hans-CN", "zh_Hans"),
        ("ko", "ko"),
        ("ko-KR", "ko"),
        ("en-GB", "en"),
        ("en-US,en;q=0.9", "en"),
        ("ja-JP", "ja"),
        ("fr-FR", "ja"),
        ("de, x-klingon, zh-yue", "ja"),  # unknown or malformed tags: the district's language
        ("*", "ja"),
        # q-values decide, not the order written.
        ("zh-TW;q=0.5, ko;q=0.9", "ko"),
        ("fr, zh-CN;q=0.8, en;q=0.7", "zh_Hans"),
        ("ko;q=0, en;q=0.1", "en"),  # q=0: "not this one"
    ],
)
def test_browser_language_is_negotiated(client, accept, lang):
    html = client.get("/card", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert html_lang(html) == bcp47(lang)
    assert translated(lang, MY_CARD) in html


def test_a_tag_maps_to_a_language_of_this_site_only():
    """A language without a catalog here gets nothing (Accept-Language moves on)."""
    assert language_for_tag("zh-TW", ("ja", "en")) is None
    assert language_for_tag("zh-TW", ("ja", "zh_Hans", "zh_Hant")) == "zh_Hant"
    assert language_for_tag("fr-CA", ("ja", "fr")) == "fr"  # a sixth language needs no code


@pytest.mark.parametrize("lang", DEFAULT_LANGUAGES)
def test_switch_remembers_each_language(client, lang):
    response = client.get(f"/lang/{lang}?next=/card")
    assert response.status_code == 303 and response.headers["Location"] == "/card"
    assert response.headers["Set-Cookie"].startswith(f"rally_lang={lang};")
    html = client.get("/card", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(html) == bcp47(lang)
    assert translated(lang, MY_CARD) in html


def test_bcp47_tag_in_a_switch_url_is_404(client):
    """The switch takes the catalog's code; a tag written like HTML's is no language here."""
    assert client.get("/lang/zh-Hant").status_code == 404


def test_every_page_lists_the_five_languages_in_their_own_names(client):
    html = client.get("/card", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    menu = html[html.index('class="lang-menu"') : html.index("</details>")]
    links = re.findall(r"<a ([^>]*)>([^<]+)</a>", menu)
    names = [name for _attrs, name in links]
    assert names == [own_name(code) for code in DEFAULT_LANGUAGES]
    assert names == ["日本語", "English", "简体中文", "繁體中文", "한국어"]
    for (attrs, _name), code in zip(links, DEFAULT_LANGUAGES, strict=True):
        assert f'href="/lang/{code}?next=/card"' in attrs
        assert f'lang="{bcp47(code)}"' in attrs and f'hreflang="{bcp47(code)}"' in attrs
        assert ('aria-current="true"' in attrs) == (code == "ko")
    # The menu's button names the language the page is in, in that language.
    summary = menu[menu.index("<summary") : menu.index("</summary>")]
    assert '<span lang="ko">한국어</span>' in summary


def test_a_site_of_two_languages_offers_two(app, client):
    """RALLY_LANGUAGES decides: a language left out is neither offered nor negotiated."""
    app.config["RALLY_LANGUAGES"] = ("ja", "en")
    html = client.get("/card", headers={"Accept-Language": "ko, en;q=0.5"}).get_data(as_text=True)
    assert html_lang(html) == "en"
    assert "한국어" not in html and 'href="/lang/ja?next=/card"' in html
    assert client.get("/lang/ko").status_code == 404


@pytest.mark.parametrize("lang", DEFAULT_LANGUAGES)
def test_yen_and_dates_are_written_the_locales_way(app, client, make_campaign, lang):
    """A purchase campaign's landing page: the step in yen and the dates by Babel for the
    reader's locale (``JP¥1,000`` in Korean, ``￥1,000`` in Japanese, ...)."""
    campaign_id, _ = make_campaign(
        kind=CampaignKind.purchase, yen_per_stamp=1000, max_stamps_per_purchase=2
    )
    html = client.get(
        f"/campaigns/{campaign_id}", headers={"Accept-Language": bcp47(lang)}
    ).get_data(as_text=True)
    assert html_lang(html) == bcp47(lang)
    assert format_currency(1000, "JPY", locale=lang) in html
    with app.app_context():
        starts = db.session.get(Campaign, campaign_id).starts_at
    local = starts.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Tokyo"))
    assert format_date(local.date(), "long", locale=lang) in html


@pytest.mark.parametrize(
    ("lang", "written"),
    [
        ("ja", "2026/11/27 10:00"),
        ("en", "Nov 27, 2026, 10:00\u202fAM"),
        ("zh_Hans", "2026年11月27日 10:00"),
        ("zh_Hant", "2026年11月27日 上午10:00"),
        ("ko", "2026. 11. 27. AM 10:00"),
    ],
)
def test_a_moment_is_written_the_locales_way(app, lang, written):
    """CLDR's forms through Babel, in the district's time zone (01:00 UTC is 10:00 there)."""
    with app.test_request_context(headers={"Accept-Language": bcp47(lang)}):
        assert format_when(datetime(2026, 11, 27, 1, 0)) == written


def test_a_chinese_or_korean_reader_gets_english_texts_before_japanese_ones(app):
    """Content not written in the reader's language: English first, then Japanese."""
    from rally.stores.models import Category, Store

    store = Store(name={"ja": "下連雀ブックス", "en": "Shimorenjaku Books"}, category=Category.buy)
    with app.test_request_context(headers={"Accept-Language": "zh-TW"}):
        assert store.tr_lang("name") == ("Shimorenjaku Books", "en")
    store.name["en"] = ""
    with app.test_request_context(headers={"Accept-Language": "ko"}):
        assert store.tr_lang("name") == ("下連雀ブックス", "ja")


def test_the_districts_name_falls_back_like_any_text(app):
    """A language without its own RALLY_DISTRICT_NAME_* setting shows the English name."""
    from rally.i18n import district_name

    with app.app_context():
        app.config.pop("RALLY_DISTRICT_NAME_KO", None)
        assert district_name("ko") == app.config["RALLY_DISTRICT_NAME_EN"]
        app.config["RALLY_DISTRICT_NAME_KO"] = "미타카역 앞 상점가"
        assert district_name("ko") == "미타카역 앞 상점가"
        assert district_name("ja") == app.config["RALLY_DISTRICT_NAME_JA"]
