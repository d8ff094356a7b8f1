"""Tourist spots, the map page, the home page."""

from rally.auth.models import Role
from rally.extensions import db
from rally.spots.models import Spot

EN = {"Accept-Language": "en"}


def html(client, url, headers=EN):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_spot_page_in_both_languages(client, make_spot):
    spot_id = make_spot()
    assert "<h1>Shimorenjaku Inari Shrine</h1>" in html(client, f"/spots/{spot_id}")
    assert "<h1>下連雀稲荷神社</h1>" in html(client, f"/spots/{spot_id}", {"Accept-Language": "ja"})
    assert "Shrine" in html(client, "/spots")


def test_hidden_spot_is_not_public(client, make_spot):
    spot_id = make_spot(published=False, name_en="Secret Garden")
    assert client.get(f"/spots/{spot_id}").status_code == 404
    assert "Secret Garden" not in html(client, "/spots")
    assert "Secret Garden" not in html(client, "/map")


def test_admin_adds_a_spot(app, client, make_user, auth):
    auth.login(make_user(role=Role.admin))
    response = client.post(
        "/manage/spots/new",
        data={"kind": "museum", "name-en": "Literature Museum", "latitude": "35.7",
              "longitude": "139.56", "published": "y"},
    )  # fmt: skip
    assert response.status_code == 303
    assert "Literature Museum" in html(client, "/spots")


def test_spot_needs_both_coordinates(app, client, make_user, auth):
    auth.login(make_user(role=Role.admin))
    response = client.post(
        "/manage/spots/new", data={"kind": "park", "name-en": "Park", "latitude": "35.7"}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(Spot).count() == 0


def test_spot_operation_codes(app):
    import pytest

    from rally.spots.models import SpotKind
    from rally.spots.operations import SpotError, SpotInput, save_spot

    with app.app_context():
        with pytest.raises(SpotError) as error:
            save_spot(SpotInput(kind=SpotKind.park, name={"ja": "", "en": " "}))
        assert error.value.code == "name_required"
        with pytest.raises(SpotError) as error:
            save_spot(
                SpotInput(kind=SpotKind.park, name={"en": "Park"}, latitude=35.7, longitude=None)
            )
        assert error.value.code == "coordinates_incomplete"


def test_merchant_cannot_manage_spots(client, make_user, auth):
    auth.login(make_user())
    assert client.get("/manage/spots").status_code == 403


def test_spots_list_of_the_association_pages(client, make_user, make_spot, auth):
    auth.login(make_user(role=Role.admin))
    for n in range(21):
        make_spot(name_en=f"Shrine {n:02d}", name_ja=f"神社{n:02d}")
    first, second = html(client, "/manage/spots"), html(client, "/manage/spots?page=2")
    assert first.count("/edit") == 20 and "Shrine 20" not in first
    assert 'rel="next" href="/manage/spots?page=2"' in first
    assert second.count("/edit") == 1 and "Shrine 20" in second
    assert "Page 2 of 2" in html(client, "/manage/spots?page=99")


def test_map_lists_stores_and_spots_without_loading_third_party_scripts(
    client, make_store, make_spot
):
    make_store(name_en="Mapped Shop", latitude=35.7, longitude=139.56)
    make_store(name_en="Unmapped Shop")
    make_spot()
    page = html(client, "/map")
    assert "Mapped Shop" in page and "Shimorenjaku Inari Shrine" in page
    assert "Unmapped Shop" not in page
    assert 'src="/static/vendor/leaflet/leaflet.js"' in page
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in page
    # Nothing on the page loads from another host by itself.
    assert not __import__("re").search(r'(src|href)="(https?:)?//[^"]*"[^>]*>\s*</script', page)
    assert 'rel="stylesheet" href="http' not in page


def test_map_tiles_are_configurable(app, client):
    app.config["RALLY_MAP_TILES"] = "https://tiles.example.jp/{z}/{x}/{y}.png"
    app.config["RALLY_MAP_ATTRIBUTION"] = "© Example"
    page = html(client, "/map")
    assert 'data-tiles="https://tiles.example.jp/{z}/{x}/{y}.png"' in page
    assert 'data-attribution="© Example"' in page
    assert "tiles.example.jp" in page


def test_map_strings_for_javascript_are_translated(client):
    page = html(client, "/map", {"Accept-Language": "ja"})
    assert 'data-distance="' in page and "{km}" in page
    assert "Sort by distance" not in page


def test_home_shows_campaigns_events_news_and_the_five_ways(
    client, make_campaign, make_event, make_news
):
    make_campaign(title_en="Winter Rally")
    make_event(title_en="Street market")
    make_news(title_en="Shops open on Sunday")
    page = html(client, "/")
    assert "Winter Rally" in page and "Street market" in page and "Shops open on Sunday" in page
    for way in ("buy", "eat", "play", "walk", "relax"):
        assert f'href="/stores?category={way}"' in page
    assert ">Eat</a>" in page
