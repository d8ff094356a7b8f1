"""schema.org JSON-LD for stores, events and spots, serialised to sit safely in a page.

Search engines read ``<script type="application/ld+json">``; the properties follow Google's
structured-data documentation for LocalBusiness and Event (``tests/seo/test_structured.py``
lists them), and schema.org's TouristAttraction for spots.
"""

import json
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from markupsafe import Markup

from rally.i18n import current_language
from rally.i18n.languages import bcp47
from rally.spots.models import Spot, SpotKind
from rally.stores.models import Category, Store

# The five ways into the district are broad: "eat" holds soba, a bakery and a café, "play" a
# game centre and a toy shop. Only the subtypes every store of a category really is.
STORE_TYPES = {
    Category.buy: "Store",
    Category.eat: "FoodEstablishment",
}
SPOT_TYPES = {
    SpotKind.park: "Park",
    SpotKind.museum: "Museum",
    SpotKind.shrine: "PlaceOfWorship",
    SpotKind.temple: "BuddhistTemple",
    SpotKind.landmark: "LandmarksOrHistoricalBuildings",
}
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
COUNTRY = "JP"


def json_ld(data: dict) -> Markup:
    """``data`` as JSON for a ``<script>`` element: ``<``, ``>`` and ``&`` written as JSON
    escapes, so no text (``</script>`` in a store's name, ``<!--``) can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _address(text: str) -> dict:
    # Addresses are one free-text line ("東京都三鷹市下連雀3-1"), written by the shop.
    address = {"@type": "PostalAddress", "addressCountry": COUNTRY}
    if text:
        address["streetAddress"] = text
    return address


def _geo(item) -> dict | None:
    if item.latitude is None or item.longitude is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": item.latitude, "longitude": item.longitude}


def _hh_mm(moment: time) -> str:
    return moment.strftime("%H:%M")


def opening_hours(hours) -> list[dict]:
    """``StoreHours`` rows as OpeningHoursSpecification, days with equal hours together.

    All day (00:00-00:00 here) is written 00:00-23:59 as Google asks (00:00-00:00 means
    closed there); a closing time before the opening time runs past midnight, as in
    Google's example. Days without a row are closed and left out.
    """
    by_interval: dict[tuple[str, str], list[str]] = {}
    for row in sorted(hours, key=lambda row: (row.weekday, row.opens)):
        opens, closes = _hh_mm(row.opens), _hh_mm(row.closes)
        if opens == closes == "00:00":
            closes = "23:59"
        by_interval.setdefault((opens, closes), []).append(DAYS[row.weekday])
    return [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": days, "opens": opens, "closes": closes}
        for (opens, closes), days in by_interval.items()
    ]


def _compact(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def store_data(store: Store, hours, url: str, image: str) -> dict:
    """A store as LocalBusiness (or ``Store``, ``FoodEstablishment`` by its category)."""
    return _compact(
        {
            "@context": "https://schema.org",
            "@type": STORE_TYPES.get(store.category, "LocalBusiness"),
            "@id": url.split("?")[0],
            "name": store.tr("name"),
            "description": store.tr("description"),
            "address": _address(store.tr("address")),
            "geo": _geo(store),
            "telephone": store.phone,
            "url": url,
            "image": image,
            "openingHoursSpecification": opening_hours(hours),
            "sameAs": [store.website] if store.website.startswith("https://") else [],
        }
    )


def _local_iso(moment: datetime) -> str:
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    return moment.replace(tzinfo=UTC).astimezone(zone).isoformat(timespec="minutes")


ATTENDANCE_MODES = {
    "in_person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "mixed": "https://schema.org/MixedEventAttendanceMode",
}


def event_data(event, url: str, image: str, organizer: str, organizer_url: str) -> dict:
    """An association event as Event: in person at its place, online, or both. The online
    link is for registered residents only: the virtual location points at the event's page."""
    place = event.tr("place")
    mode = str(getattr(event, "mode", "in_person"))
    locations = []
    if mode != "online":
        locations.append(_compact({"@type": "Place", "name": place, "address": _address(place)}))
    if mode != "in_person":
        locations.append({"@type": "VirtualLocation", "url": url})
    return _compact(
        {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": event.tr("title"),
            "description": event.tr("body"),
            "startDate": _local_iso(event.starts_at),
            "endDate": _local_iso(event.ends_at),
            "eventAttendanceMode": ATTENDANCE_MODES.get(mode, ATTENDANCE_MODES["in_person"]),
            "eventStatus": "https://schema.org/EventScheduled",
            "location": locations[0] if len(locations) == 1 else locations,
            "organizer": {"@type": "Organization", "name": organizer, "url": organizer_url},
            "image": [image],
            "url": url,
            "inLanguage": bcp47(current_language()),
        }
    )


def spot_data(spot: Spot, url: str, image: str) -> dict:
    """A spot as TouristAttraction, with its kind's own type beside it."""
    return _compact(
        {
            "@context": "https://schema.org",
            "@type": ["TouristAttraction", SPOT_TYPES.get(spot.kind, "Place")],
            "name": spot.tr("name"),
            "description": spot.tr("description"),
            "address": _address(spot.tr("address")),
            "geo": _geo(spot),
            "image": image,
            "url": url,
        }
    )
