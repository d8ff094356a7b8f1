"""Canonical and language addresses on every public page; noindex on every other page."""

import pytest

from rally.campaigns.models import CampaignState
from rally.stores.models import StoreStatus

from .conftest import LANGUAGES, links, meta


@pytest.fixture
def public_pages(make_store, make_campaign, make_spot, make_event, make_news):
    store_id = make_store()
    campaign_id, _ = make_campaign(stores=1)
    spot_id, event_id, news_id = make_spot(), make_event(), make_news()
    return {
        "/": "/",
        "/stores": "/stores",
        f"/stores/{store_id}": f"/stores/{store_id}",
        f"/stores/{store_id}/news": f"/stores/{store_id}/news",
        "/spots": "/spots",
        f"/spots/{spot_id}": f"/spots/{spot_id}",
        "/map": "/map",
        "/events": "/events",
        f"/events/{event_id}": f"/events/{event_id}",
        "/news": "/news",
        f"/news/{news_id}": f"/news/{news_id}",
        f"/campaigns/{campaign_id}": f"/campaigns/{campaign_id}",
        "/privacy": "/privacy",
    }


def test_every_public_page_names_its_canonical_address_and_its_languages(client, public_pages):
    for path, address in public_pages.items():
        separator = "&" if "?" in address else "?"
        html = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert links(html, "canonical") == [("", f"http://rally.test{address}{separator}lang=en")]
        alternates = links(html, "alternate")
        alternates = [(lang, href) for lang, href in alternates if lang]  # not the Atom feed
        assert alternates == [
            *((lang, f"http://rally.test{address}{separator}lang={lang}") for lang in LANGUAGES),
            ("x-default", f"http://rally.test{address}"),
        ], path
        assert 'name="robots"' not in html, path


def test_the_canonical_address_follows_the_page_language(client, make_store):
    store_id = make_store()
    html = client.get(f"/stores/{store_id}?lang=ja").get_data(as_text=True)
    assert links(html, "canonical") == [("", f"http://rally.test/stores/{store_id}?lang=ja")]


def test_the_canonical_address_keeps_only_what_changes_the_page(client, make_store):
    make_store()
    html = client.get("/stores?q=tea&tag=wifi&category=eat&page=2&utm_source=x&lang=en")
    html = html.get_data(as_text=True)
    assert links(html, "canonical") == [
        ("", "http://rally.test/stores?category=eat&page=2&lang=en")
    ]
    html = client.get("/stores?category=nonsense&lang=en").get_data(as_text=True)
    assert links(html, "canonical") == [("", "http://rally.test/stores?lang=en")]
    html = client.get("/news?page=1&lang=en").get_data(as_text=True)
    assert links(html, "canonical") == [("", "http://rally.test/news?lang=en")]


def test_addresses_come_from_the_base_url_not_the_requests_host(app, client):
    app.config["RALLY_BASE_URL"] = "https://rally.example.jp/"
    html = client.get("/?lang=en", base_url="http://10.0.0.5:8000").get_data(as_text=True)
    assert links(html, "canonical") == [("", "https://rally.example.jp/?lang=en")]


@pytest.mark.parametrize("who", ["visitor", "merchant", "admin"])
def test_private_pages_say_noindex_and_name_no_address(
    who, client, merchant_client, admin_client, make_campaign
):
    campaign_id, _ = make_campaign()
    pages = {
        "visitor": [
            f"/card/{campaign_id}",
            "/card",
            "/me/login",
            "/me/save",
            "/auth/login",
            "/auth/signup",
        ],
        "merchant": ["/merchant/", "/manage/hours", "/posters/"],
        "admin": ["/admin/", "/admin/stores", f"/admin/campaigns/{campaign_id}", "/manage/spots"],
    }[who]
    user_client = {"visitor": client, "merchant": merchant_client, "admin": admin_client}[who]
    for path in pages:
        response = user_client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert meta(html, "robots") == "noindex", path
        assert links(html, "canonical") == [] and meta(html, "og:title") is None, path


def test_error_pages_say_noindex(client, make_store, make_campaign):
    pending = make_store(status=StoreStatus.pending)
    draft, _ = make_campaign(state=CampaignState.draft)
    for path in (f"/stores/{pending}", f"/campaigns/{draft}", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert meta(html, "robots") == "noindex" and links(html, "canonical") == [], path
