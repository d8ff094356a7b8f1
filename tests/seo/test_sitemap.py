"""robots.txt and the sitemap: every public page in every language, never anything private."""

from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from rally.campaigns.models import CampaignState
from rally.stores.models import StoreStatus

from .conftest import LANGUAGES

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def sitemap(client) -> dict[str, ElementTree.Element]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == f"{SITEMAP}urlset"
    return {url.find(f"{SITEMAP}loc").text: url for url in root.findall(f"{SITEMAP}url")}


def paths(urls) -> set[str]:
    """The listed pages, without their language."""
    return {urlsplit(loc).path for loc in urls}


@pytest.fixture
def district(make_store, make_campaign, make_spot, make_event, make_news):
    """One public and one private item of each kind."""
    ids = {
        "store": make_store(),
        "pending store": make_store(status=StoreStatus.pending),
        "suspended store": make_store(status=StoreStatus.suspended),
        "spot": make_spot(),
        "hidden spot": make_spot(published=False),
        "campaign": make_campaign(stores=0)[0],
        "ended campaign": make_campaign(stores=0, state=CampaignState.ended, starts=-9, ends=-2)[0],
        "draft campaign": make_campaign(stores=0, state=CampaignState.draft)[0],
        "event": make_event(),
        "past event": make_event(starts=-5),
        "scheduled event": make_event(publish=2),
        "expired event": make_event(expires=-1, publish=-3),
        "news": make_news(),
        "scheduled news": make_news(publish=3),
        "expired news": make_news(publish=-3, expires=-1),
    }
    ids["news of a suspended store"] = make_news(store_id=ids["suspended store"])
    ids["news of a store"] = make_news(store_id=ids["store"])
    return ids


def test_the_sitemap_lists_public_content_and_nothing_private(client, district):
    listed = paths(sitemap(client))
    assert {"/", "/stores", "/spots", "/map", "/events", "/news", "/privacy"} <= listed
    public = {
        f"/stores/{district['store']}",
        f"/spots/{district['spot']}",
        f"/campaigns/{district['campaign']}",
        f"/campaigns/{district['ended campaign']}",
        f"/events/{district['event']}",
        f"/events/{district['past event']}",
        f"/news/{district['news']}",
        f"/news/{district['news of a store']}",
    }
    assert public <= listed
    private = {
        f"/stores/{district['pending store']}",
        f"/stores/{district['suspended store']}",
        f"/spots/{district['hidden spot']}",
        f"/campaigns/{district['draft campaign']}",
        f"/events/{district['scheduled event']}",
        f"/events/{district['expired event']}",
        f"/news/{district['scheduled news']}",
        f"/news/{district['expired news']}",
        f"/news/{district['news of a suspended store']}",
    }
    assert not private & listed
    assert not {path for path in listed if path.startswith(("/admin", "/manage", "/card"))}


def test_every_listed_address_answers(client, district):
    urls = sitemap(client)
    assert len(urls) == len(LANGUAGES) * len(paths(urls))
    for loc in urls:
        parts = urlsplit(loc)
        assert f"{parts.scheme}://{parts.netloc}" == "http://rally.test"
        assert client.get(f"{parts.path}?{parts.query}").status_code == 200, loc


def test_each_address_lists_all_its_languages_and_when_it_changed(client, district):
    urls = sitemap(client)
    event = urls[f"http://rally.test/events/{district['event']}?lang=zh-Hant"]
    alternates = [
        (link.get("hreflang"), link.get("href")) for link in event.findall(f"{XHTML}link")
    ]
    assert alternates == [
        *(
            (lang, f"http://rally.test/events/{district['event']}?lang={lang}")
            for lang in LANGUAGES
        ),
        ("x-default", f"http://rally.test/events/{district['event']}"),
    ]
    assert all(link.get("rel") == "alternate" for link in event.findall(f"{XHTML}link"))
    lastmod = event.find(f"{SITEMAP}lastmod").text
    assert lastmod.endswith("+00:00") and lastmod[:4].isdigit()
    store = urls[f"http://rally.test/stores/{district['store']}?lang=ja"]
    assert store.find(f"{SITEMAP}lastmod") is None  # not known: better none than a wrong one


def test_robots_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.split(": ", 1)[1] for line in lines if line.startswith("Disallow: ")}
    assert {"/admin/", "/manage/", "/merchant/", "/card", "/me/", "/auth/"} <= disallowed
    for public in ("/", "/stores/1", "/spots", "/events/1", "/news", "/campaigns/1", "/map"):
        assert not any(public.startswith(path) for path in disallowed), public
    assert "Sitemap: http://rally.test/sitemap.xml" in lines
