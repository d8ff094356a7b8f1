"""When a place is open: weekly ranges, closed dates, public holidays, holiday duty, and the
district's time zone (the code takes naive UTC; the district is Asia/Tokyo)."""

from datetime import date, time

import pytest

from rally.extensions import db
from rally.lifeinfo.models import LifeKind, LifePlace
from rally.lifeinfo.opening import district_time, is_public_holiday, open_at

from .conftest import closed, duty, jst

# 2026-12-07 is a Monday; 2026-12-13 a Sunday; 2026-11-23 (Labour Thanksgiving Day) a
# Monday and a public holiday.
MONDAY, SUNDAY, HOLIDAY = date(2026, 12, 7), date(2026, 12, 13), date(2026, 11, 23)


@pytest.fixture
def open_when(app, make_place):
    def check(place_id, moment_utc):
        with app.app_context():
            place = db.session.get(LifePlace, place_id)
            return open_at(place, district_time(moment_utc))

    return check


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(8, 59, False), (9, 0, True), (11, 59, True), (12, 0, False), (14, 0, False),
     (15, 0, True), (17, 59, True), (18, 0, False)],
)  # fmt: skip
def test_several_ranges_a_weekday(make_place, open_when, hour, minute, expected):
    place = make_place()
    assert open_when(place, jst(2026, 12, 7, hour, minute)) is expected


def test_a_weekday_without_ranges_is_a_day_off(make_place, open_when):
    assert open_when(make_place(), jst(2026, 12, 13, 10)) is False


def test_a_closed_date_closes_the_whole_day(make_place, open_when):
    place = make_place(specials=[closed(MONDAY)])
    assert open_when(place, jst(2026, 12, 7, 10)) is False
    assert open_when(place, jst(2026, 12, 8, 10)) is True


def test_a_public_holiday_closes_a_clinic_that_closes_on_holidays(app, make_place, open_when):
    with app.app_context():
        assert is_public_holiday(HOLIDAY)
    assert open_when(make_place(), jst(2026, 11, 23, 10)) is False


def test_a_hospital_open_on_holidays_stays_open(make_place, open_when):
    place = make_place(kind=LifeKind.hospital, closed_on_holidays=False)
    assert open_when(place, jst(2026, 11, 23, 10)) is True


def test_configured_extra_holidays_count(app, make_place, open_when):
    place = make_place()
    app.config["RALLY_EXTRA_HOLIDAYS"] = ["2026-12-29"]
    assert open_when(place, jst(2026, 12, 29, 10)) is False
    assert open_when(place, jst(2026, 12, 28, 10)) is True


def test_holiday_duty_opens_a_sunday_for_its_hours_only(make_place, open_when):
    place = make_place(specials=[duty(SUNDAY)])
    assert open_when(place, jst(2026, 12, 13, 8, 59)) is False
    assert open_when(place, jst(2026, 12, 13, 9)) is True
    assert open_when(place, jst(2026, 12, 13, 16, 59)) is True
    assert open_when(place, jst(2026, 12, 13, 17)) is False
    # The next Sunday has no duty: a day off again.
    assert open_when(place, jst(2026, 12, 20, 10)) is False


def test_holiday_duty_opens_a_public_holiday(make_place, open_when):
    place = make_place(specials=[duty(HOLIDAY, time(10), time(16))])
    assert open_when(place, jst(2026, 11, 23, 11)) is True
    assert open_when(place, jst(2026, 11, 23, 9, 30)) is False


def test_a_place_without_hours_is_unknown_not_closed(make_place, open_when):
    assert open_when(make_place(kind=LifeKind.shelter, hours={}), jst(2026, 12, 7, 10)) is None


def test_the_day_turns_at_the_districts_midnight_not_utcs(make_place, open_when):
    """Open all Monday only: Sunday 23:59 in Tokyo is 14:59 UTC, Monday 00:00 is 15:00 UTC."""
    place = make_place(hours={0: [(time(0), time(0))]})
    assert open_when(place, jst(2026, 12, 6, 23, 59)) is False
    assert open_when(place, jst(2026, 12, 7, 0, 0)) is True
    assert open_when(place, jst(2026, 12, 7, 23, 59)) is True
    assert open_when(place, jst(2026, 12, 8, 0, 0)) is False


def test_a_range_past_midnight_keeps_the_night_open(make_place, open_when):
    place = make_place(hours={4: [(time(20), time(2))]}, closed_on_holidays=False)
    assert open_when(place, jst(2026, 12, 11, 23)) is True  # Friday night
    assert open_when(place, jst(2026, 12, 12, 1, 30)) is True  # early Saturday
    assert open_when(place, jst(2026, 12, 12, 2)) is False
