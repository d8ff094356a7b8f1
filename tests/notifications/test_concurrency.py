"""Reactions arriving at once still make one unread notification per post and emoji: the
database decides (a partial unique index), as on PostgreSQL under real concurrency."""

from sqlalchemy import select

from rally.database import take_write_lock
from rally.extensions import db
from rally.notifications.models import Notification
from rally.threads.models import Post, Reaction
from rally.threads.signals import reaction_added


def test_simultaneous_reactions_make_one_notification(
    app, race, make_resident, make_circle, make_post, notes
):
    author = make_resident()
    post_id = make_post(make_circle(), author)
    fans = [make_resident() for _ in range(12)]

    def prepare(index):
        def act():
            with app.app_context():
                take_write_lock()  # as a POST request does (SQLite's BEGIN IMMEDIATE)
                reaction = Reaction(post_id=post_id, visitor_id=fans[index], emoji="👍")
                db.session.add(reaction)
                db.session.flush()
                reaction_added.send(reaction, post=db.session.get(Post, post_id))
                db.session.commit()
                return "ok"

        return act

    assert race(len(fans), prepare) == ["ok"] * len(fans)
    rows = notes(author)
    assert len(rows) == 1
    assert rows[0][1:2] == ("reaction",) and rows[0][4:] == ("👍", True)
    assert rows[0][2] in fans
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Reaction)) == 12
        assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 1
