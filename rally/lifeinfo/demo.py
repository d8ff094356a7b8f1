"""The demo district's daily-life directory (``flask --app rally demo``): clinics (one on
holiday duty this Sunday), a hospital, parks, a child-care support centre and shelters around
Mitaka station. The places are fictional; their kinds follow PIAZZA's daily-life pages.

Idempotent: a place is found by its Japanese name; the duty date is added once per Sunday.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from rally.extensions import db
from rally.i18n.content import texts_sql

from .models import LifeKind, LifePlace, LifeSpecialDate, SpecialKind
from .opening import district_time
from .operations import PlaceInput, save_place, set_hours

WEEKDAYS = range(0, 5)  # Monday to Friday


def _ranges(*pairs: str) -> list[tuple[time, time]]:
    result = []
    for pair in pairs:
        opens, closes = pair.split("-")
        result.append((time.fromisoformat(opens), time.fromisoformat(closes)))
    return result


def _week(days, *pairs: str) -> dict:
    return {day: _ranges(*pairs) for day in days}


CLINIC_MORNING_EVENING = {
    **_week(WEEKDAYS, "09:00-12:00", "15:00-18:00"),
    5: _ranges("09:00-12:00"),
}
ALL_DAY = _week(range(7), "00:00-00:00")

# (kind, {lang: name}, {lang: description}, (address ja, address en), offset from the
# station (north, east) in degrees, phone, extra values, weekly hours)
PLACES = [
    (
        LifeKind.clinic,
        {
            "ja": "さくら こどもクリニック",
            "en": "Sakura Children's Clinic",
            "zh_Hans": "樱花儿童诊所",
            "zh_Hant": "櫻花兒童診所",
            "ko": "사쿠라 어린이 클리닉",
        },
        {
            "ja": "小児科・予防接種・乳幼児健診。授乳室とベビーカー置き場があります。",
            "en": "Pediatrics, vaccinations and infant check-ups. Nursing room and stroller space.",
        },
        ("東京都三鷹市下連雀3-35-1 2階", "2F, 3-35-1 Shimorenjaku, Mitaka, Tokyo"),
        (-0.0020, 0.0012),
        "0422-40-1101",
        {
            "departments": ["pediatrics"],
            "facilities": ["nursing_room", "diaper_changing", "stroller", "toilet"],
        },
        CLINIC_MORNING_EVENING,
    ),
    (
        LifeKind.clinic,
        {
            "ja": "駅前ないか内科",
            "en": "Ekimae Naika Internal Medicine",
            "zh_Hans": "站前内科诊所",
            "zh_Hant": "站前內科診所",
            "ko": "역앞 내과",
        },
        {
            "ja": "内科・発熱外来。今週日曜日は休日当番医です。英語で受診できます。",
            "en": "Internal medicine and a fever clinic. On holiday duty this Sunday. "
            "English spoken.",
        },
        ("東京都三鷹市下連雀3-24-3", "3-24-3 Shimorenjaku, Mitaka, Tokyo"),
        (-0.0010, -0.0008),
        "0422-40-2202",
        {
            "departments": ["internal", "pediatrics"],
            "facilities": ["wheelchair", "english", "toilet"],
        },
        CLINIC_MORNING_EVENING,
    ),
    (
        LifeKind.clinic,
        {
            "ja": "みたか歯科",
            "en": "Mitaka Dental Office",
            "zh_Hans": "三鹰牙科",
            "zh_Hant": "三鷹牙科",
            "ko": "미타카 치과",
        },
        {
            "ja": "一般歯科・小児歯科。土曜も診療。",
            "en": "General and children's dentistry, open on Saturdays.",
        },
        ("東京都三鷹市上連雀1-12-5", "1-12-5 Kamirenjaku, Mitaka, Tokyo"),
        (0.0016, 0.0004),
        "0422-40-3303",
        {"departments": ["dental"], "facilities": ["toilet"]},
        {**_week(WEEKDAYS, "10:00-13:00", "14:30-19:00"), 5: _ranges("09:30-13:00")},
    ),
    (
        LifeKind.hospital,
        {
            "ja": "三鷹中央病院",
            "en": "Mitaka Central Hospital",
            "zh_Hans": "三鹰中央医院",
            "zh_Hant": "三鷹中央醫院",
            "ko": "미타카 중앙병원",
        },
        {
            "ja": "救急外来は24時間。外来の受付は平日8:30〜11:30です。",
            "en": "Emergency room open 24 hours. Outpatient reception on weekdays 8:30-11:30.",
        },
        ("東京都三鷹市新川6-20-2", "6-20-2 Shinkawa, Mitaka, Tokyo"),
        (-0.0150, 0.0060),
        "0422-44-1111",
        {
            "departments": ["internal", "pediatrics", "surgery", "orthopedics", "obstetrics"],
            "facilities": ["wheelchair", "nursing_room", "parking", "toilet", "english"],
            "closed_on_holidays": False,
        },
        ALL_DAY,
    ),
    (
        LifeKind.park,
        {
            "ja": "玉川上水緑道",
            "en": "Tamagawa Josui Greenway",
            "zh_Hans": "玉川上水绿道",
            "zh_Hant": "玉川上水綠道",
            "ko": "다마가와조스이 녹도",
        },
        {
            "ja": "駅南口から続く散歩道。ベンチと木陰が多く、ベビーカーでも歩きやすい。",
            "en": "A shady walk from the south exit, with benches; easy with a stroller.",
        },
        ("東京都三鷹市下連雀2丁目", "2-chome Shimorenjaku, Mitaka, Tokyo"),
        (-0.0008, 0.0030),
        "",
        {"facilities": ["stroller"]},
        ALL_DAY,
    ),
    (
        LifeKind.playground,
        {
            "ja": "下連雀どんぐり公園",
            "en": "Donguri Playground",
            "zh_Hans": "下连雀橡果公园",
            "zh_Hant": "下連雀橡果公園",
            "ko": "도토리 놀이터",
        },
        {
            "ja": "すべり台と砂場のある小さな公園。トイレあり。",
            "en": "A small park with a slide and a sandpit. Toilets.",
        },
        ("東京都三鷹市下連雀4-5", "4-5 Shimorenjaku, Mitaka, Tokyo"),
        (-0.0040, -0.0020),
        "",
        {"facilities": ["toilet", "stroller"]},
        ALL_DAY,
    ),
    (
        LifeKind.childcare,
        {
            "ja": "すくすくひろば 子育て支援センター",
            "en": "Sukusuku Child-Care Support Centre",
            "zh_Hans": "茁壮广场 育儿支援中心",
            "zh_Hant": "茁壯廣場 育兒支援中心",
            "ko": "쑥쑥광장 육아지원센터",
        },
        {
            "ja": "0〜3歳の親子がいつでも遊べるひろば。育児相談も。予約不要・無料。",
            "en": "A free drop-in room for children up to 3 and their parents, with advice on "
            "child care. No booking needed.",
        },
        ("東京都三鷹市下連雀3-30-12", "3-30-12 Shimorenjaku, Mitaka, Tokyo"),
        (-0.0025, 0.0022),
        "0422-40-5505",
        {"facilities": ["nursing_room", "diaper_changing", "stroller", "toilet"]},
        {**_week(range(0, 6), "09:30-16:30")},
    ),
    (
        LifeKind.shelter,
        {
            "ja": "第一小学校（指定避難所）",
            "en": "Daiichi Elementary School (shelter)",
            "zh_Hans": "第一小学（指定避难所）",
            "zh_Hant": "第一小學（指定避難所）",
            "ko": "제1초등학교 (지정 대피소)",
        },
        {
            "ja": "地震・火災の際の避難所。体育館を開放します。",
            "en": "Shelter for earthquakes and fires; the gym opens.",
        },
        ("東京都三鷹市下連雀5-1-1", "5-1-1 Shimorenjaku, Mitaka, Tokyo"),
        (-0.0060, -0.0010),
        "",
        {
            "designated_shelter": True,
            "evacuation_site": True,
            "hazards": ["earthquake", "fire"],
            "capacity": 850,
            "facilities": ["toilet", "wheelchair"],
        },
        {},
    ),
    (
        LifeKind.shelter,
        {
            "ja": "井の頭恩賜公園（広域避難場所）",
            "en": "Inokashira Park (evacuation site)",
            "zh_Hans": "井之头恩赐公园（广域避难场所）",
            "zh_Hant": "井之頭恩賜公園（廣域避難場所）",
            "ko": "이노카시라 공원 (광역 피난 장소)",
        },
        {
            "ja": "大規模火災の際の広域避難場所。",
            "en": "Wide-area evacuation site in case of a large fire.",
        },
        ("東京都三鷹市井の頭4丁目", "4-chome Inokashira, Mitaka, Tokyo"),
        (-0.0030, 0.0110),
        "",
        {"evacuation_site": True, "hazards": ["fire", "earthquake"], "capacity": 30000},
        {},
    ),
]

STATION = (35.7027, 139.5606)


def _this_sunday(now: datetime):
    """The district's coming Sunday (today when it is Sunday)."""
    today = district_time(now).date()
    return today + timedelta(days=(6 - today.weekday()) % 7)


def seed_life(now: datetime) -> list[LifePlace]:
    """Create the demo places that are missing, and the internal medicine clinic's duty on
    this Sunday (9:00-17:00)."""
    places = []
    for kind, name, description, address, offset, phone, extra, hours in PLACES:
        place = db.session.scalar(
            select(LifePlace).where(texts_sql(LifePlace.name, "ja") == name["ja"])
        )
        if place is None:
            place = save_place(
                PlaceInput(
                    kind=kind,
                    name=name,
                    description=description,
                    address={"ja": address[0], "en": address[1]},
                    latitude=round(STATION[0] + offset[0], 6),
                    longitude=round(STATION[1] + offset[1], 6),
                    phone=phone,
                    **extra,
                )
            )
            set_hours(place, hours)
        places.append(place)
    duty_clinic, sunday = places[1], _this_sunday(now)
    if not any(row.on == sunday for row in duty_clinic.special_dates):
        duty_clinic.special_dates.append(
            LifeSpecialDate(on=sunday, kind=SpecialKind.duty, opens=time(9), closes=time(17))
        )
        db.session.flush()
    return places
