"""The demo district's survey (``flask --app rally demo``): about the year-end rally and the
shopping street, anonymous, results public, answered by twenty demo residents.

Idempotent: the survey is found by its Japanese title, the residents by their e-mail
address. The demo resident (resident@example.jp) has not answered, so a person trying the
demo can.
"""

import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from rally.cards.models import Card
from rally.extensions import db
from rally.i18n.content import texts_sql
from rally.passwords import hash_password
from rally.residents.models import Resident
from rally.visitors.models import Visitor

from .models import Audience, QuestionKind, Survey
from .operations import QuestionInput, SurveyInput, add_question, save_survey, submit_answers

TITLE = {
    "ja": "年末スタンプラリーと商店街についてのアンケート",
    "en": "Survey: the year-end rally and our shopping street",
    "zh_Hans": "关于年末集章活动和商店街的问卷",
    "zh_Hant": "關於年末集章活動和商店街的問卷",
    "ko": "연말 스탬프 랠리와 상점가에 관한 설문",
}
DESCRIPTION = {
    "ja": "商店会から皆さんへの質問です。回答は匿名で、結果はこのサイトで公開します。",
    "en": "The association's questions to you. Answers are anonymous; the results are "
    "published on this site.",
}
QUESTIONS = [
    (
        QuestionKind.single,
        {"ja": "スタンプラリーを何で知りましたか？", "en": "How did you hear of the stamp rally?"},
        {
            "ja": "商店街のポスター\nSNS\n友人・家族\n市報\nその他",
            "en": "Posters on the street\nSocial media\nFriends or family\n"
            "The city newsletter\nOther",
        },
        True,
    ),
    (
        QuestionKind.several,
        {
            "ja": "商店街にあったらうれしいものは？（いくつでも）",
            "en": "What would you like on the shopping street? (any number)",
        },
        {
            "ja": "ベンチ・休憩所\n無料Wi-Fi\n子ども向けイベント\n夜の営業\n駐輪場",
            "en": "Benches and rest places\nFree Wi-Fi\nEvents for children\n"
            "Evening opening hours\nBicycle parking",
        },
        True,
    ),
    (
        QuestionKind.scale,
        {
            "ja": "年末スタンプラリーの満足度を教えてください。",
            "en": "How satisfied are you with the year-end rally?",
        },
        {},
        True,
    ),
    (
        QuestionKind.text,
        {"ja": "ご意見・ご感想があればどうぞ。", "en": "Any comments or ideas?"},
        {},
        False,
    ),
]
COMMENTS = [
    "景品の交換場所がもう少し分かりやすいと助かります。",
    "子どもと一緒に楽しめました。来年もぜひ。",
    "Loved walking the street with the card. More English signs, please!",
    "駅から遠いお店にも行くきっかけになりました。",
    "",
]
EMAIL = "survey-resident-{:02d}@example.jp"
RESPONSES = 20


def _demo_residents(count: int) -> list[Visitor]:
    """``count`` demo residents (verified e-mail, a profile), created once; they share one
    random, unknown password: nobody logs in as them."""
    password_hash = None
    visitors = []
    for number in range(1, count + 1):
        email = EMAIL.format(number)
        visitor = db.session.scalar(select(Visitor).where(Visitor.email == email))
        if visitor is None:
            password_hash = password_hash or hash_password(secrets.token_urlsafe(24))
            visitor = Visitor(email=email, locale="ja", verified_at=datetime(2026, 1, 1))
            visitor.password_hash = password_hash
            db.session.add(visitor)
            db.session.flush()
            db.session.add(Card(locale="ja", visitor_id=visitor.id))
            db.session.add(
                Resident(
                    visitor_id=visitor.id,
                    display_name=f"アンケート住民 {number}",
                    handle=f"survey{number:02d}",
                    code_tries=0,
                )
            )
        visitors.append(visitor)
    db.session.flush()
    return visitors


def seed_survey(now: datetime) -> Survey:
    """The demo survey with its answers; once made, left as it is."""
    survey = db.session.scalar(select(Survey).where(texts_sql(Survey.title, "ja") == TITLE["ja"]))
    if survey is not None:
        return survey
    survey = save_survey(
        SurveyInput(
            title=TITLE,
            description=DESCRIPTION,
            audience=Audience.everyone,
            circle_id=None,
            anonymous=True,
            results_public=True,
            opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(days=30),
        )
    )
    for kind, text, choices, required in QUESTIONS:
        add_question(survey, QuestionInput(kind, text, choices, required))
    single, several, scale, comment = survey.questions
    pick = random.Random(20)  # the same answers at every run
    for index, visitor in enumerate(_demo_residents(RESPONSES)):
        ticked = pick.sample(range(1, 6), pick.randint(1, 3))
        values = {
            single.id: [str(pick.choice([1, 1, 1, 2, 2, 3, 4, 5]))],
            several.id: [str(number) for number in ticked],
            scale.id: [str(pick.choice([3, 4, 4, 5, 5, 2]))],
            comment.id: [COMMENTS[index % len(COMMENTS)]],
        }
        submit_answers(survey, visitor, values, now)
    return survey
