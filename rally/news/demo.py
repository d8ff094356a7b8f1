"""Demo content of the shop window: tourist spots, news, events, coupons, opening hours.

Called by :func:`rally.demo.seed_demo`; idempotent like it (finds what it made by title).
Names are fictional or generic.
"""

import secrets
from datetime import datetime, time, timedelta

from sqlalchemy import select

from rally.extensions import db
from rally.i18n.content import texts_sql
from rally.spots.models import Spot, SpotKind
from rally.stores.hours import StoreHours
from rally.visitors.models import Visitor

from .models import Coupon, Event, EventMode, EventRegistration, NewsPost, RegistrationStatus

SPOTS = [
    (
        SpotKind.park,
        "下連雀けやき公園",
        "Shimorenjaku Zelkova Park",
        "大きなけやきの木陰で休める小さな公園。遊具と水飲み場あり。",
        "A small park in the shade of tall zelkova trees, with a playground and a water fountain.",
        "東京都三鷹市下連雀3-45",
        "3-45 Shimorenjaku, Mitaka, Tokyo",
        "終日開放",
        "Open all day",
        (35.6985, 139.5588),
    ),
    (
        SpotKind.museum,
        "三鷹まちかど文学館",
        "Mitaka Street-Corner Literature Museum",
        "この町ゆかりの作家の原稿や写真を展示する小さな文学館。",
        "A small museum of manuscripts and photographs of the writers who lived in the town.",
        "東京都三鷹市下連雀3-34",
        "3-34 Shimorenjaku, Mitaka, Tokyo",
        "10:00〜17:30(月曜休館)",
        "10:00–17:30 (closed on Mondays)",
        (35.7005, 139.5630),
    ),
    (
        SpotKind.shrine,
        "下連雀稲荷神社",
        "Shimorenjaku Inari Shrine",
        "商店街を見守る小さなお稲荷さん。初詣と秋祭りでにぎわいます。",
        "The small Inari shrine that watches over the shopping street, busy at New Year "
        "and for the autumn festival.",
        "東京都三鷹市下連雀4-10",
        "4-10 Shimorenjaku, Mitaka, Tokyo",
        "境内自由",
        "Grounds always open",
        (35.6972, 139.5612),
    ),
]

ANNOUNCEMENTS = [
    (
        "歳末大売出し デジタルスタンプラリー開催中",
        "Year-end digital stamp rally now on",
        "参加店の店頭のQRコードをスマートフォンで読み取ってスタンプを集めましょう。"
        "アプリのダウンロードは不要です。",
        "Scan the QR code at participating shops with your phone to collect stamps. "
        "No app to download.",
        -3,
    ),
    (
        "年末年始の営業について",
        "Opening days over the New Year",
        "12月31日から1月3日は休業するお店があります。各店のページでご確認ください。",
        "Some shops close from 31 December to 3 January. Please check each shop's page.",
        -1,
    ),
    (
        "英語対応・免税のお店が検索できるようになりました",
        "Find shops that speak English or offer tax-free shopping",
        "お店一覧で「英語対応」「免税」などのサービスで絞り込めます。",
        "In the shop directory you can now filter by services such as English spoken "
        "and tax-free shopping.",
        -6,
    ),
]

# (store index in rally.demo.STORES, title ja, title en, body ja, body en, days ago)
STORE_NEWS = [
    (
        0,
        "冬の三鷹野菜が入荷しました",
        "Winter vegetables from Mitaka farms are in",
        "大根、白菜、のらぼう菜。朝どれです。",
        "Daikon, Chinese cabbage and norabona, picked this morning.",
        -2,
    ),
    (
        10,
        "シュトーレンの予約受付中",
        "Stollen: order now for Christmas",
        "12月20日まで店頭で予約を承ります。",
        "Orders at the counter until 20 December.",
        -4,
    ),
    (
        13,
        "新しいブレンド「ともしび冬」",
        "New blend: Tomoshibi Winter",
        "深煎りの冬季限定ブレンドです。",
        "A dark-roasted blend for the winter only.",
        -1,
    ),
]

# (store index, title ja, title en, terms ja, terms en, days valid)
COUPONS = [
    (
        0,
        "お買い上げ1,000円以上で みかん1袋プレゼント",
        "A bag of mikan with any purchase over 1,000 yen",
        "1会計につき1回。なくなり次第終了。",
        "Once per purchase, while stocks last.",
        30,
    ),
    (
        8,
        "天ぷらそば 100円引き",
        "100 yen off tempura soba",
        "この画面をご注文時にお見せください。",
        "Show this screen when you order.",
        20,
    ),
    (
        13,
        "コーヒー1杯ごとにクッキー1枚サービス",
        "A free biscuit with every coffee",
        "店内でお召し上がりの方に限ります。",
        "For customers drinking in the café.",
        14,
    ),
    (
        28,
        "入浴料 50円引き(平日)",
        "50 yen off the bath on weekdays",
        "平日15時から18時まで。",
        "Weekdays from 15:00 to 18:00.",
        40,
    ),
]

# (title ja, title en, body ja, body en, place ja, place en, days from now, hour, hours long)
EVENTS = [
    (
        "歳末ふれあい市",
        "Year-end street market",
        "商店街の各店が店先で特売を行います。福引きもあります。",
        "Shops sell at special prices in front of their doors, with a lucky draw.",
        "中央通り",
        "Chuo-dori street",
        3,
        10,
        7,
    ),
    (
        "もちつき大会",
        "Mochi-pounding festival",
        "つきたてのお餅を無料でふるまいます(先着200名)。",
        "Freshly pounded mochi for free (first 200 people).",
        "下連雀稲荷神社 境内",
        "Shimorenjaku Inari Shrine grounds",
        10,
        11,
        3,
    ),
    (
        "玉川上水 ランタンさんぽ",
        "Lantern walk along the aqueduct",
        "ガイドと一緒にランタンを持って夜の上水沿いを歩きます。英語ガイドあり。",
        "A guided evening walk with lanterns along the aqueduct, with an English-speaking guide.",
        "上水さんぽ案内所 前",
        "In front of the Josui Walking Guide Office",
        17,
        18,
        2,
    ),
]

SHOP_HOURS = {
    "buy": ((0, 1, 2, 3, 4, 5), time(10), time(19), "10:00〜19:00(日曜定休)",
            "10:00–19:00, closed on Sundays"),
    "eat": ((0, 1, 2, 4, 5, 6), time(11), time(21), "11:00〜21:00(木曜定休)",
            "11:00–21:00, closed on Thursdays"),
    "play": ((0, 1, 2, 3, 4, 5, 6), time(12), time(23), "12:00〜23:00(無休)",
             "12:00–23:00, every day"),
    "walk": ((1, 2, 3, 4, 5, 6), time(9), time(18), "9:00〜18:00(月曜定休)",
             "9:00–18:00, closed on Mondays"),
    "relax": ((0, 1, 2, 3, 5, 6), time(15), time(1), "15:00〜翌1:00(金曜定休)",
              "15:00–1:00, closed on Fridays"),
}  # fmt: skip


# Demo spots' names and events' titles read in katakana (名称_カナ of the open data).
READINGS = {
    "下連雀けやき公園": "シモレンジャクケヤキコウエン",
    "三鷹まちかど文学館": "ミタカマチカドブンガクカン",
    "下連雀稲荷神社": "シモレンジャクイナリジンジャ",
    "歳末ふれあい市": "サイマツフレアイイチ",
    "もちつき大会": "モチツキタイカイ",
    "玉川上水 ランタンさんぽ": "タマガワジョウスイ ランタンサンポ",
    "オンライン町役場 座談会": "オンラインマチヤクバ ザダンカイ",
    "商店街そうじの日": "ショウテンガイソウジノヒ",
}


def seed_showcase(now: datetime, stores: list) -> None:
    """Add the demo spots, news, events, coupons and opening hours (idempotent).

    :param now: current naive UTC time; news and events are placed around it.
    :param stores: the demo stores, in the order of ``rally.demo.STORES``.
    """
    for kind, name_ja, name_en, desc_ja, desc_en, addr_ja, addr_en, h_ja, h_en, (lat, lon) in SPOTS:
        if db.session.scalar(select(Spot.id).where(texts_sql(Spot.name, "ja") == name_ja)) is None:
            db.session.add(
                Spot(
                    kind=kind,
                    name={"ja": name_ja, "en": name_en},
                    name_kana=READINGS.get(name_ja, ""),
                    description={"ja": desc_ja, "en": desc_en},
                    address={"ja": addr_ja, "en": addr_en},
                    hours={"ja": h_ja, "en": h_en},
                    latitude=lat,
                    longitude=lon,
                )
            )
    for title_ja, title_en, body_ja, body_en, days in ANNOUNCEMENTS:
        _news(None, title_ja, title_en, body_ja, body_en, now + timedelta(days=days))
    for index, title_ja, title_en, body_ja, body_en, days in STORE_NEWS:
        _news(stores[index], title_ja, title_en, body_ja, body_en, now + timedelta(days=days))
    for index, title_ja, title_en, terms_ja, terms_en, days in COUPONS:
        if (
            db.session.scalar(select(Coupon.id).where(texts_sql(Coupon.title, "ja") == title_ja))
            is None
        ):
            db.session.add(
                Coupon(
                    store=stores[index],
                    title={"ja": title_ja, "en": title_en},
                    terms={"ja": terms_ja, "en": terms_en},
                    publish_at=now - timedelta(days=1),
                    expires_at=now + timedelta(days=days),
                )
            )
    for title_ja, title_en, body_ja, body_en, place_ja, place_en, days, hour, length in EVENTS:
        if (
            db.session.scalar(select(Event.id).where(texts_sql(Event.title, "ja") == title_ja))
            is None
        ):
            # ``hour`` is Tokyo time; stored times are UTC (Tokyo is UTC+9, no DST).
            day = (now + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
            starts = day.replace(hour=0) + timedelta(hours=hour - 9)
            db.session.add(
                Event(
                    title={"ja": title_ja, "en": title_en},
                    title_kana=READINGS.get(title_ja, ""),
                    body={"ja": body_ja, "en": body_en},
                    place={"ja": place_ja, "en": place_en},
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=length),
                    publish_at=now - timedelta(days=2),
                )
            )
    db.session.flush()
    for store in stores:
        days, opens, closes, text_ja, text_en = SHOP_HOURS[store.category.value]
        if not store.hours:
            store.hours = {"ja": text_ja, "en": text_en}
        has_hours = db.session.scalar(
            select(StoreHours.id).where(StoreHours.store_id == store.id).limit(1)
        )
        if has_hours is None:
            for weekday in days:
                db.session.add(
                    StoreHours(store_id=store.id, weekday=weekday, opens=opens, closes=closes)
                )
    db.session.flush()


def _news(store, title_ja: str, title_en: str, body_ja: str, body_en: str, when: datetime):
    if (
        db.session.scalar(select(NewsPost.id).where(texts_sql(NewsPost.title, "ja") == title_ja))
        is None
    ):
        db.session.add(
            NewsPost(
                store=store,
                title={"ja": title_ja, "en": title_en},
                body={"ja": body_ja, "en": body_en},
                publish_at=when,
            )
        )


# Events with places (issue 20): an online event whose seats are taken, with a waiting
# list, and an in-person event held yesterday, with its attendance.
ONLINE_EVENT = (
    "オンライン町役場 座談会",
    "Online Town Office round table",
    "商店会と住民がオンラインで集まり、まちの話をします。登録した方にリンクをお送りします。",
    "Shopkeepers and residents meet online to talk about the town. Registered residents get "
    "the link.",
)
IN_PERSON_EVENT = (
    "商店街そうじの日",
    "Shopping street clean-up day",
    "みんなで駅前通りをきれいにします。軍手とごみ袋は商店会が用意します。",
    "Together we clean Station Street. The association brings gloves and bags.",
    "三鷹駅南口 集合",
    "Meet at Mitaka Station, south exit",
)
DEMO_GUESTS = 7  # event-guest1@example.jp ... (no log-in: a random password each)


def _guests() -> list[Visitor]:
    guests = []
    for number in range(1, DEMO_GUESTS + 1):
        email = f"event-guest{number}@example.jp"
        visitor = db.session.scalar(select(Visitor).where(Visitor.email == email))
        if visitor is None:
            visitor = Visitor(email=email, locale="ja" if number % 2 else "en")
            visitor.set_password(secrets.token_urlsafe(24))
            db.session.add(visitor)
        guests.append(visitor)
    db.session.flush()
    return guests


def seed_events_with_places(now: datetime) -> dict:
    """Add the online event (3 open seats all taken, 2 waiting) and yesterday's clean-up
    (4 registered, 3 attended); idempotent. Returns the two events."""
    guests = _guests()
    title_ja, title_en, body_ja, body_en = ONLINE_EVENT
    online = db.session.scalar(select(Event).where(texts_sql(Event.title, "ja") == title_ja))
    if online is None:
        starts = (now + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
        online = Event(
            title={"ja": title_ja, "en": title_en},
            title_kana=READINGS.get(title_ja, ""),
            body={"ja": body_ja, "en": body_en},
            starts_at=starts,
            ends_at=starts + timedelta(hours=1, minutes=30),
            publish_at=now - timedelta(days=2),
            mode=EventMode.online,
            online_url="https://meet.example.jp/online-town-office",
            takes_registrations=True,
            capacity=4,
            held_seats=1,
        )
        db.session.add(online)
        db.session.flush()
        for index, guest in enumerate(guests[:5]):
            db.session.add(
                EventRegistration(
                    event_id=online.id,
                    visitor_id=guest.id,
                    status=RegistrationStatus.registered
                    if index < 3
                    else RegistrationStatus.waitlisted,
                    created_at=now - timedelta(hours=10 - index),
                    queued_at=now - timedelta(hours=10 - index),
                )
            )
    title_ja, title_en, body_ja, body_en, place_ja, place_en = IN_PERSON_EVENT
    held = db.session.scalar(select(Event).where(texts_sql(Event.title, "ja") == title_ja))
    if held is None:
        starts = (now - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        held = Event(
            title={"ja": title_ja, "en": title_en},
            title_kana=READINGS.get(title_ja, ""),
            body={"ja": body_ja, "en": body_en},
            place={"ja": place_ja, "en": place_en},
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            publish_at=now - timedelta(days=7),
            mode=EventMode.in_person,
            takes_registrations=True,
            capacity=20,
        )
        db.session.add(held)
        db.session.flush()
        for index, guest in enumerate(guests[3:7]):
            db.session.add(
                EventRegistration(
                    event_id=held.id,
                    visitor_id=guest.id,
                    status=RegistrationStatus.registered,
                    created_at=now - timedelta(days=5, hours=index),
                    queued_at=now - timedelta(days=5, hours=index),
                    attended_at=starts + timedelta(minutes=5 + index) if index < 3 else None,
                )
            )
    db.session.flush()
    return {"online_event": online, "in_person_event": held}
