"""What the moderation links under each post (``moderation/_post_actions.html``) add to a
thread page: the partial included for 200 posts, for a circle moderator and for a reader,
against the same loop without it (minimum of 50 renders, each in a new request).

    python bench/post_actions.py

The thread page's budget (200 replies under 20 ms) is the threads room's row; this one says
how much of it the moderation links take.
"""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask import session  # noqa: E402

from rally import create_app  # noqa: E402
from rally.circles.models import (  # noqa: E402
    Circle,
    CircleKind,
    CircleMember,
    CircleStatus,
    MemberState,
)
from rally.extensions import db  # noqa: E402
from rally.passwords import password_stamp  # noqa: E402
from rally.residents.models import Resident  # noqa: E402
from rally.threads.models import Post  # noqa: E402
from rally.utils import utcnow  # noqa: E402
from rally.visitors.models import Visitor  # noqa: E402

POSTS = 200
RENDERS = 50


def visitor(number: int) -> Visitor:
    account = Visitor(email=f"bench{number}@example.jp", locale="ja", verified_at=utcnow())
    account.set_password("long enough pw")
    db.session.add(account)
    db.session.flush()
    db.session.add(
        Resident(visitor_id=account.id, display_name="n", handle=f"bench{number}", code_tries=0)
    )
    return account


def main() -> None:
    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
        }
    )
    with app.app_context():
        db.create_all()
        circle = Circle(
            kind=CircleKind.open,
            status=CircleStatus.active,
            name={"ja": "まちの情報"},
            description={},
            icon="",
        )
        db.session.add(circle)
        author, moderator, reader = visitor(1), visitor(2), visitor(3)
        db.session.add(
            CircleMember(
                circle_id=circle.id,
                visitor_id=moderator.id,
                state=MemberState.member,
                is_moderator=True,
                joined_at=utcnow(),
            )
        )
        db.session.add_all(
            Post(circle_id=circle.id, author_id=author.id, text="t", html="<p>t</p>")
            for _ in range(POSTS)
        )
        db.session.commit()
        who = {
            "circle moderator": (moderator.id, password_stamp(moderator.password_hash)),
            "reader": (reader.id, password_stamp(reader.password_hash)),
        }
    partial = app.jinja_env.from_string(
        '{% for post in posts %}{% include "moderation/_post_actions.html" %}{% endfor %}'
    )
    bare = app.jinja_env.from_string("{% for post in posts %}{{ post.id }}{% endfor %}")
    for label, (visitor_id, stamp) in who.items():
        with_links, without = [], []
        for _ in range(RENDERS):
            with app.test_request_context():
                session["visitor_id"], session["visitor_stamp"] = visitor_id, stamp
                posts = db.session.scalars(db.select(Post)).all()
                started = time.perf_counter()
                partial.render(posts=posts)
                middle = time.perf_counter()
                bare.render(posts=posts)
                with_links.append(middle - started)
                without.append(time.perf_counter() - middle)
                db.session.remove()
        print(
            f"{label}: {POSTS} posts with the links {min(with_links) * 1000:.2f} ms, "
            f"without {min(without) * 1000:.2f} ms (min of {RENDERS}; "
            f"load {os.getloadavg()[0]:.1f})"
        )


if __name__ == "__main__":
    main()
