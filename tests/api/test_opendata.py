"""Open data: stores, spots and events as CSV in the recommended data sets' columns, with
the association's licence; only what the public sees; no formula in any cell."""

import csv
import io
from datetime import timedelta

from rally.exports.opendata import EVENT_COLUMNS, FACILITY_COLUMNS
from rally.stores.models import StoreStatus
from rally.utils import utcnow


def _read(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # UTF-8 with a BOM, as the site's other CSV files
    return list(csv.DictReader(io.StringIO(text[1:])))


def _header(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.get_data(as_text=True)[1:])))


def test_store_columns_and_values_and_only_approved_stores(client, make_store):
    make_store(name_ja="=HYPERLINK(1)", phone="0422-00-0000", latitude=35.7, longitude=139.5)
    make_store(name_ja="審査中の店", status=StoreStatus.pending)
    response = client.get("/opendata/stores.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert _header(response) == FACILITY_COLUMNS
    assert len(FACILITY_COLUMNS) == 30 and FACILITY_COLUMNS[7] == "POIコード"
    rows = _read(response)
    assert [row["名称"] for row in rows] == ["'=HYPERLINK(1)"]  # neutralised formula
    assert rows[0]["連絡先電話番号"] == "0422-00-0000"
    assert rows[0]["緯度"] == "35.7" and rows[0]["経度"] == "139.5"
    assert rows[0]["URL"].startswith("http://rally.test/")
    assert response.headers["X-Licence"] == "CC BY 4.0"


def test_spots_and_events_only_published(client, make_spot, make_event):
    make_spot(name={"ja": "見える公園"})
    make_spot(name={"ja": "隠れた公園"}, published=False)
    make_event(title={"ja": "夏祭り", "en": "Summer festival"}, capacity=40)
    make_event(title={"ja": "まだ出ない"}, publish_at=utcnow() + timedelta(days=1))
    spots = client.get("/opendata/spots.csv")
    assert [row["名称"] for row in _read(spots)] == ["見える公園"]
    events = client.get("/opendata/events.csv")
    assert _header(events) == EVENT_COLUMNS
    rows = _read(events)
    assert [row["イベント名"] for row in rows] == ["夏祭り"]
    assert rows[0]["イベント名_英語"] == "Summer festival" and rows[0]["定員"] == "40"
    assert rows[0]["場所名称"] == "三鷹駅前"
    assert len(rows[0]["開始日"]) == 10 and len(rows[0]["開始時間"]) == 5


def test_the_page_shows_the_licence_the_association_sets(app, client):
    page = client.get("/opendata/").get_data(as_text=True)
    assert "CC BY 4.0" in page and 'href="/opendata/events.csv"' in page
    app.config["RALLY_OPENDATA_LICENCE"] = "CC0 1.0"
    assert "CC0 1.0" in client.get("/opendata/").get_data(as_text=True)
    assert client.get("/opendata/spots.csv").headers["X-Licence"] == "CC0 1.0"
