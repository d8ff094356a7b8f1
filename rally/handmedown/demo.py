"""The demo district's hand-me-down board: a stroller on offer, a car seat (with its safety
warning), rain boots reserved by the demo resident with messages and a store as the
hand-over point, and picture books already handed over.

Idempotent: a listing is found by its giver and title. Everything goes through the
operations (and so their signals), so the givers and the demo resident find their
notifications as after real use. The pictures are drawn here with Pillow (a few shapes:
``rally.demopictures`` sits above this room) and stored as uploads are, without metadata.
"""

import io
from datetime import datetime, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from rally.areas.models import Area
from rally.extensions import db
from rally.residents.models import Resident
from rally.stores.models import Store, StoreStatus
from rally.visitors.models import Visitor

from . import operations
from .models import Listing, ListingCategory, ListingCondition

RESIDENT_EMAIL = "resident@example.jp"

# giver handle, title, description, category, condition, language, picture, days ago
LISTINGS = [
    (
        "yuki",
        "A型ベビーカー（両対面）",
        "生後1か月から使えるA型ベビーカーです。2年使いましたが、タイヤもまだしっかりしています。"
        "雨よけカバーもお付けします。\n\n平日の夕方か土曜日に受け渡しできます。",
        ListingCategory.stroller,
        ListingCondition.used,
        "ja",
        "stroller",
        2,
    ),
    (
        "kenji",
        "チャイルドシート（新生児〜4歳）",
        "車を手放したのでお譲りします。事故歴はありません。取扱説明書あり、製造から5年です。",
        ListingCategory.car_seat,
        ListingCondition.used,
        "ja",
        "car_seat",
        1,
    ),
    (
        "emma",
        "Kids' rain boots, size 15 cm",
        "Yellow rain boots, worn for one rainy season. Clean and dry, no cracks.",
        ListingCategory.clothes,
        ListingCondition.like_new,
        "en",
        "boots",
        4,
    ),
    (
        "hanako",
        "絵本セット（10冊）",
        "0〜3歳向けの絵本を10冊まとめてお譲りします。少し角が擦れています。",
        ListingCategory.books,
        ListingCondition.well_used,
        "ja",
        "books",
        10,
    ),
]

MESSAGES = [
    ("resident", "Hello! Could I pick them up on Saturday morning?", 20),
    (
        "giver",
        "Of course! I'll leave them at the bakery by the station on Saturday, "
        "under your name. Have a nice weekend!",
        18,
    ),
]


def picture(kind: str) -> bytes:
    """A simple drawing of the thing on a pastel background (JPEG)."""
    image = Image.new("RGB", (480, 360), (250, 244, 232))
    draw = ImageDraw.Draw(image)
    if kind == "stroller":
        draw.pieslice((110, 70, 330, 250), 180, 360, fill=(66, 133, 180))
        draw.rectangle((110, 160, 330, 215), fill=(66, 133, 180))
        draw.line((330, 160, 390, 90), fill=(60, 60, 60), width=10)
        for x in (140, 300):
            draw.ellipse((x - 35, 230, x + 35, 300), outline=(60, 60, 60), width=10)
    elif kind == "car_seat":
        draw.rounded_rectangle((150, 60, 330, 300), radius=50, fill=(90, 90, 110))
        draw.rounded_rectangle((180, 100, 300, 270), radius=30, fill=(200, 80, 70))
        draw.line((200, 150, 240, 230), fill=(40, 40, 40), width=8)
        draw.line((280, 150, 240, 230), fill=(40, 40, 40), width=8)
    elif kind == "boots":
        for x in (140, 260):
            draw.rectangle((x, 80, x + 70, 250), fill=(240, 200, 40))
            draw.rounded_rectangle((x, 220, x + 120, 290), radius=25, fill=(240, 200, 40))
    else:
        colours = [(200, 80, 70), (70, 140, 90), (66, 133, 180), (230, 170, 60)]
        for index, colour in enumerate(colours):
            draw.rectangle((100 + index * 70, 90, 160 + index * 70, 290), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _visitor(handle: str) -> Visitor | None:
    resident = db.session.scalar(select(Resident).where(Resident.handle == handle))
    return resident.visitor if resident is not None else None


def seed_handmedown(now: datetime) -> dict:
    """The demo listings (see the module's docstring); how many there are."""
    areas = list(db.session.scalars(select(Area).order_by(Area.position, Area.id)))
    resident = db.session.scalar(select(Visitor).where(Visitor.email == RESIDENT_EMAIL))
    if not areas or resident is None:
        return {"listings": 0}
    listings = {}
    for index, (handle, title, text, category, condition, lang, kind, days) in enumerate(LISTINGS):
        giver = _visitor(handle)
        if giver is None:
            continue
        listing = db.session.scalar(
            select(Listing).where(Listing.giver_id == giver.id, Listing.title == title)
        )
        if listing is None:
            data = operations.ListingInput(
                title=title,
                description=text,
                category=category,
                condition=condition,
                area_id=areas[index % len(areas)].id,
                photos=(picture(kind),),
                language=lang,
            )
            listing = operations.create_listing(giver, data, now - timedelta(days=days))
        listings[kind] = listing
    boots, books = listings.get("boots"), listings.get("books")
    if boots is not None and boots.reserver_id is None:
        _reserve_with_messages(boots, resident, now)
    yuki = _visitor("yuki")
    if books is not None and books.reserver_id is None and yuki is not None:
        at = now - timedelta(days=7)
        operations.reserve(books, yuki, at)
        operations.send_message(books, books.giver, "明日の10時に駅前でいかがですか？", at)
        operations.hand_over(books, books.giver, now - timedelta(days=6))
    db.session.flush()
    return {"listings": len(listings)}


def _reserve_with_messages(listing: Listing, resident: Visitor, now: datetime) -> None:
    operations.reserve(listing, resident, now - timedelta(hours=22))
    for who, text, hours in MESSAGES:
        sender = resident if who == "resident" else listing.giver
        operations.send_message(listing, sender, text, now - timedelta(hours=hours))
    store = db.session.scalar(
        select(Store).where(Store.status == StoreStatus.approved).order_by(Store.id)
    )
    if store is not None:
        operations.choose_store(listing, listing.giver, store.id, now - timedelta(hours=18))
