"""Events as iCalendar (RFC 5545) files: one event to add to a phone's calendar, and the
calendar feed of every published event, written by the ``icalendar`` library.

The online link goes only into the file of a resident registered for the event (the
caller passes it); a feed and anybody else's file say where the details are instead.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app, url_for
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from rally.i18n import district_name

from .models import Event

PRODID = "-//Rally//Events//EN"


def _absolute(endpoint: str, **values) -> str:
    return current_app.config["RALLY_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _component(event: Event, lang: str, online_link: str | None) -> CalendarEvent:
    host = urlsplit(current_app.config["RALLY_BASE_URL"]).hostname or "rally"
    page = _absolute("news.event", event_id=event.id)
    item = CalendarEvent()
    item.add("uid", f"event-{event.id}@{host}")
    item.add("dtstamp", _utc(event.updated_at))
    item.add("last-modified", _utc(event.updated_at))
    item.add("dtstart", _utc(event.starts_at))
    item.add("dtend", _utc(event.ends_at))
    item.add("summary", event.tr("title", lang))
    description = [event.tr("body", lang), page]
    if online_link:
        description.insert(0, online_link)
    item.add("description", "\n\n".join(filter(None, description)))
    location = event.tr("place", lang) if event.is_in_person else ""
    if online_link:
        location = ", ".join(filter(None, [location, online_link]))
    if location:
        item.add("location", location)
    item.add("url", page)
    return item


def calendar_file(
    events: Iterable[Event], lang: str, online_link: Callable[[Event], str | None]
) -> bytes:
    """An iCalendar file of ``events`` in ``lang``.

    :param online_link: the online link to write for an event, or ``None`` (anybody not
        registered for it, and every feed).
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", district_name(lang))
    for event in events:
        calendar.add_component(_component(event, lang, online_link(event)))
    return calendar.to_ical()
