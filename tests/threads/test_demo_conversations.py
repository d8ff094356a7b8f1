"""The demo's conversations: what a newcomer sees after ``flask --app rally demo``."""

import io

from sqlalchemy import func, select

from rally.circles.models import Circle
from rally.extensions import db
from rally.moderation.models import Report
from rally.threads.models import Pin, Post, PostPhoto, Reaction

from .conftest import EN, jpeg


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Post, Reaction, Pin, Report)
    )


def test_the_demo_writes_bilingual_threads_replies_reactions_a_pin_and_a_report_once(app, runner):
    with app.app_context():
        db.drop_all()  # the demo builds its schema through the migrations
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        once = counts()
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert counts() == once
        threads = db.session.scalars(select(Post).where(Post.thread_id.is_(None))).all()
        circles = {circle.id: circle.name["ja"] for circle in db.session.scalars(select(Circle))}
        assert {circles[thread.circle_id] for thread in threads} == {
            "まちの情報",
            "子育てひろば",
            "三鷹まちづくり会議室",
            "まちづくりアイデア",  # the demo's ideas (rally/ideas/demo.py), a thread each
        }
        assert {thread.language for thread in threads} == {"ja", "en"}
        # Each thread's reply count is its replies'.
        for thread in threads:
            replies = db.session.scalar(
                select(func.count()).select_from(Post).where(Post.thread_id == thread.id)
            )
            assert thread.reply_count == replies
        assert once[1] >= 10 and once[2] >= 1 and once[3] == 1
        report = db.session.scalar(select(Report))
        assert "https://example.com/offer" in report.post.text
        # Markdown is rendered when saved: the stored html has the bold and the list.
        rally = next(thread for thread in threads if thread.text.startswith("**年末"))
        assert "<strong>年末スタンプラリー</strong>" in rally.html and "<li>" in rally.html
        hiroba = next(
            c for c in db.session.scalars(select(Circle)) if c.name["ja"] == "子育てひろば"
        )
        assert hiroba.asks_photo_confirmation


def test_the_demo_resident_may_post_a_photo_right_after_the_demo_is_made(app, runner):
    """The demo's accounts signed up weeks ago: a person trying the demo is not held by the
    first day's rules for new accounts (no photos), however often the demo is run."""
    with app.app_context():
        db.drop_all()  # the demo builds its schema through the migrations
    for _ in range(2):
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        circles = db.session.scalars(select(Circle)).all()
        town = next(c.id for c in circles if c.name["ja"] == "まちの情報")
        photos = db.session.scalar(select(func.count()).select_from(PostPhoto))
    client = app.test_client()
    login = {"email": "resident@example.jp", "password": "rally-resident-demo"}
    assert client.post("/me/login", data=login).status_code == 303
    response = client.post(
        f"/circles/{town}/threads",
        data={"text": "商店街の夕焼けです", "photos": [(io.BytesIO(jpeg()), "sunset.jpg")]},
        headers=EN,
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PostPhoto)) == photos + 1
        thread = db.session.scalar(select(Post).where(Post.text == "商店街の夕焼けです"))
        assert [photo.position for photo in thread.photos] == [0]
