"""Places of daily life built for tests: ``make_place(...)`` returns the place's id."""

from datetime import date, datetime, time, timedelta

import pytest

from rally.extensions import db
from rally.lifeinfo.models import LifeCorrection, LifeKind, LifePlace, LifeSpecialDate, SpecialKind
from rally.lifeinfo.operations import PlaceInput, save_place, set_hours
from tests.notifications.conftest import make_resident  # noqa: F401 (a fixture)

STATION = (35.7027, 139.5606)
WEEKDAYS_9_TO_6 = {day: [(time(9), time(12)), (time(15), time(18))] for day in range(5)}


def jst(year, month, day, hour, minute=0) -> datetime:
    """A district (Asia/Tokyo) wall-clock time as the naive UTC the code takes."""
    return datetime(year, month, day, hour, minute) - timedelta(hours=9)


@pytest.fixture
def make_place(app):
    def make(
        name_en="Clinic",
        name_ja=None,
        kind=LifeKind.clinic,
        north=0.0,
        east=0.0,
        hours=None,
        specials=(),
        **extra,
    ):
        with app.app_context():
            coordinates = {}
            if north is not None:
                coordinates = {"latitude": STATION[0] + north, "longitude": STATION[1] + east}
            place = save_place(
                PlaceInput(
                    kind=kind,
                    name={"en": name_en, "ja": name_ja or f"{name_en}（日本語）"},
                    **coordinates,
                    **extra,
                )
            )
            set_hours(place, WEEKDAYS_9_TO_6 if hours is None else hours)
            for on, special_kind, opens, closes in specials:
                place.special_dates.append(
                    LifeSpecialDate(on=on, kind=special_kind, opens=opens, closes=closes)
                )
            db.session.commit()
            return place.id

    return make


def duty(on: date, opens=time(9), closes=time(17)):
    return (on, SpecialKind.duty, opens, closes)


def closed(on: date):
    return (on, SpecialKind.closed, None, None)


@pytest.fixture
def state_of(app):
    """``(state, answer)`` of a correction, read again from the database."""

    def read(correction_id):
        with app.app_context():
            row = db.session.get(LifeCorrection, correction_id)
            return row.state.value, row.answer

    return read


@pytest.fixture
def place_row(app):
    def read(place_id):
        with app.app_context():
            place = db.session.get(LifePlace, place_id)
            db.session.expunge(place)
            return place

    return read
