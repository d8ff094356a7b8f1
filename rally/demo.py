"""The demo district: stores around Mitaka station, a year-end stamp rally, two accounts.

Idempotent: running it again finds what it made before and adds only what is missing.
The shops are fictional; the setting follows the Mitaka shopping-district app whose
year-end digital stamp rally Rally grew from (see shared/seeds).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from rally.announcements.demo import seed_announcements
from rally.areas.models import Area
from rally.auth.models import Role, User
from rally.campaigns.editing import CampaignInput, TierInput, create_campaign
from rally.campaigns.lifecycle import publish_campaign
from rally.campaigns.models import (
    Campaign,
    CampaignKind,
    TierBasis,
)
from rally.checkpoints.operations import SettingsInput, add_code, update_settings
from rally.circles.demo import seed_circles
from rally.communitydemo import seed_conversations
from rally.demopictures import give_pictures
from rally.extensions import db
from rally.i18n.content import texts_sql
from rally.ideas.demo import seed_ideas
from rally.lifeinfo.demo import seed_life
from rally.news.demo import seed_events_with_places, seed_showcase
from rally.questionnaires.operations import QuestionInput, add_question
from rally.roles.demo import seed_roles
from rally.spots.models import Spot
from rally.stores.models import Category, Store, StoreStatus
from rally.surveys.demo import seed_survey

ADMIN_EMAIL = "admin@example.jp"
ADMIN_PASSWORD = "rally-admin-demo"
MERCHANT_EMAIL = "merchant@example.jp"
MERCHANT_PASSWORD = "rally-merchant-demo"

STATION = (35.7027, 139.5606)

# (category, Japanese name, English name, Japanese and English descriptions, street number,
# tags)
STORES = [
    (
        "buy",
        "三鷹青果 八百辰",
        "Yaotatsu Greengrocer",
        "朝どれの三鷹野菜と季節の果物。",
        "Vegetables grown in Mitaka, picked this morning, and fruit of the season.",
        "3-28-1",
        "cashless",
    ),
    (
        "buy",
        "下連雀ブックス",
        "Shimorenjaku Books",
        "文学と絵本の町の本屋。太宰治コーナーあり。",
        "The neighbourhood bookshop, with a Dazai Osamu corner and picture books.",
        "3-30-4",
        "cashless wifi",
    ),
    (
        "buy",
        "中央通り金物店",
        "Chuo-dori Hardware",
        "包丁研ぎと日用品の老舗。",
        "Knife sharpening and household goods since 1958.",
        "3-31-2",
        "",
    ),
    (
        "buy",
        "和紙と文具 こより",
        "Koyori Washi & Stationery",
        "手漉き和紙、便箋、御朱印帳。",
        "Handmade washi paper, letter sets and goshuin books.",
        "3-27-9",
        "english tax_free cashless",
    ),
    (
        "buy",
        "茶舗 玉川園",
        "Tamagawaen Tea House",
        "狭山茶と抹茶の量り売り。",
        "Sayama green tea and matcha sold by weight.",
        "3-26-5",
        "english tax_free",
    ),
    (
        "buy",
        "三鷹シューズ工房",
        "Mitaka Shoe Workshop",
        "靴の修理とオーダーメイド。",
        "Shoe repairs and made-to-measure shoes.",
        "4-1-3",
        "",
    ),
    (
        "buy",
        "花屋 はるの",
        "Haruno Florist",
        "季節の花束とお正月飾り。",
        "Seasonal bouquets and New Year decorations.",
        "3-29-8",
        "cashless",
    ),
    (
        "buy",
        "酒のいしかわ",
        "Ishikawa Sake Shop",
        "東京の地酒と試飲カウンター。",
        "Tokyo craft sake with a tasting counter.",
        "3-33-1",
        "english tax_free cashless",
    ),
    (
        "eat",
        "手打ちそば 上水庵",
        "Josui-an Soba",
        "玉川上水ほとりの手打ちそば。",
        "Hand-made soba by the Tamagawa Aqueduct.",
        "3-22-6",
        "english",
    ),
    (
        "eat",
        "洋食屋 みたか亭",
        "Mitaka-tei Western Diner",
        "昭和から続くハンバーグとオムライス。",
        "Hamburg steak and omurice, the same recipe since the Showa era.",
        "3-35-2",
        "cashless",
    ),
    (
        "eat",
        "ベーカリー 麦の穂",
        "Mugi-no-ho Bakery",
        "天然酵母パンと焼き菓子。",
        "Natural-yeast bread and baked sweets.",
        "3-36-7",
        "cashless",
    ),
    (
        "eat",
        "たい焼き 鳴門屋",
        "Narutoya Taiyaki",
        "一丁焼きの薄皮たい焼き。",
        "Thin-crust taiyaki, grilled one by one.",
        "3-24-3",
        "",
    ),
    (
        "eat",
        "ラーメン 風来",
        "Ramen Fu-rai",
        "煮干し醤油の中華そば。",
        "Niboshi soy-sauce ramen.",
        "3-21-11",
        "english",
    ),
    (
        "eat",
        "珈琲 ともしび",
        "Tomoshibi Coffee",
        "自家焙煎の喫茶店。",
        "A kissaten that roasts its own beans.",
        "3-37-1",
        "wifi cashless",
    ),
    (
        "eat",
        "和菓子 三鷹堂",
        "Mitakado Japanese Sweets",
        "季節の上生菓子と豆大福。",
        "Seasonal namagashi and mame-daifuku.",
        "3-25-4",
        "tax_free",
    ),
    (
        "eat",
        "居酒屋 ぼんぼり",
        "Izakaya Bonbori",
        "地元野菜の串焼きと地酒。",
        "Skewers of local vegetables and Tokyo sake.",
        "3-38-5",
        "english cashless",
    ),
    (
        "eat",
        "インドカレー スパイスロード",
        "Spice Road Indian Curry",
        "本格インドカレーとナン。",
        "Indian curries and fresh naan.",
        "4-2-8",
        "english wifi",
    ),
    (
        "play",
        "三鷹ゲームセンター",
        "Mitaka Game Centre",
        "クレーンゲームとレトロゲーム。",
        "Crane games and retro arcade machines.",
        "3-40-2",
        "",
    ),
    (
        "play",
        "ボードゲームカフェ さいころ",
        "Saikoro Board Game Café",
        "300種類以上のボードゲーム。",
        "More than 300 board games to play.",
        "3-41-6",
        "english wifi cashless",
    ),
    (
        "play",
        "三鷹バッティングスタジアム",
        "Mitaka Batting Stadium",
        "雨の日も遊べる屋内バッティング。",
        "Indoor batting cages, open in any weather.",
        "4-3-1",
        "cashless",
    ),
    (
        "play",
        "カラオケ ハーモニー",
        "Karaoke Harmony",
        "英語曲も充実したカラオケ。",
        "Karaoke with a large English song list.",
        "3-42-3",
        "english wifi cashless",
    ),
    (
        "play",
        "アトリエ 絵筆",
        "Atelier Efude",
        "手ぬぐい染め体験と絵付け教室。",
        "Tenugui dyeing and pottery painting workshops.",
        "3-43-9",
        "english",
    ),
    (
        "play",
        "おもちゃの木馬",
        "Mokuba Toy Shop",
        "木のおもちゃと駄菓子。",
        "Wooden toys and old-fashioned sweets.",
        "3-44-2",
        "tax_free",
    ),
    (
        "walk",
        "三鷹レンタサイクル",
        "Mitaka Rent-a-Cycle",
        "電動自転車で井の頭公園へ。",
        "Electric bikes to ride to Inokashira Park.",
        "3-46-1",
        "english cashless",
    ),
    (
        "walk",
        "上水さんぽ案内所",
        "Josui Walking Guide Office",
        "玉川上水と太宰治ゆかりの地を巡るガイド。",
        "Guided walks along the aqueduct and places linked to Dazai Osamu.",
        "3-47-5",
        "english wifi",
    ),
    (
        "walk",
        "三鷹スポーツ",
        "Mitaka Sports",
        "ウォーキングシューズとアウトドア用品。",
        "Walking shoes and outdoor gear.",
        "3-48-3",
        "tax_free cashless",
    ),
    (
        "walk",
        "まち歩き写真館",
        "Machi-aruki Photo Studio",
        "町歩き撮影会と写真プリント。",
        "Photo walks around town and photo printing.",
        "3-49-7",
        "",
    ),
    (
        "walk",
        "地図と旅の本 ななめ",
        "Naname Maps & Travel Books",
        "散歩地図と旅行書の専門店。",
        "Walking maps and travel books.",
        "3-50-2",
        "english",
    ),
    (
        "relax",
        "銭湯 松の湯",
        "Matsu-no-yu Public Bath",
        "富士山のペンキ絵がある昔ながらの銭湯。",
        "A classic sento with a Mount Fuji mural.",
        "4-5-2",
        "english",
    ),
    (
        "relax",
        "整体 ほぐし処 ゆるり",
        "Yururi Massage",
        "肩こり・足つぼマッサージ。",
        "Shoulder and foot-reflexology massage.",
        "4-6-4",
        "english cashless",
    ),
    (
        "relax",
        "日本茶カフェ 縁側",
        "Engawa Japanese Tea Café",
        "縁側で味わう日本茶と甘味。",
        "Japanese tea and sweets on a wooden veranda.",
        "4-7-1",
        "english wifi",
    ),
    (
        "relax",
        "ヘアサロン そよ風",
        "Soyokaze Hair Salon",
        "ヘッドスパが人気の美容室。",
        "A hair salon known for its head spa.",
        "4-8-6",
        "cashless",
    ),
    (
        "relax",
        "アロマと雑貨 こもれび",
        "Komorebi Aroma & Gifts",
        "ヒノキのアロマと手作り石鹸。",
        "Hinoki aromas and handmade soap.",
        "4-9-3",
        "tax_free cashless",
    ),
]

CAMPAIGN_TITLE_JA = "三鷹駅前 歳末大売出し デジタルスタンプラリー"
CAMPAIGN_TITLE_EN = "Mitaka Station Year-End Sale Digital Stamp Rally"
CAMPAIGN_RULES_JA = (
    "参加店でお買い物やお食事をしたら、店頭のQRコードをスマートフォンのカメラで読み取ってください。\n"
    "1店舗につきスタンプは1つです。アプリのダウンロードや会員登録は不要です。\n"
    "集めたスタンプの数に応じて、商店会事務所で景品と交換できます。"
)
CAMPAIGN_RULES_EN = (
    "After shopping or eating at a participating shop, scan the QR code at the counter with "
    "your phone's camera.\nOne stamp per shop. No app and no sign-up needed.\n"
    "Exchange your stamps for rewards at the association office."
)
TIERS = [
    (3, "商店街オリジナル手ぬぐい", "District original tenugui towel", 200),
    (10, "500円分 商品券", "500-yen shopping voucher", 100),
    (20, "コンプリート賞 三鷹の名産詰め合わせ", "Grand prize: a box of Mitaka specialities", 20),
]

# The district's streets: (Japanese name, English name, stores from this index on).
AREAS = [
    ("南口駅前", "Station South Exit", 0),
    ("中央通り", "Chuo-dori", 6),
    ("下連雀", "Shimorenjaku", 12),
    ("さくら通り", "Sakura-dori", 18),
]
# The year-end rally's "every area" prize: two stamps in each street.
AREA_PRIZE = ("エリア制覇賞 三鷹の地ビール", "Every-street prize: Mitaka craft beer", 50)
STAMPS_PER_AREA = 2
# A landmark quiz at the literature museum (the second tourist spot of the rally).
QUIZ = (
    "この町に住んだ作家で『人間失格』を書いたのは誰？",
    "Which writer who lived in this town wrote “No Longer Human”?",
    "太宰治\n夏目漱石\n芥川龍之介",
    "Dazai Osamu\nNatsume Soseki\nAkutagawa Ryunosuke",
    1,
)
# Asked before a prize is claimed; the answers go to the association's exports.
QUESTIONS = [
    (
        "年代を教えてください。",
        "Your age group?",
        "10代\n20代\n30代\n40代\n50代\n60代以上",
        "Teens\n20s\n30s\n40s\n50s\n60s or older",
        True,
    ),
    (
        "このラリーを何で知りましたか？",
        "How did you hear about this rally?",
        "店頭ポスター\n市報・チラシ\nSNS\n友人・家族\nその他",
        "A poster in a shop\nThe city newsletter or a flyer\nSocial media\n"
        "Friends or family\nOther",
        True,
    ),
    (
        "商店街へのご意見・ご感想をお聞かせください。",
        "Any comments for the shopping street?",
        "",
        "",
        False,
    ),
]
PURCHASE_TITLE_JA = "歳末福引 お買い物スタンプ"
PURCHASE_TITLE_EN = "Year-End Lucky Draw Shopping Stamps"
PURCHASE_RULES_JA = (
    "参加店でのお買い物1,000円ごとにスタンプ1個（1回のお会計で最大2個）。レジでカード番号を"
    "伝えるか、店員が表示するQRコードを読み取ってください。\n"
    "スタンプ5個ごとにガラポン抽選券1枚と交換できます。"
)
PURCHASE_RULES_EN = (
    "One stamp for every 1,000 yen spent at a participating shop (at most two per purchase). "
    "Tell the staff your card number at the register, or scan the QR code they show you.\n"
    "Every 5 stamps earn a ticket for the lucky-draw wheel."
)


def _coordinates(index: int) -> tuple[float, float]:
    # Spread the shops over the streets south of the station, a few hundred metres apart.
    row, col = divmod(index, 6)
    return STATION[0] - 0.0012 * (row + 1), STATION[1] - 0.003 + 0.0012 * col


# Each demo store's name read in katakana (名称_カナ of the open data).
READINGS = {
    "三鷹青果 八百辰": "ミタカセイカ ヤオタツ",
    "下連雀ブックス": "シモレンジャクブックス",
    "中央通り金物店": "チュウオウドオリカナモノテン",
    "和紙と文具 こより": "ワシトブング コヨリ",
    "茶舗 玉川園": "チャホ タマガワエン",
    "三鷹シューズ工房": "ミタカシューズコウボウ",
    "花屋 はるの": "ハナヤ ハルノ",
    "酒のいしかわ": "サケノイシカワ",
    "手打ちそば 上水庵": "テウチソバ ジョウスイアン",
    "洋食屋 みたか亭": "ヨウショクヤ ミタカテイ",
    "ベーカリー 麦の穂": "ベーカリー ムギノホ",
    "たい焼き 鳴門屋": "タイヤキ ナルトヤ",
    "ラーメン 風来": "ラーメン フウライ",
    "珈琲 ともしび": "コーヒー トモシビ",
    "和菓子 三鷹堂": "ワガシ ミタカドウ",
    "居酒屋 ぼんぼり": "イザカヤ ボンボリ",
    "インドカレー スパイスロード": "インドカレー スパイスロード",
    "三鷹ゲームセンター": "ミタカゲームセンター",
    "ボードゲームカフェ さいころ": "ボードゲームカフェ サイコロ",
    "三鷹バッティングスタジアム": "ミタカバッティングスタジアム",
    "カラオケ ハーモニー": "カラオケ ハーモニー",
    "アトリエ 絵筆": "アトリエ エフデ",
    "おもちゃの木馬": "オモチャノモクバ",
    "三鷹レンタサイクル": "ミタカレンタサイクル",
    "上水さんぽ案内所": "ジョウスイサンポアンナイジョ",
    "三鷹スポーツ": "ミタカスポーツ",
    "まち歩き写真館": "マチアルキシャシンカン",
    "地図と旅の本 ななめ": "チズトタビノホン ナナメ",
    "銭湯 松の湯": "セントウ マツノユ",
    "整体 ほぐし処 ゆるり": "セイタイ ホグシドコロ ユルリ",
    "日本茶カフェ 縁側": "ニホンチャカフェ エンガワ",
    "ヘアサロン そよ風": "ヘアサロン ソヨカゼ",
    "アロマと雑貨 こもれび": "アロマトザッカ コモレビ",
}


def seed_demo(now: datetime, timezone: str = "Asia/Tokyo") -> dict:
    """Create (or complete) the demo district and return what a person needs to log in.

    :param now: current naive UTC time; the demo campaign runs around it.
    :param timezone: the district's zone, for the campaign's midnight boundaries.
    """
    _user(ADMIN_EMAIL, ADMIN_PASSWORD, Role.admin, "三鷹駅前商店会 事務局")
    merchant = _user(MERCHANT_EMAIL, MERCHANT_PASSWORD, Role.merchant, "八百辰 店主")
    stores = []
    for index, (category, name_ja, name_en, desc_ja, desc_en, number, tags) in enumerate(STORES):
        store = db.session.scalar(select(Store).where(texts_sql(Store.name, "ja") == name_ja))
        if store is None:
            lat, lon = _coordinates(index)
            tag_set = set(tags.split())
            store = Store(
                category=Category(category),
                name={"ja": name_ja, "en": name_en},
                description={"ja": desc_ja, "en": desc_en},
                address={
                    "ja": f"東京都三鷹市下連雀{number}",
                    "en": f"{number} Shimorenjaku, Mitaka, Tokyo",
                },
                latitude=lat,
                longitude=lon,
                english_spoken="english" in tag_set,
                tax_free="tax_free" in tag_set,
                cashless="cashless" in tag_set,
                wifi="wifi" in tag_set,
                status=StoreStatus.approved,
            )
            db.session.add(store)
        store.name_kana = store.name_kana or READINGS.get(name_ja, "")
        stores.append(store)
    if stores[0].owner is None:
        stores[0].owner = merchant
    db.session.flush()

    seed_showcase(now, stores)
    spots = list(db.session.scalars(select(Spot).order_by(Spot.id)))
    _seed_areas(stores, spots)
    give_pictures(stores, spots)  # drawn by rally/demopictures.py, stored as uploads are
    campaign = db.session.scalar(
        select(Campaign).where(texts_sql(Campaign.title, "ja") == CAMPAIGN_TITLE_JA)
    )
    if campaign is None:
        campaign = _year_end_rally(now, timezone, stores, spots)
    if (
        db.session.scalar(
            select(Campaign).where(texts_sql(Campaign.title, "ja") == PURCHASE_TITLE_JA)
        )
        is None
    ):
        _purchase_campaign(now, stores, campaign)
    community = seed_circles()  # rally/circles/demo.py: circles, a resident, a moderator
    seed_conversations()  # rally/communitydemo.py: threads, replies, reactions, a report
    seed_survey(now)  # rally/surveys/demo.py: a public survey with twenty answers
    events = seed_events_with_places(now)  # an online event with a waiting list, one attended
    seed_life(now)  # rally/lifeinfo/demo.py: clinics, a hospital, parks, shelters
    seed_ideas(now)  # rally/ideas/demo.py: an idea in every state, one done with its event
    # rally/roles/demo.py: a volunteer of the Online Town Office (helping at the clean-up)
    # and a resident helping at the online event.
    volunteer = seed_roles(now, (events["in_person_event"].id, events["online_event"].id))
    seed_announcements(now)  # rally/announcements/demo.py: one sent, one scheduled
    return {
        **community,
        **volunteer,
        "admin": (ADMIN_EMAIL, ADMIN_PASSWORD),
        "merchant": (MERCHANT_EMAIL, MERCHANT_PASSWORD),
        "stores": len(stores),
        "campaign": campaign,
    }


def _seed_areas(stores: list[Store], spots: list[Spot]) -> None:
    """The four streets, every store and spot in one of them."""
    areas = []
    for position, (name_ja, name_en, _first) in enumerate(AREAS, 1):
        area = db.session.scalar(select(Area).where(texts_sql(Area.name, "ja") == name_ja))
        if area is None:
            area = Area(name={"ja": name_ja, "en": name_en}, position=position)
            db.session.add(area)
        areas.append(area)
    db.session.flush()
    firsts = [first for *_, first in AREAS]
    for index, store in enumerate(stores):
        if store.area_id is None:
            # The last street whose first store index is not after this store's.
            store.area_id = areas[sum(1 for first in firsts if index >= first) - 1].id
    for spot, area in zip(spots, [areas[2], areas[0], areas[1], areas[3]], strict=False):
        if spot.area_id is None:
            spot.area_id = area.id
    db.session.flush()


def _year_end_rally(now: datetime, timezone: str, stores: list[Store], spots: list[Spot]):
    """The year-end rally, built as the association builds one in the back office: 24 shops
    and two tourist spots, three tiers and an every-street prize, a landmark quiz at the
    literature museum and a short questionnaire; then published."""
    zone = ZoneInfo(timezone)
    local_today = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()
    start = datetime.combine(local_today - timedelta(days=7), datetime.min.time(), zone)
    end = datetime.combine(local_today + timedelta(days=38), datetime.min.time(), zone)
    name_ja, name_en, stock = AREA_PRIZE
    campaign = create_campaign(
        CampaignInput(
            title={"ja": CAMPAIGN_TITLE_JA, "en": CAMPAIGN_TITLE_EN},
            rules={"ja": CAMPAIGN_RULES_JA, "en": CAMPAIGN_RULES_EN},
            starts_at=_naive_utc(start),
            ends_at=_naive_utc(end),
            store_ids=[store.id for store in stores[:24]],
            spot_ids=[spot.id for spot in spots[:2]],
            tiers=[
                *(TierInput(None, n, {"ja": ja, "en": en}, stock) for n, ja, en, stock in TIERS),
                TierInput(
                    None,
                    len(AREAS),
                    {"ja": name_ja, "en": name_en},
                    stock,
                    basis=TierBasis.all_areas,
                ),
            ],
            stamps_per_area=STAMPS_PER_AREA,
        )
    )
    landmarks = [cp for cp in campaign.checkpoints if cp.spot_id is not None]
    if len(landmarks) > 1:
        question_ja, question_en, choices_ja, choices_en, answer = QUIZ
        update_settings(
            landmarks[1],
            SettingsInput(
                1,
                {"ja": question_ja, "en": question_en},
                {"ja": choices_ja, "en": choices_en},
                answer,
            ),
        )
    for text_ja, text_en, choices_ja, choices_en, required in QUESTIONS:
        add_question(
            campaign,
            QuestionInput(
                {"ja": text_ja, "en": text_en}, {"ja": choices_ja, "en": choices_en}, required
            ),
        )
    publish_campaign(campaign, now)
    return campaign


def _purchase_campaign(now: datetime, stores: list[Store], rally: Campaign) -> None:
    """The year-end lucky draw: 1 stamp per 1,000 yen at 12 shops, every 5 stamps a ticket;
    the greengrocer (the demo merchant's shop) has a second till with its own code."""
    purchase = create_campaign(
        CampaignInput(
            title={"ja": PURCHASE_TITLE_JA, "en": PURCHASE_TITLE_EN},
            rules={"ja": PURCHASE_RULES_JA, "en": PURCHASE_RULES_EN},
            starts_at=rally.starts_at,
            ends_at=rally.ends_at,
            store_ids=[store.id for store in stores[:12]],
            tiers=[
                TierInput(
                    None,
                    5,
                    {"ja": "ガラポン抽選券 1枚", "en": "One lucky-draw ticket"},
                    None,
                    repeats=True,
                )
            ],
            kind=CampaignKind.purchase,
            yen_per_stamp=1000,
            max_stamps_per_purchase=2,
        )
    )
    till = next(cp for cp in purchase.checkpoints if cp.store_id == stores[0].id)
    add_code(till, {"ja": "2番レジ", "en": "Till 2"})
    publish_campaign(purchase, now)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _user(email: str, password: str, role: Role, name: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, role=role, name=name)
        user.set_password(password)
        db.session.add(user)
    return user
