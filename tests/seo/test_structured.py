"""schema.org JSON-LD on store, event and spot pages, checked against what search engines
require and recommend, and safe in the page whatever a shop names itself."""

import json
import re
from datetime import time

import pytest

from rally.extensions import db
from rally.stores.hours import StoreHours
from rally.stores.models import Category

from .conftest import json_ld

# Google Search Central, "Local business (LocalBusiness) structured data"
# (https://developers.google.com/search/docs/appearance/structured-data/local-business):
# required properties, and the recommended ones.
LOCAL_BUSINESS_REQUIRED = {"address", "name"}
LOCAL_BUSINESS_RECOMMENDED = {
    "aggregateRating",
    "department",
    "geo",
    "menu",
    "openingHoursSpecification",
    "priceRange",
    "review",
    "servesCuisine",
    "telephone",
    "url",
}
# Recommended there, but Rally keeps no such data (no ratings, reviews, menus, prices,
# cuisines or departments): better absent than made up.
LOCAL_BUSINESS_NOT_KEPT = {
    "aggregateRating",
    "department",
    "menu",
    "priceRange",
    "review",
    "servesCuisine",
}
POSTAL_ADDRESS_RECOMMENDED = {"streetAddress", "addressCountry"}  # of the five listed there
GEO_REQUIRED = {"latitude", "longitude"}
OPENING_HOURS_REQUIRED = {"dayOfWeek", "opens", "closes"}

# Google Search Central, "Event (Event) structured data"
# (https://developers.google.com/search/docs/appearance/structured-data/event).
EVENT_REQUIRED = {"location", "name", "startDate"}
EVENT_LOCATION_REQUIRED = {"address"}
EVENT_RECOMMENDED = {
    "description",
    "endDate",
    "eventAttendanceMode",
    "eventStatus",
    "image",
    "offers",
    "organizer",
    "performer",
    "previousStartDate",
}
# Association events are free and without performers; previousStartDate is only for
# rescheduled events, which Rally does not record.
EVENT_NOT_KEPT = {"offers", "performer", "previousStartDate"}
EVENT_ORGANIZER_RECOMMENDED = {"name", "url"}

# Google has no rich result for tourist attractions; schema.org's TouristAttraction (a Place)
# and the properties the issue asks for (https://schema.org/TouristAttraction).
TOURIST_ATTRACTION_EXPECTED = {"name", "address", "geo", "image"}


def one_block(client, path) -> dict:
    response = client.get(path)
    assert response.status_code == 200
    [data] = json_ld(response.get_data(as_text=True))
    assert data["@context"] == "https://schema.org"
    return data


@pytest.fixture
def store_with_hours(app, make_store):
    store_id = make_store(
        name_en="Mugi-no-ho Bakery",
        description_en="Bread baked at dawn.",
        category=Category.eat,
        phone="0422-12-3456",
        latitude=35.7015,
        longitude=139.5600,
    )
    with app.app_context():
        for weekday in range(5):  # Monday to Friday 07:00-19:00
            db.session.add(
                StoreHours(store_id=store_id, weekday=weekday, opens=time(7), closes=time(19))
            )
        db.session.add(StoreHours(store_id=store_id, weekday=5, opens=time(18), closes=time(2)))
        db.session.add(StoreHours(store_id=store_id, weekday=6, opens=time(0), closes=time(0)))
        db.session.commit()
    return store_id


def test_a_store_is_a_local_business_with_what_search_engines_ask_for(client, store_with_hours):
    data = one_block(client, f"/stores/{store_with_hours}?lang=en")
    assert data["@type"] == "FoodEstablishment"  # a LocalBusiness subtype, by its category
    assert LOCAL_BUSINESS_REQUIRED <= data.keys()
    assert LOCAL_BUSINESS_RECOMMENDED - LOCAL_BUSINESS_NOT_KEPT <= data.keys()
    assert data["name"] == "Mugi-no-ho Bakery"
    assert data["address"]["@type"] == "PostalAddress"
    assert POSTAL_ADDRESS_RECOMMENDED <= data["address"].keys()
    assert data["address"]["addressCountry"] == "JP"
    assert data["geo"]["@type"] == "GeoCoordinates" and GEO_REQUIRED <= data["geo"].keys()
    assert data["telephone"] == "0422-12-3456"
    assert data["url"] == f"http://rally.test/stores/{store_with_hours}?lang=en"
    assert data["image"] == f"http://rally.test/og/store/{store_with_hours}.png?lang=en"


def test_opening_hours_come_from_the_weekly_hours_the_shop_set(client, store_with_hours):
    hours = one_block(client, f"/stores/{store_with_hours}?lang=en")["openingHoursSpecification"]
    for spec in hours:
        assert spec["@type"] == "OpeningHoursSpecification"
        assert OPENING_HOURS_REQUIRED <= spec.keys()
    assert [(spec["dayOfWeek"], spec["opens"], spec["closes"]) for spec in hours] == [
        (["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], "07:00", "19:00"),
        (["Saturday"], "18:00", "02:00"),  # past midnight, as in Google's example
        (["Sunday"], "00:00", "23:59"),  # all day; 00:00-00:00 would say "closed"
    ]


def test_a_store_without_hours_or_coordinates_leaves_them_out(client, make_store):
    store_id = make_store(category=Category.relax)
    data = one_block(client, f"/stores/{store_id}?lang=en")
    assert data["@type"] == "LocalBusiness"  # "relax" holds baths, salons and cafés
    assert LOCAL_BUSINESS_REQUIRED <= data.keys()
    assert not {"geo", "openingHoursSpecification", "telephone"} & data.keys()


@pytest.mark.parametrize(
    "category, schema_type",
    [
        (Category.buy, "Store"),
        (Category.eat, "FoodEstablishment"),
        (Category.play, "LocalBusiness"),
    ],
)
def test_the_type_follows_the_category(client, make_store, category, schema_type):
    assert one_block(client, f"/stores/{make_store(category=category)}")["@type"] == schema_type


def test_a_name_cannot_break_out_of_the_script_element(client, make_store):
    name = "</script><script>alert(1)</script><!-- & Co"
    store_id = make_store(name_ja=name, name_en=name)
    html = client.get(f"/stores/{store_id}?lang=en").get_data(as_text=True)
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert not re.search(r"[<>&]", block)
    assert json.loads(block)["name"] == name
    assert "<script>alert(1)" not in html


def test_an_event_has_what_search_engines_ask_for(client, make_event):
    event_id = make_event(body_en="Pounding rice cakes together.", starts=3, hours=2)
    data = one_block(client, f"/events/{event_id}?lang=en")
    assert data["@type"] == "Event"
    assert EVENT_REQUIRED <= data.keys()
    assert EVENT_RECOMMENDED - EVENT_NOT_KEPT <= data.keys()
    assert data["name"] == "Mochi festival"
    assert data["location"]["@type"] == "Place" and data["location"]["name"] == "Shrine"
    assert EVENT_LOCATION_REQUIRED <= data["location"].keys()
    assert data["location"]["address"]["addressCountry"] == "JP"
    assert data["startDate"].endswith("+09:00") and data["endDate"] > data["startDate"]
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["organizer"]["@type"] == "Organization"
    assert EVENT_ORGANIZER_RECOMMENDED <= data["organizer"].keys()
    assert data["organizer"]["name"] == "Mitaka Station Shopping District"


def test_a_spot_is_a_tourist_attraction(client, make_spot):
    spot_id = make_spot(address_en="4-1 Shimorenjaku, Mitaka")
    data = one_block(client, f"/spots/{spot_id}?lang=en")
    assert data["@type"] == ["TouristAttraction", "PlaceOfWorship"]
    assert TOURIST_ATTRACTION_EXPECTED <= data.keys()
    assert data["address"]["streetAddress"] == "4-1 Shimorenjaku, Mitaka"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 35.6972, "longitude": 139.5612}


def test_lists_and_other_pages_carry_no_json_ld(client, make_store):
    make_store()
    for path in ("/", "/stores", "/news", "/events", "/spots"):
        assert json_ld(client.get(path).get_data(as_text=True)) == [], path
