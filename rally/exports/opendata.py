"""Open data: the district's approved stores, published spots and published events as CSV
in the column layout of Japan's recommended open-data sets (推奨データセット) 「観光施設一覧」
and 「イベント一覧」 (see README, "Open data"), under the licence the association sets
(``RALLY_OPENDATA_LICENCE``, CC BY 4.0 unless set). Public, read only, no log-in; only
what the rooms' own public queries give. Cells go through :func:`neutralise` (no formula).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, url_for

from rally.extensions import db
from rally.news.operations import public_events_query
from rally.spots.operations import public_spots_query
from rally.stores.search import directory_query
from rally.utils import utcnow

from .csvfile import csv_text

bp = Blueprint("opendata", __name__, url_prefix="/opendata", template_folder="templates")

# 推奨データセット「観光施設一覧」: every column, in order.
FACILITY_COLUMNS = [
    "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ",
    "名称_英語", "POIコード", "住所", "方書", "緯度", "経度", "利用可能曜日", "開始時間",
    "終了時間", "利用可能日時特記事項", "料金(基本)", "料金(詳細)", "説明", "説明_英語",
    "アクセス方法", "駐車場情報", "バリアフリー情報", "連絡先名称", "連絡先電話番号",
    "連絡先内線番号", "画像", "画像_ライセンス", "URL", "備考",
]  # fmt: skip
# 推奨データセット「イベント一覧」: every column, in order.
EVENT_COLUMNS = [
    "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "イベント名",
    "イベント名_カナ", "イベント名_英語", "開始日", "終了日", "開始時間", "終了時間",
    "開始日時特記事項", "説明", "料金(基本)", "料金(詳細)", "連絡先名称", "連絡先電話番号",
    "連絡先内線番号", "主催者", "場所名称", "住所", "方書", "緯度", "経度", "アクセス方法",
    "駐車場情報", "定員", "参加申込終了日", "参加申込終了時間", "参加申込方法", "URL", "備考",
]  # fmt: skip

DATASETS = ("stores", "spots", "events")


def _site_url(endpoint: str, **values) -> str:
    """An address on the site, with its public base (RALLY_BASE_URL) as the API's."""
    return current_app.config["RALLY_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def licence() -> str:
    return current_app.config["RALLY_OPENDATA_LICENCE"]


def _body(row: dict, columns: list[str]) -> list:
    return [row.get(column, "") for column in columns]


def _local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)


def _common(number: int) -> dict:
    config = current_app.config
    return {
        "都道府県コード又は市区町村コード": config["RALLY_OPENDATA_AREA_CODE"],
        "NO": number,
        "都道府県名": config["RALLY_OPENDATA_PREFECTURE"],
        "市区町村名": config["RALLY_OPENDATA_MUNICIPALITY"],
    }


def _place(place, number: int, url: str, hours_note: str, phone: str = "") -> dict:
    row = _common(number)
    row.update(
        {
            "名称": place.tr("name", "ja"),
            "名称_カナ": place.name_kana,
            "名称_英語": place.tr("name", "en"),
            "住所": place.tr("address", "ja"),
            "緯度": "" if place.latitude is None else place.latitude,
            "経度": "" if place.longitude is None else place.longitude,
            "利用可能日時特記事項": hours_note,
            "説明": place.tr("description", "ja"),
            "説明_英語": place.tr("description", "en"),
            "連絡先電話番号": phone,
            "URL": place.website or url,
            "備考": url,
        }
    )
    return row


def stores_rows() -> list[list]:
    return [
        _body(
            _place(
                store,
                store.id,
                _site_url("directory.store", store_id=store.id),
                store.tr("hours", "ja"),
                store.phone,
            ),
            FACILITY_COLUMNS,
        )
        for store in db.session.scalars(directory_query())
    ]


def spots_rows() -> list[list]:
    return [
        _body(
            _place(
                spot,
                spot.id,
                _site_url("spots.spot", spot_id=spot.id),
                spot.tr("hours", "ja"),
            ),
            FACILITY_COLUMNS,
        )
        for spot in db.session.scalars(public_spots_query())
    ]


def events_rows() -> list[list]:
    rows = []
    district = current_app.config["RALLY_DISTRICT_NAME_JA"]
    for event in db.session.scalars(public_events_query(utcnow())):
        starts, ends = _local(event.starts_at), _local(event.ends_at)
        closes = _local(event.registration_closes_at)
        url = _site_url("news.event", event_id=event.id)
        row = _common(event.id)
        row.update(
            {
                "イベント名": event.tr("title", "ja"),
                "イベント名_カナ": event.title_kana,
                "イベント名_英語": event.tr("title", "en"),
                "開始日": starts.date().isoformat(),
                "終了日": ends.date().isoformat(),
                "開始時間": starts.strftime("%H:%M"),
                "終了時間": ends.strftime("%H:%M"),
                "説明": event.tr("body", "ja"),
                "主催者": district,
                "場所名称": event.tr("place", "ja"),
                "定員": "" if event.capacity is None else event.capacity,
                "参加申込終了日": closes.date().isoformat() if closes else "",
                "参加申込終了時間": closes.strftime("%H:%M") if closes else "",
                "参加申込方法": url if event.takes_registrations else "",
                "URL": url,
            }
        )
        rows.append(_body(row, EVENT_COLUMNS))
    return rows


_TABLES = {
    "stores": (FACILITY_COLUMNS, stores_rows),
    "spots": (FACILITY_COLUMNS, spots_rows),
    "events": (EVENT_COLUMNS, events_rows),
}


@bp.get("/")
def index():
    return render_template("exports/opendata.html", datasets=DATASETS, licence=licence())


@bp.get("/<any(stores, spots, events):name>.csv")
def dataset(name: str):
    columns, rows = _TABLES[name]
    response = Response(csv_text(columns, rows()), mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{name}.csv"'
    response.headers["X-Licence"] = licence()
    response.headers["Link"] = f'<{_site_url("opendata.index")}>; rel="license"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
