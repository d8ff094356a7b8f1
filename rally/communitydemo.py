"""The demo district's conversations (``flask --app rally demo``): threads in the three demo
circles, replies, reactions, a pinned post, a reported post and the people who wrote them;
then the hand-me-down board's listings (:mod:`rally.handmedown.demo`).

Idempotent: a thread is found by its circle and its text, a reaction and a report by their
unique constraints' columns, an account by its e-mail address. Published posts and new
reactions are announced as the threads room announces them (``post_published``,
``reaction_added``), so the demo residents find their notifications as after real use.
"""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from rally.cards.models import Card
from rally.circles.models import Circle, CircleMember, MemberState
from rally.extensions import db
from rally.handmedown.demo import seed_handmedown
from rally.i18n.content import texts_sql
from rally.moderation.models import Report, ReportReason
from rally.residents.models import Resident
from rally.threads.models import Pin, Post, PostState, Reaction
from rally.threads.signals import post_published, reaction_added
from rally.ugc.text import render_post
from rally.utils import utcnow
from rally.visitors.models import Visitor

# Residents who only write in the demo: their passwords are random (nobody logs in as them).
# (e-mail, display name, handle, language, verified resident, days since sign-up)
WRITERS = [
    ("hanako@example.jp", "駅前のはなこ", "hanako", "ja", True, 400),
    ("kenji@example.jp", "けんじ（八百屋の隣）", "kenji", "ja", True, 200),
    ("emma@example.com", "Emma in Sendai", "emma", "en", False, 90),
    ("yuki@example.jp", "ゆき🌸", "yuki", "ja", True, 120),
    ("li@example.com", "Li (digital resident)", "li_wei", "en", False, 60),
    # A newcomer who only advertises: the reported post is theirs.
    ("deals@example.com", "Travel Deals", "travel_deals", "en", False, 3),
]

TOWN = "まちの情報"
HIROBA = "子育てひろば"
LAB = "三鷹まちづくり会議室"

# circle (its Japanese name), author handle, text, hours ago, replies [(handle, text, hours ago)],
# reactions [(handle, emoji)], pinned
THREADS = [
    (
        TOWN,
        "sakura",
        "**年末スタンプラリー**が始まりました！🎉\n\n"
        "- 参加店でQRコードを読み取るとスタンプ1つ\n"
        "- 5つで福引き券、10個で商品券\n\n"
        "詳しくは商店街のページをご覧ください。",
        30,
        [
            ("hanako", "昨日さっそく3つ集めました。パン屋さんのスタンプがかわいい！", 20),
            ("emma", "Can visitors from outside Mitaka join too? I come every weekend.", 12),
            ("sakura", "@emma Yes! Anyone can join, no sign-up needed. Enjoy!", 10),
        ],
        [("hanako", "🎉"), ("kenji", "🎉"), ("yuki", "👍"), ("emma", "❤️"), ("taro", "👍")],
        True,
    ),
    (
        TOWN,
        "kenji",
        "井の頭公園の入口の近くで、青い手袋の落とし物がありました。"
        "八百屋さんの店先に預けてあります。",
        8,
        [("yuki", "うちの子のかもしれません！夕方に取りに行きます。ありがとうございます🙏", 6)],
        [("yuki", "🙏"), ("hanako", "👍")],
        False,
    ),
    (
        TOWN,
        "emma",
        "The ginkgo trees along the street near the station are turning yellow. "
        "Best photo spot this week, in my opinion!",
        50,
        [("hanako", "駅前のイチョウ並木、今年はきれいですね。", 40)],
        [("hanako", "❤️"), ("li_wei", "👀")],
        False,
    ),
    (
        HIROBA,
        "sakura",
        "冬の**おさがり交換会**を12月20日（土）10時から、ひろばの部屋で開きます。\n\n"
        "> サイズ80〜120の冬服、絵本、おもちゃが集まっています。\n\n"
        "お子さんの写真は顔が分からないものだけ載せてくださいね。",
        26,
        [
            ("yuki", "110サイズのダウンを持っていきます。", 18),
            ("hanako", "絵本を10冊ほど持っていけます！", 16),
        ],
        [("yuki", "🎉"), ("hanako", "❤️")],
        True,
    ),
    (
        HIROBA,
        "yuki",
        "雨の日に子どもと遊べる場所、どこかありますか？公園以外だと図書館くらいしか思いつかなくて…",
        5,
        [("sakura", "市の子ども家庭支援センターに室内の遊び場がありますよ。平日10時から。", 3)],
        [("sakura", "👀")],
        False,
    ),
    (
        LAB,
        "li_wei",
        "Idea: a map of benches and quiet spots for older people walking between shops. "
        "I live in Sendai but visit my parents here every month.",
        70,
        [
            ("kenji", "いいですね。駅から公園までの道にはベンチが少ないと思います。", 60),
            ("sakura", "次の会議室の議題にします。地図づくりに参加できる方を募集します！", 48),
        ],
        [("kenji", "👍"), ("sakura", "👍"), ("hanako", "👍"), ("emma", "❤️")],
        False,
    ),
]

# A post one demo resident reported (a moderator finds it in the queue).
REPORTED = (
    TOWN,
    "travel_deals",
    "Cheap flights!!! Visit my page for a special offer → https://example.com/offer",
    2,
)


def _writer(email: str, name: str, handle: str, lang: str, verified: bool, days: int, now):
    visitor = db.session.scalar(select(Visitor).where(Visitor.email == email))
    if visitor is None:
        visitor = Visitor(
            email=email, locale=lang, verified_at=now, created_at=now - timedelta(days=days)
        )
        visitor.set_password(secrets.token_urlsafe(24))
        db.session.add(visitor)
        db.session.flush()
        db.session.add(Card(locale=lang, visitor_id=visitor.id))
    if db.session.get(Resident, visitor.id) is None:
        db.session.add(
            Resident(
                visitor_id=visitor.id,
                display_name=name,
                handle=handle,
                code_tries=0,
                resident_verified_at=now if verified else None,
            )
        )
    return visitor


def _join(circle: Circle, visitor_id: int, now: datetime) -> None:
    found = db.session.scalar(
        select(CircleMember).where(
            CircleMember.circle_id == circle.id, CircleMember.visitor_id == visitor_id
        )
    )
    if found is None:
        db.session.add(
            CircleMember(
                circle_id=circle.id,
                visitor_id=visitor_id,
                state=MemberState.member,
                is_moderator=False,
                requested_at=now - timedelta(days=30),
                joined_at=now - timedelta(days=30),
            )
        )


def _post(
    circle: Circle, author_id: int, text: str, at: datetime, thread: Post | None, handles: dict
) -> Post:
    post = db.session.scalar(
        select(Post).where(
            Post.circle_id == circle.id,
            Post.text == text,
            Post.thread_id.is_(None) if thread is None else Post.thread_id == thread.id,
        )
    )
    if post is not None:
        return post
    post = Post(
        circle_id=circle.id,
        thread_id=None if thread is None else thread.id,
        author_id=author_id,
        text=text,
        html=str(render_post(text)),
        language="en" if text.isascii() else "ja",
        state=PostState.visible,
        created_at=at,
        last_activity_at=at,
    )
    db.session.add(post)
    db.session.flush()
    if thread is not None:
        thread.reply_count += 1
        thread.last_activity_at = max(thread.last_activity_at, at)
    mentioned = {
        visitor_id
        for handle, visitor_id in handles.items()
        if f"@{handle}" in text and visitor_id != author_id
    }
    post_published.send(post, mentioned=mentioned)
    return post


def seed_conversations(now: datetime | None = None) -> dict:
    """Threads, replies, reactions, a pinned thread per circle that has one, and a reported
    post, over the circles and residents :func:`rally.circles.demo.seed_circles` made."""
    now = now or utcnow()
    circles = {
        name: db.session.scalar(select(Circle).where(texts_sql(Circle.name, "ja") == name))
        for name in (TOWN, HIROBA, LAB)
    }
    if any(circle is None for circle in circles.values()):
        return {"threads": 0}
    # Posting a photo in the child-raising circle asks to confirm no child can be identified.
    circles[HIROBA].asks_photo_confirmation = True
    for email, name, handle, lang, verified, days in WRITERS:
        visitor = _writer(email, name, handle, lang, verified, days, now)
        for circle in circles.values():
            _join(circle, visitor.id, now)
    db.session.flush()
    handles = {
        resident.handle: resident.visitor_id
        for resident in db.session.scalars(select(Resident).where(Resident.handle.isnot(None)))
    }
    threads = 0
    for circle_name, handle, text, hours, replies, reactions, pinned in THREADS:
        circle = circles[circle_name]
        thread = _post(circle, handles[handle], text, now - timedelta(hours=hours), None, handles)
        threads += 1
        for reply_handle, reply_text, reply_hours in replies:
            at = now - timedelta(hours=reply_hours)
            _post(circle, handles[reply_handle], reply_text, at, thread, handles)
        for reaction_handle, emoji in reactions:
            _reaction(thread, handles[reaction_handle], emoji, now)
        if pinned and db.session.scalar(select(Pin).where(Pin.post_id == thread.id)) is None:
            db.session.add(Pin(circle_id=circle.id, post_id=thread.id, pinned_at=now))
    circle_name, handle, text, hours = REPORTED
    at = now - timedelta(hours=hours)
    reported = _post(circles[circle_name], handles[handle], text, at, None, handles)
    reporter = handles["hanako"]
    if (
        db.session.scalar(
            select(Report).where(Report.reporter_id == reporter, Report.post_id == reported.id)
        )
        is None
    ):
        db.session.add(
            Report(
                reporter_id=reporter,
                post_id=reported.id,
                reason=ReportReason.spam,
                note="宣伝のリンクだけの投稿です。",
                trusted=True,
                created_at=now - timedelta(hours=1),
            )
        )
    db.session.flush()
    handmedown = seed_handmedown(now)  # rally/handmedown/demo.py: the hand-me-down board
    return {"threads": threads + 1, **handmedown}


def _reaction(post: Post, visitor_id: int, emoji: str, now: datetime) -> None:
    found = db.session.scalar(
        select(Reaction).where(
            Reaction.post_id == post.id, Reaction.visitor_id == visitor_id, Reaction.emoji == emoji
        )
    )
    if found is None:
        reaction = Reaction(post_id=post.id, visitor_id=visitor_id, emoji=emoji, created_at=now)
        db.session.add(reaction)
        db.session.flush()
        reaction_added.send(reaction, post=post)
