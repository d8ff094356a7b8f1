"""The demo district's ideas (``flask --app rally demo``): one in every state, in Japanese
and English, with supports, a follower, the association's answers and, for the one that is
done, its timeline and the clean-up day it became (see :mod:`rally.news.demo`).

Idempotent: an idea is found by its title. Changes go through the operations, so the demo
residents find their notifications as after real use (no e-mail is sent).
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from rally.areas.models import Area
from rally.circles.demo import RESIDENT_EMAIL
from rally.extensions import db
from rally.i18n.content import texts_sql
from rally.news.demo import IN_PERSON_EVENT
from rally.news.models import Event
from rally.residents.models import Resident
from rally.visitors.models import Visitor

from . import operations
from .models import Idea, IdeaCategory, IdeaState

CATEGORIES = [
    {
        "ja": "にぎわい・イベント",
        "en": "Events and street life",
        "zh_Hans": "活动与街区活力",
        "zh_Hant": "活動與街區活力",
        "ko": "행사와 거리 활력",
    },
    {
        "ja": "交通・まちなみ",
        "en": "Getting around and streetscape",
        "zh_Hans": "交通与街景",
        "zh_Hant": "交通與街景",
        "ko": "교통과 거리 풍경",
    },
    {
        "ja": "子育て・福祉",
        "en": "Children and care",
        "zh_Hans": "育儿与福利",
        "zh_Hant": "育兒與福利",
        "ko": "육아와 복지",
    },
]

# (author handle or None for the demo resident, language, title, body, category index,
#  state, answer, supporters' handles, progress updates [(days ago, ja, en, percent, event)])
IDEAS = [
    (
        "hanako",
        "ja",
        "商店街そうじを毎月の行事に",
        "年末だけでなく、毎月第一日曜に駅前通りをみんなで掃除しませんか。"
        "終わったあとにお店でお茶を飲めたら楽しいと思います。",
        0,
        IdeaState.done,
        "ご提案ありがとうございます。商店会の行事として実施します。"
        "軍手とごみ袋は商店会が用意します。",
        ["kenji", "yuki", "emma", "li_wei"],
        [
            (40, "商店会の理事会で実施が決まりました。", "The board decided to do it.", 30, False),
            (20, "参加のお店を募集しました(12店)。", "12 shops signed up to take part.", 60, False),
            (
                1,
                "第1回「商店街そうじの日」を開催しました。",
                "The first clean-up day took place.",
                100,
                True,
            ),
        ],
    ),
    (
        "emma",
        "en",
        "Bilingual signs from the station to the shops",
        "Visitors often get lost between the station and the shopping street. "
        "Simple signs in Japanese and English at the three main corners would help a lot.",
        1,
        IdeaState.in_progress,
        "Thank you. We will put up signs at the three corners before spring, with the city's help.",
        ["li_wei", "hanako"],
        [(10, "案内板のデザイン案ができました。", "The sign designs are ready.", 50, False)],
    ),
    (
        "kenji",
        "ja",
        "駅前に駐輪場を増やしてほしい",
        "夕方になると駅前の駐輪場がいっぱいで、歩道に自転車があふれています。",
        1,
        IdeaState.accepted,
        "市と相談し、来年度に南口の空き地を駐輪場にする方向で進めます。",
        ["yuki", "hanako"],
        [],
    ),
    (
        "yuki",
        "ja",
        "公園の砂場に日よけを",
        "夏は砂場が暑くて子どもが遊べません。日よけのテントがあると助かります。",
        2,
        IdeaState.not_adopted,
        "公園は市の管理のため商店会では設置できません。市の公園課に要望としてお伝えしました。",
        ["hanako"],
        [],
    ),
    (
        "li_wei",
        "en",
        "An online radio show about the shops",
        "A short weekly online show where shopkeepers talk about their shop and the town, "
        "for digital residents who live far away.",
        0,
        IdeaState.evaluating,
        "",
        ["emma"],
        [],
    ),
    (
        None,
        "ja",
        "商店街にベンチを置いてほしい",
        "買い物の途中で少し休める場所があると、お年寄りや子ども連れにうれしいです。",
        1,
        IdeaState.submitted,
        "",
        ["hanako", "kenji", "emma"],
        [],
    ),
    (
        "kenji",
        "ja",
        "夏に夜市を開く",
        "夏の土曜日の夜に、通りを歩行者天国にして夜市を開きたいです。",
        0,
        IdeaState.withdrawn,
        "",
        [],
        [],
    ),
]

PATHS = {
    IdeaState.submitted: [],
    IdeaState.evaluating: [IdeaState.evaluating],
    IdeaState.accepted: [IdeaState.evaluating, IdeaState.accepted],
    IdeaState.not_adopted: [IdeaState.evaluating, IdeaState.not_adopted],
    IdeaState.in_progress: [IdeaState.evaluating, IdeaState.accepted, IdeaState.in_progress],
    IdeaState.done: [
        IdeaState.evaluating,
        IdeaState.accepted,
        IdeaState.in_progress,
        IdeaState.done,
    ],
    IdeaState.withdrawn: [],
}


def _visitor(handle: str | None) -> Visitor | None:
    if handle is None:
        return db.session.scalar(select(Visitor).where(Visitor.email == RESIDENT_EMAIL))
    resident = db.session.scalar(select(Resident).where(Resident.handle == handle))
    return resident.visitor if resident is not None else None


def _categories() -> list[IdeaCategory]:
    found = []
    for position, name in enumerate(CATEGORIES):
        category = db.session.scalar(
            select(IdeaCategory).where(texts_sql(IdeaCategory.name, "ja") == name["ja"])
        )
        if category is None:
            category = operations.save_category(operations.CategoryInput(name, position))
        found.append(category)
    return found


def seed_ideas(now: datetime) -> list[Idea]:
    """The demo ideas (after the circles', conversations' and events' demo); idempotent."""
    categories = _categories()
    areas = list(db.session.scalars(select(Area).order_by(Area.position, Area.id)))
    event = db.session.scalar(
        select(Event).where(texts_sql(Event.title, "ja") == IN_PERSON_EVENT[0])
    )
    ideas = []
    for number, row in enumerate(IDEAS):
        handle, lang, title, body, category, state, answer, supporters, updates = row
        idea = db.session.scalar(select(Idea).where(Idea.title == title))
        if idea is not None:
            ideas.append(idea)
            continue
        author = _visitor(handle)
        if author is None:
            continue
        when = now - timedelta(days=60 - number * 5)
        idea = operations.propose(
            author,
            operations.IdeaInput(
                title=title,
                body=body,
                area_id=areas[number % len(areas)].id if areas else None,
                category_id=categories[category].id,
                language=lang,
            ),
            when,
        )
        for supporter in filter(None, map(_visitor, supporters)):
            operations.support(idea, supporter, when)
        if answer:
            operations.save_answer_draft(idea, answer)
            operations.publish_answer(idea, when + timedelta(days=3))
        for step, target in enumerate(PATHS[state]):
            moment = when + timedelta(days=2 + step * 3)
            if target is IdeaState.done:
                moment = max(now - timedelta(days=1), operations.year_start(now))
            operations.change_state(idea, target, moment)
        if state is IdeaState.withdrawn:
            operations.withdraw(idea, author, when + timedelta(days=1))
        for days_ago, text_ja, text_en, percent, linked in updates:
            operations.add_update(
                idea,
                operations.UpdateInput(
                    happened_on=(now - timedelta(days=days_ago)).date(),
                    text={"ja": text_ja, "en": text_en},
                    progress=percent,
                    event_id=event.id if linked and event is not None else None,
                ),
                now - timedelta(days=days_ago),
            )
        ideas.append(idea)
    # The demo resident follows the radio show idea (told of its changes).
    resident = _visitor(None)
    radio = next((i for i in ideas if i.title.startswith("An online radio")), None)
    if resident is not None and radio is not None:
        operations.follow(radio, resident, now)
    db.session.flush()
    return ideas
