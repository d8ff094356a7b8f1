"""Every public page exists in each language at ``?lang=<BCP 47>``: the address wins over
the visitor's saved choice, their account and their browser, without changing the choice."""

import pytest
from flask_babel import get_locale

from rally.i18n import LANGUAGE_COOKIE, select_locale


def test_the_addresses_language_wins_over_the_saved_choice_and_keeps_it(client, make_store):
    store_id = make_store(name_ja="八百辰", name_en="Yaotatsu")
    client.get("/lang/ja")
    response = client.get(f"/stores/{store_id}?lang=en")
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html and "<h1>Yaotatsu</h1>" in html
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie(LANGUAGE_COOKIE).value == "ja"
    assert "<h1>八百辰</h1>" in client.get(f"/stores/{store_id}").get_data(as_text=True)


def test_the_addresses_language_wins_over_the_browsers(client):
    html = client.get("/?lang=ja", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ja">' in html


@pytest.mark.parametrize(
    "value, expected",
    [("zh-Hant", "zh_Hant"), ("zh-hans", "zh_Hans"), ("ko", "ko"), ("zh_Hant", "zh_Hant")],
)
def test_bcp47_tags_of_the_site_languages_are_understood(app, value, expected):
    with app.test_request_context(f"/?lang={value}"):
        assert select_locale() == expected
        assert str(get_locale()) == expected


@pytest.mark.parametrize("value", ["fr", "zh", "", "ja-JP", "<script>"])
def test_unknown_languages_in_the_address_are_ignored(app, value):
    with app.test_request_context(f"/?lang={value}", headers={"Accept-Language": "en"}):
        assert select_locale() == "en"


def test_the_switch_drops_the_addresses_language_so_the_choice_shows(client, make_store):
    store_id = make_store()
    response = client.get(f"/lang/ja?next=/stores/{store_id}%3Fpage%3D2%26lang%3Den")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/stores/{store_id}?page=2"


def test_the_landing_pages_share_links_carry_the_addresses_language(client, make_campaign):
    campaign_id, _ = make_campaign()
    client.get("/lang/ja")
    html = client.get(f"/campaigns/{campaign_id}?lang=en").get_data(as_text=True)
    assert f"url=http%3A//rally.test/campaigns/{campaign_id}%3Flang%3Den" in html
