"""The public list: nearest first from the station, a landmark or the phone's position;
filters; open now; distances in the reader's language; hidden places and escaping."""

import re
from datetime import time

import pytest

from rally.extensions import db
from rally.lifeinfo import views
from rally.lifeinfo.models import LifeKind
from rally.spots.models import Spot, SpotKind

from .conftest import STATION, duty, jst

EN = {"Accept-Language": "en"}
SUNDAY_10 = jst(2026, 12, 13, 10)  # a Sunday morning in Tokyo
MONDAY_10 = jst(2026, 12, 7, 10)


@pytest.fixture
def at(monkeypatch):
    """Fix the list's clock at a naive UTC moment."""

    def fix(moment):
        monkeypatch.setattr(views, "utcnow", lambda: moment)

    return fix


def names(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r'class="store-card-link" href="/life/\d+">([^<]+)</a>', html)


@pytest.fixture
def district(make_place):
    """Three clinics north of the station at 100 m, 500 m and 2 km; a park; a shelter."""
    return {
        "near": make_place("Near Clinic", north=0.0009, departments=["pediatrics"]),
        "middle": make_place(
            "Middle Clinic", north=0.0045, departments=["internal"], facilities=["wheelchair"]
        ),
        "far": make_place("Far Clinic", north=0.018, departments=["internal"]),
        "park": make_place("Donguri Park", kind=LifeKind.park, north=-0.002, hours={}),
        "shelter": make_place("School Shelter", kind=LifeKind.shelter, north=None, hours={}),
    }


def test_nearest_first_from_the_station_places_without_coordinates_last(client, district, at):
    at(MONDAY_10)
    assert names(client.get("/life", headers=EN)) == [
        "Near Clinic", "Donguri Park", "Middle Clinic", "Far Clinic", "School Shelter",
    ]  # fmt: skip


def test_the_phones_position_in_the_query_string_orders_the_list(client, district, at):
    at(MONDAY_10)
    far_north = f"lat={STATION[0] + 0.018}&lng={STATION[1]}"
    assert names(client.get(f"/life?kind=clinic&{far_north}", headers=EN)) == [
        "Far Clinic", "Middle Clinic", "Near Clinic",
    ]  # fmt: skip


def test_a_chosen_landmark_orders_the_list_without_javascript(app, client, district, at):
    at(MONDAY_10)
    with app.app_context():
        spot = Spot(kind=SpotKind.park, name={"en": "North Park"}, latitude=STATION[0] + 0.02,
                    longitude=STATION[1])  # fmt: skip
        db.session.add(spot)
        db.session.commit()
        key = f"spot-{spot.id}"
    page = client.get("/life", headers=EN)
    assert f'<option value="{key}">North Park</option>' in page.get_data(as_text=True)
    assert names(client.get(f"/life?kind=clinic&near={key}", headers=EN))[0] == "Far Clinic"


def test_a_position_out_of_range_falls_back_to_the_station(client, district, at):
    at(MONDAY_10)
    assert names(client.get("/life?kind=clinic&lat=999&lng=nan", headers=EN))[0] == "Near Clinic"


def test_distances_in_metres_then_kilometres_in_the_readers_language(client, district, at):
    at(MONDAY_10)
    english = client.get("/life?kind=clinic", headers=EN).get_data(as_text=True)
    assert re.findall(r'data-testid="distance">([^<]+)<', english) == ["100 m", "500 m", "2.0 km"]
    japanese = client.get("/life?kind=clinic").get_data(as_text=True)
    assert re.findall(r'data-testid="distance">([^<]+)<', japanese)[0] == "100 m"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=park", ["Donguri Park"]),
        ("department=internal", ["Middle Clinic", "Far Clinic"]),
        ("facility=wheelchair", ["Middle Clinic"]),
        ("department=internal&kind=park", []),
        ("kind=nonsense&department=nonsense", None),  # unknown values filter nothing
    ],
)
def test_filters(client, district, at, query, expected):
    at(MONDAY_10)
    found = names(client.get(f"/life?{query}", headers=EN))
    assert found == (expected if expected is not None else names(client.get("/life", headers=EN)))


def test_open_now_shows_the_nearest_clinic_open_on_sunday_the_duty_one(client, make_place, at):
    make_place("Closed Sunday Clinic", north=0.0005)
    make_place("Duty Clinic", north=0.004, specials=[duty(SUNDAY_10.date())])
    make_place("Far Duty Clinic", north=0.01, specials=[duty(SUNDAY_10.date(), time(8))])
    at(SUNDAY_10)
    page = client.get("/life?kind=clinic&open_now=y", headers=EN)
    assert names(page) == ["Duty Clinic", "Far Duty Clinic"]
    assert '<span class="open-now open">Open now</span>' in page.get_data(as_text=True)
    everything = client.get("/life?kind=clinic", headers=EN)
    assert names(everything)[0] == "Closed Sunday Clinic"
    html = everything.get_data(as_text=True)
    assert html.index("Closed now</span>") < html.index("Open now</span>")


def test_hidden_places_stay_out_of_the_list_map_and_page(client, make_place, at):
    at(MONDAY_10)
    hidden = make_place("Hidden Clinic", published=False)
    assert "Hidden Clinic" not in client.get("/life", headers=EN).get_data(as_text=True)
    assert "Hidden Clinic" not in client.get("/life/map", headers=EN).get_data(as_text=True)
    assert client.get(f"/life/{hidden}").status_code == 404


def test_names_and_texts_are_escaped(client, make_place, at):
    at(MONDAY_10)
    place = make_place(
        "<script>alert(1)</script>", description={"en": "<img src=x onerror=alert(1)>"}
    )
    for url in ("/life", f"/life/{place}", "/life/map"):
        html = client.get(url, headers=EN).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in client.get(f"/life/{place}", headers=EN).get_data(as_text=True)


def test_the_place_page_highlights_today_and_lists_duty_dates(client, make_place, at):
    at(SUNDAY_10)
    place = make_place("Duty Clinic", phone="0422-40-2202", specials=[duty(SUNDAY_10.date())])
    html = client.get(f"/life/{place}", headers=EN).get_data(as_text=True)
    today = re.search(r'<tr class="today" aria-current="date"[^>]*>\s*<th scope="row">(\w+)', html)
    assert today.group(1) == "Sunday"
    today_row = html[today.start() : html.index("</tr>", today.start())]
    assert "Holiday duty 09:00–17:00" in today_row  # the duty replaces "Closed" today
    assert '<span class="open-now open">Open now</span>' in html
    assert "Sunday, December 13, 2026: 09:00–17:00" in html
    assert 'href="tel:0422402202"' in html
    assert "https://www.google.com/maps/dir/?api=1&amp;destination=" in html
    japanese = client.get(f"/life/{place}").get_data(as_text=True)
    assert "2026年12月13日日曜日: 09:00–17:00" in japanese
