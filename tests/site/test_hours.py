"""The "open now" rule, in the district's local time."""

from datetime import datetime, time

from rally.stores.hours import StoreHours, is_open

MONDAY = datetime(2026, 11, 23)  # a Monday


def hours(*rows):
    return [StoreHours(weekday=w, opens=o, closes=c) for w, o, c in rows]


def test_no_structured_hours_means_unknown():
    assert is_open([], MONDAY) is None


def test_open_inside_the_interval_closed_outside():
    week = hours((0, time(10), time(19)))
    assert is_open(week, MONDAY.replace(hour=10)) is True
    assert is_open(week, MONDAY.replace(hour=18, minute=59)) is True
    assert is_open(week, MONDAY.replace(hour=19)) is False
    assert is_open(week, MONDAY.replace(hour=9, minute=59)) is False


def test_closed_on_a_day_without_hours():
    assert is_open(hours((0, time(10), time(19))), datetime(2026, 11, 24, 12)) is False


def test_hours_past_midnight_count_on_the_next_morning():
    week = hours((0, time(17), time(1)))  # Monday 17:00 to Tuesday 01:00
    assert is_open(week, MONDAY.replace(hour=23)) is True
    assert is_open(week, datetime(2026, 11, 24, 0, 30)) is True
    assert is_open(week, datetime(2026, 11, 24, 1, 0)) is False
    assert is_open(week, MONDAY.replace(hour=0, minute=30)) is False  # Sunday night: closed


def test_split_day():
    week = hours((0, time(11), time(14)), (0, time(17), time(22)))
    assert is_open(week, MONDAY.replace(hour=15)) is False
    assert is_open(week, MONDAY.replace(hour=18)) is True


def test_store_page_uses_the_district_time_zone(app, client, make_store):
    """02:00 UTC is 11:00 in Tokyo: a shop open 10-12 local is open, whatever the server zone."""
    from unittest import mock

    from rally.extensions import db

    store_id = make_store()
    with app.app_context():
        for weekday in range(7):
            db.session.add(
                StoreHours(store_id=store_id, weekday=weekday, opens=time(10), closes=time(12))
            )
        db.session.commit()
    with mock.patch("rally.stores.directory.utcnow", return_value=datetime(2026, 11, 23, 2)):
        html = client.get(f"/stores/{store_id}", headers={"Accept-Language": "en"}).get_data(
            as_text=True
        )
    assert "Open now" in html
    with mock.patch("rally.stores.directory.utcnow", return_value=datetime(2026, 11, 23, 11)):
        html = client.get(f"/stores/{store_id}", headers={"Accept-Language": "en"}).get_data(
            as_text=True
        )
    assert "Closed now" in html
