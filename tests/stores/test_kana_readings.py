"""Readings in katakana (フリガナ) of store and spot names and event titles: typed in
hiragana or katakana, kept in full-width katakana, refused with a clear message otherwise,
and published in the open data's 名称_カナ / イベント名_カナ columns."""

import csv
import io

import pytest

from rally.auth.models import Role
from rally.extensions import db
from rally.forms import katakana_reading
from rally.news.models import Event
from rally.spots.models import Spot
from rally.stores.models import Store

from .test_merchant_stores import PROFILE

JA = {"Accept-Language": "ja"}
EN = {"Accept-Language": "en"}


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("みたかせいか やおたつ", "ミタカセイカ ヤオタツ"),  # hiragana become katakana
        ("ﾐﾀｶ ｾｲｶ", "ミタカ セイカ"),  # half-width katakana are widened
        ("  コーヒー\u3000 トモシビ ", "コーヒー トモシビ"),  # one space between words
        ("ヴぁいおりん", "ヴァイオリン"),
        ("", ""),
    ],
)
def test_a_reading_is_kept_in_full_width_katakana(typed, kept):
    assert katakana_reading(typed) == kept


def _store_form(**changes):
    return {**PROFILE, **changes}


def test_the_merchant_types_the_reading_in_hiragana(client, auth, merchant, own_store, app):
    auth.login(merchant)
    page = client.get(f"/merchant/stores/{own_store}/edit", headers=JA).get_data(as_text=True)
    assert 'name="name_kana"' in page and "読み仮名" in page
    response = client.post(
        f"/merchant/stores/{own_store}/edit", data=_store_form(name_kana="やおたつ")
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Store, own_store).name_kana == "ヤオタツ"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (JA, "カタカナかひらがなで"),
        (EN, "Please write the reading in katakana or hiragana"),
    ],
)
def test_a_reading_in_kanji_is_refused_and_nothing_is_saved(
    client, auth, merchant, own_store, app, headers, message
):
    auth.login(merchant)
    response = client.post(
        f"/merchant/stores/{own_store}/edit",
        data=_store_form(name_kana="八百辰", **{"name-en": "Changed"}),
        headers=headers,
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'id="name_kana-error"' in page and 'aria-invalid="true"' in page
    with app.app_context():
        store = db.session.get(Store, own_store)
        assert store.name_kana == "" and store.name.get("en") != "Changed"


def test_spot_and_event_readings_reach_the_open_data(client, auth, make_user, app):
    auth.login(make_user(role=Role.admin))
    spot = client.post(
        "/manage/spots/new",
        data={"kind": "museum", "name-ja": "まちかど文学館", "name_kana": "まちかどぶんがくかん",
              "published": "y"},
    )  # fmt: skip
    assert spot.status_code == 303
    event = client.post(
        "/manage/events/new",
        data={"title-ja": "もちつき大会", "title_kana": "モチツキタイカイ",
              "starts_at": "2030-01-10T10:00", "ends_at": "2030-01-10T12:00",
              "mode": "in_person"},
    )  # fmt: skip
    assert event.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Spot.name_kana)) == "マチカドブンガクカン"
        assert db.session.scalar(db.select(Event.title_kana)) == "モチツキタイカイ"

    def rows(name):
        text = client.get(f"/opendata/{name}.csv").get_data(as_text=True)
        return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))

    assert [row["名称_カナ"] for row in rows("spots")] == ["マチカドブンガクカン"]
    assert [row["イベント名_カナ"] for row in rows("events")] == ["モチツキタイカイ"]


def test_a_stores_reading_reaches_the_open_data(client, make_store):
    make_store(name_ja="珈琲 ともしび", name_kana="コーヒー トモシビ")
    text = client.get("/opendata/stores.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    readings = [(row["名称"], row["名称_カナ"]) for row in rows]
    assert readings == [("珈琲 ともしび", "コーヒー トモシビ")]
