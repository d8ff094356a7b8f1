"""A visitor's journeys through the shop window, in Japanese, English, Simplified Chinese
and Korean (the browser's language deciding).

Browse a category, open a store and see its coupon, open the map and the list (sorted by
distance from the visitor), open an event. No request leaves the app's own host while the
pages load; map tiles are fetched only once the map is opened.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from rally.extensions import db
from rally.i18n.languages import bcp47
from rally.news.models import Coupon, Event
from rally.spots.models import Spot, SpotKind
from rally.stores.models import Category
from rally.utils import utcnow
from tests.i18n.catalogs import pattern, translated

from .conftest import PHONE

pytestmark = pytest.mark.browser

TILE_HOST = "tiles.example.test"
# A 1x1 transparent PNG, served in place of real tiles.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
# The district's texts as written (Japanese and English); a Chinese or Korean reader gets the
# English ones, the first fallback. The interface's words come from each language's catalog.
CONTENT = {
    "ja": {"store": "手打ちそば 上水庵", "coupon": "天ぷらそば 100円引き",
           "event": "もちつき大会", "spot": "下連雀稲荷神社"},
    "en": {"store": "Josui-an Soba", "coupon": "100 yen off tempura soba",
           "event": "Mochi-pounding festival", "spot": "Shimorenjaku Inari Shrine"},
}  # fmt: skip
LANGS = ["ja", "en", "zh_Hans", "ko"]
BROWSER_LOCALES = {"ja": "ja-JP", "en": "en-US", "zh_Hans": "zh-CN", "ko": "ko-KR"}


def texts(lang: str) -> dict:
    """What a reader of ``lang`` sees: the content in their language or its fallback, the
    interface's words as their catalog has them."""
    return {
        **CONTENT.get(lang, CONTENT["en"]),
        "way": translated(lang, "Eat"),
        "map": translated(lang, "Map"),
        "main": translated(lang, "Main"),
        "sorted": translated(lang, "Sorted by distance from you."),
        "km": pattern(lang, "%(km)s km away"),
    }


# The visitor stands next to the shrine, south of the shops.
VISITOR = {"latitude": 35.6973, "longitude": 139.5611}


@pytest.fixture
def district(app, make_store):
    """A soba shop with a coupon, a bakery further north, a shrine, an upcoming event."""
    app.config["RALLY_MAP_TILES"] = f"https://{TILE_HOST}/{{z}}/{{x}}/{{y}}.png"
    soba = make_store(
        category=Category.eat,
        name_ja="手打ちそば 上水庵",
        name_en="Josui-an Soba",
        latitude=35.6990,
        longitude=139.5600,
    )
    make_store(
        category=Category.eat,
        name_ja="ベーカリー 麦の穂",
        name_en="Mugi-no-ho Bakery",
        latitude=35.7020,
        longitude=139.5610,
    )
    make_store(category=Category.buy, name_ja="下連雀ブックス", name_en="Shimorenjaku Books")
    now = utcnow()
    with app.app_context():
        db.session.add_all([
            Coupon(store_id=soba,
                   title={"ja": "天ぷらそば 100円引き", "en": "100 yen off tempura soba"},
                   publish_at=now - timedelta(days=1), expires_at=now + timedelta(days=10)),
            Spot(kind=SpotKind.shrine,
                 name={"ja": "下連雀稲荷神社", "en": "Shimorenjaku Inari Shrine"},
                 latitude=35.6972, longitude=139.5612),
            Event(title={"ja": "もちつき大会", "en": "Mochi-pounding festival"},
                  place={"ja": "神社", "en": "Shrine"}, starts_at=now + timedelta(days=3),
                  ends_at=now + timedelta(days=3, hours=3), publish_at=now - timedelta(days=1)),
        ])  # fmt: skip
        db.session.commit()
    return soba


def visitor(browser, lang):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True,
        locale=BROWSER_LOCALES[lang],
        geolocation=VISITOR, permissions=["geolocation"],
    )  # fmt: skip
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.route(
        f"https://{TILE_HOST}/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PIXEL),
    )
    return context, page, requests


def foreign(requests, live_server):
    own = urlsplit(live_server).netloc
    return [url for url in requests if urlsplit(url).scheme in ("http", "https")
            and urlsplit(url).netloc != own]  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_browse_a_category_open_a_store_and_see_its_coupon(browser, live_server, district, lang):
    text = texts(lang)
    context, page, requests = visitor(browser, lang)
    try:
        page.goto(live_server + "/")
        assert page.locator("html").get_attribute("lang") == bcp47(lang)
        page.get_by_test_id("way-eat").click()
        page.wait_for_url("**/stores?category=eat")
        assert text["way"] in page.locator("h1").inner_text()
        cards = page.get_by_test_id("store-card")
        assert cards.count() == 2
        assert "下連雀ブックス" not in page.content()

        page.get_by_role("link", name=text["store"]).click()
        page.wait_for_url(f"**/stores/{district}")
        assert page.locator("h1").inner_text() == text["store"]
        coupon = page.get_by_test_id("coupon")
        assert coupon.is_visible()
        assert text["coupon"] in coupon.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert foreign(requests, live_server) == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_open_the_list_sort_by_distance_then_the_map(browser, live_server, district, lang):
    text = texts(lang)
    context, page, requests = visitor(browser, lang)
    try:
        page.goto(live_server + "/")
        page.get_by_role("navigation", name=text["main"]).get_by_role(
            "link", name=text["map"], exact=True
        ).click()
        page.wait_for_url("**/map")
        places = page.get_by_test_id("place")
        assert places.count() == 3
        assert places.first.is_visible()
        # The list works as loaded; the map and its tiles wait for the visitor.
        assert not page.locator("#district-map").is_visible()
        assert page.get_by_test_id("show-map").is_visible()
        assert foreign(requests, live_server) == []

        page.get_by_test_id("sort-distance").click()
        status = page.get_by_test_id("map-status")
        status.filter(has_text=text["sorted"]).wait_for()
        assert text["spot"] in places.first.inner_text()
        assert text["km"].search(places.first.get_by_test_id("distance").inner_text())
        assert "Mugi" in places.last.inner_text() or "麦の穂" in places.last.inner_text()

        page.get_by_test_id("show-map").click()
        page.locator(".leaflet-container").wait_for()
        assert not page.get_by_test_id("show-map").is_visible()
        page.locator(".leaflet-interactive").first.wait_for()
        assert page.locator(".leaflet-interactive").count() == 3
        page.wait_for_load_state("networkidle")
        hosts = {urlsplit(url).netloc for url in foreign(requests, live_server)}
        assert hosts == {TILE_HOST}
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_open_an_event_from_the_home_page(browser, live_server, district, lang):
    text = texts(lang)
    context, page, requests = visitor(browser, lang)
    try:
        page.goto(live_server + "/")
        page.get_by_test_id("event-item").get_by_role("link", name=text["event"]).click()
        page.wait_for_url("**/events/*")
        assert page.locator("h1").inner_text() == text["event"]
        assert page.get_by_test_id("event-when").is_visible()
        assert foreign(requests, live_server) == []
    finally:
        context.close()


def test_campaign_landing_and_card_load_nothing_from_other_hosts(
    browser, live_server, make_campaign
):
    campaign_id, _ = make_campaign()
    context, page, requests = visitor(browser, "en")
    try:
        for path in ("/", "/stores", f"/campaigns/{campaign_id}", f"/card/{campaign_id}", "/news",
                     "/events", "/spots"):  # fmt: skip
            page.goto(live_server + path)
            page.wait_for_load_state("networkidle")
        assert foreign(requests, live_server) == []
    finally:
        context.close()


def test_the_list_works_without_javascript(browser, live_server, district):
    context = browser.new_context(viewport=PHONE, locale="en-US", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server + "/map")
        assert page.get_by_test_id("place").count() == 3
        assert page.get_by_role("link", name="Josui-an Soba").is_visible()
        # Buttons that need JavaScript stay out of the way.
        assert not page.get_by_test_id("show-map").is_visible()
        assert not page.get_by_test_id("sort-distance").is_visible()
    finally:
        context.close()
