"""The association's pages: places with weekly hours that work without JavaScript, special
dates, validation errors in the editor's language, and who may use them."""

from datetime import date, time

import pytest
from sqlalchemy import func, select

from rally.extensions import db
from rally.lifeinfo.models import LifeHours, LifePlace, LifeSpecialDate

from .conftest import closed

EN = {"Accept-Language": "en"}


def place_form(**changes) -> dict:
    data = {
        "kind": "clinic",
        "area_id": "",
        "name-ja": "ひまわり内科",
        "name-en": "Himawari Clinic",
        "latitude": "35.70",
        "longitude": "139.56",
        "phone": "0422-11-2233",
        "departments": ["internal", "pediatrics"],
        "facilities": ["wheelchair"],
        "closed_on_holidays": "y",
        "published": "y",
        "hours_0": "9:00-12:00, 15:00-18:00",
        "hours_5": "9:00-12:00",
    }
    data.update(changes)
    return data


def rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_association_creates_a_place_with_several_ranges_a_day(app, admin_client):
    assert admin_client.get("/admin/life/new", headers=EN).status_code == 200
    response = admin_client.post("/admin/life/new", data=place_form())
    assert response.status_code == 303
    with app.app_context():
        place = db.session.scalar(select(LifePlace))
        assert place.tr("name", "en") == "Himawari Clinic"
        assert place.departments == ["internal", "pediatrics"]
        assert [(r.weekday, r.opens, r.closes) for r in place.hours] == [
            (0, time(9), time(12)), (0, time(15), time(18)), (5, time(9), time(12)),
        ]  # fmt: skip
        place_id = place.id
    edit = admin_client.get(f"/admin/life/{place_id}/edit", headers=EN).text
    assert 'value="09:00-12:00, 15:00-18:00"' in edit


def test_24_00_means_all_day(app, admin_client):
    admin_client.post("/admin/life/new", data=place_form(hours_0="0:00-24:00"))
    with app.app_context():
        row = db.session.scalar(select(LifeHours))
        assert (row.opens, row.closes) == (time(0), time(0))


@pytest.mark.parametrize(
    ("changes", "english", "japanese"),
    [
        ({"hours_2": "9-12"}, "Write the hours as 9:00-12:00", "時間は 9:00-12:00 のように"),
        ({"hours_2": "25:00-26:00"}, "Write the hours as 9:00-12:00", "時間は 9:00-12:00 のように"),
        ({"hours_2": "9:00-9:00"}, "Opening and closing times must differ", None),
        ({"name-ja": "", "name-en": ""}, "Please enter a name in at least one language.", None),
        ({"longitude": ""}, "Please enter both the latitude and the longitude", None),
        ({"phone": "call me"}, "Enter a phone number with digits", "電話番号は数字"),
    ],
)
def test_invalid_places_are_refused_in_the_editors_language(
    app, admin_client, changes, english, japanese
):
    response = admin_client.post("/admin/life/new", data=place_form(**changes), headers=EN)
    assert response.status_code == 400
    assert english in response.text
    if japanese:
        assert japanese in admin_client.post("/admin/life/new", data=place_form(**changes)).text
    assert rows(app, LifePlace) == 0 and rows(app, LifeHours) == 0


def test_special_dates_duty_needs_hours(app, admin_client, make_place):
    place = make_place()
    url = f"/admin/life/{place}/dates"
    refused = admin_client.post(url, data={"on": "2026-12-13", "kind": "duty"}, headers=EN)
    assert refused.status_code == 400
    assert "Please enter the duty hours" in refused.text
    assert rows(app, LifeSpecialDate) == 0
    done = admin_client.post(
        url, data={"on": "2026-12-13", "kind": "duty", "opens": "09:00", "closes": "17:00"}
    )
    assert done.status_code == 303
    admin_client.post(url, data={"on": "2026-12-31", "kind": "closed", "opens": "09:00"})
    with app.app_context():
        dates = list(db.session.scalars(select(LifeSpecialDate).order_by(LifeSpecialDate.on)))
        assert [(d.kind.value, d.opens) for d in dates] == [("duty", time(9)), ("closed", None)]
        special = dates[0].id
    admin_client.post(f"/admin/life/{place}/dates/{special}/delete")
    assert rows(app, LifeSpecialDate) == 1


def test_a_date_of_another_place_is_not_deleted_through_this_one(app, admin_client, make_place):
    make_place(specials=[closed(date(2026, 12, 31))])
    second = make_place("Other")
    with app.app_context():
        special = db.session.scalar(select(LifeSpecialDate.id))
    response = admin_client.post(f"/admin/life/{second}/dates/{special}/delete")
    assert response.status_code == 404
    assert rows(app, LifeSpecialDate) == 1


@pytest.mark.parametrize("who", ["anonymous", "merchant"])
def test_only_the_association_manages_the_directory(app, client, merchant_client, make_place, who):
    asker = client if who == "anonymous" else merchant_client
    place = make_place()
    for url in ("/admin/life/", "/admin/life/new", f"/admin/life/{place}/edit"):
        assert asker.get(url).status_code in (302, 403)
    assert asker.post("/admin/life/new", data=place_form()).status_code in (302, 403)
    deleted = asker.post(f"/admin/life/{place}/delete", data={"confirmed": "1"})
    assert deleted.status_code in (302, 403)
    assert rows(app, LifePlace) == 1


def test_the_association_deletes_a_place(app, admin_client, make_place):
    place = make_place()
    asked = admin_client.post(f"/admin/life/{place}/delete", headers=EN)
    assert asked.status_code == 200 and rows(app, LifePlace) == 1
    done = admin_client.post(f"/admin/life/{place}/delete", data={"confirmed": "1"})
    assert done.status_code == 303 and rows(app, LifePlace) == 0
