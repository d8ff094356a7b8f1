"""The demo district's circles, a resident and a circle moderator (``flask --app rally demo``).

Idempotent: circles are found by their Japanese name, accounts by their e-mail address.
"""

from datetime import timedelta

from sqlalchemy import select

from rally.cards.models import Card
from rally.extensions import db
from rally.i18n.content import texts_sql
from rally.residents.models import Resident
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .models import Circle, CircleKind, CircleMember, CircleStatus, MemberState

RESIDENT_EMAIL = "resident@example.jp"
RESIDENT_PASSWORD = "rally-resident-demo"
MODERATOR_EMAIL = "moderator@example.jp"
MODERATOR_PASSWORD = "rally-moderator-demo"
# The demo's accounts signed up this long ago: a person trying the demo is not held by the
# rules for new accounts (no photos in the first day, fewer threads; RALLY_NEW_ACCOUNT_*).
ACCOUNT_AGE = timedelta(days=60)

CIRCLES = [
    (
        "📰",
        CircleKind.open,
        {
            "ja": "まちの情報",
            "en": "Town notes",
            "zh_Hans": "街区消息",
            "zh_Hant": "街區消息",
            "ko": "동네 소식",
        },
        {
            "ja": "商店街や町内のお知らせ、落とし物、季節の話題をみんなで共有しましょう。",
            "en": "News of the shopping street and the neighbourhood, lost and found, "
            "and what the season brings.",
            "zh_Hans": "分享商店街和街区的消息、失物招领和当季话题。",
            "zh_Hant": "分享商店街和街區的消息、失物招領和當季話題。",
            "ko": "상점가와 동네 소식, 분실물, 계절 이야기를 함께 나눠요.",
        },
    ),
    (
        "🧸",
        CircleKind.members_only,
        {
            "ja": "子育てひろば",
            "en": "Child-raising Hiroba",
            "zh_Hans": "育儿广场",
            "zh_Hant": "育兒廣場",
            "ko": "육아 광장",
        },
        {
            "ja": "子育て中の家族のための場所です。参加はモデレーターが承認します。"
            "お子さんの顔や名前が分かる写真は載せないでください。",
            "en": "A place for families raising children. A moderator approves who joins. "
            "Please post no photo where a child's face or name can be recognised.",
            "zh_Hans": "为育儿家庭准备的地方，加入需经版主批准。"
            "请勿发布能认出孩子面孔或姓名的照片。",
            "zh_Hant": "為育兒家庭準備的地方，加入需經版主核准。"
            "請勿張貼能認出孩子面孔或姓名的照片。",
            "ko": "아이를 키우는 가족을 위한 곳입니다. 가입은 운영자가 승인합니다. "
            "아이의 얼굴이나 이름을 알아볼 수 있는 사진은 올리지 마세요.",
        },
    ),
    (
        "🏙️",
        CircleKind.open,
        {
            "ja": "三鷹まちづくり会議室",
            "en": "Mitaka Town Lab",
            "zh_Hans": "三鹰城市建设会议室",
            "zh_Hant": "三鷹城市營造會議室",
            "ko": "미타카 마을 만들기 회의실",
        },
        {
            "ja": "まちの未来を話し合う会議室です。市外にお住まいのデジタル住民も歓迎します。",
            "en": "Where we talk about the town's future. Digital residents who live "
            "elsewhere are welcome too.",
            "zh_Hans": "讨论城市未来的会议室，也欢迎住在外地的数字居民。",
            "zh_Hant": "討論城市未來的會議室，也歡迎住在外地的數位居民。",
            "ko": "마을의 미래를 이야기하는 회의실입니다. 다른 곳에 사는 디지털 주민도 환영합니다.",
        },
    ),
]


def _resident(email: str, password: str, name: str, handle: str, verified: bool) -> Visitor:
    visitor = db.session.scalar(select(Visitor).where(Visitor.email == email))
    if visitor is None:
        visitor = Visitor(email=email, locale="ja", verified_at=utcnow())
        visitor.set_password(password)
        db.session.add(visitor)
        db.session.flush()
        db.session.add(Card(locale="ja", visitor_id=visitor.id))  # an account holds a card
    signed_up = utcnow() - ACCOUNT_AGE
    if visitor.created_at is None or visitor.created_at > signed_up:
        visitor.created_at = signed_up  # also for a demo made before accounts were aged
    if db.session.get(Resident, visitor.id) is None:
        db.session.add(
            Resident(
                visitor_id=visitor.id,
                display_name=name,
                handle=handle,
                code_tries=0,
                resident_verified_at=utcnow() if verified else None,
            )
        )
        db.session.flush()
    return visitor


def _member(circle: Circle, visitor: Visitor, state: MemberState, moderator=False) -> None:
    found = db.session.scalar(
        select(CircleMember).where(
            CircleMember.circle_id == circle.id, CircleMember.visitor_id == visitor.id
        )
    )
    if found is None:
        now = utcnow()
        db.session.add(
            CircleMember(
                circle_id=circle.id,
                visitor_id=visitor.id,
                state=state,
                is_moderator=moderator,
                requested_at=now,
                joined_at=now if state is MemberState.member else None,
            )
        )


def seed_circles() -> dict:
    """The three demo circles; a verified moderator of each; a digital resident who is a
    member of the open ones and has asked to join 子育てひろば. Returns their log-ins."""
    circles = []
    for icon, kind, name, description in CIRCLES:
        circle = db.session.scalar(select(Circle).where(texts_sql(Circle.name, "ja") == name["ja"]))
        if circle is None:
            circle = Circle(
                icon=icon,
                kind=kind,
                status=CircleStatus.active,
                name=name,
                description=description,
            )
            db.session.add(circle)
            db.session.flush()
        else:  # a demo made before: the languages added since, without touching the rest
            circle.name = {**name, **circle.name}
            circle.description = {**description, **circle.description}
        circles.append(circle)
    moderator = _resident(MODERATOR_EMAIL, MODERATOR_PASSWORD, "ひろば係 さくら", "sakura", True)
    resident = _resident(RESIDENT_EMAIL, RESIDENT_PASSWORD, "みたかの たろう", "taro", False)
    for circle in circles:
        _member(circle, moderator, MemberState.member, moderator=True)
        requested = circle.kind is CircleKind.members_only
        _member(circle, resident, MemberState.requested if requested else MemberState.member)
    db.session.flush()
    return {
        "resident": (RESIDENT_EMAIL, RESIDENT_PASSWORD),
        "moderator": (MODERATOR_EMAIL, MODERATOR_PASSWORD),
    }
