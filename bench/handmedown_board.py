"""The hand-me-down board's page and the lapse command, measured (issue 21).

    python bench/handmedown_board.py [--listings 2000] [--renders 200]

SQLite in a temporary folder, in-process (``app.test_client()``, the whole request through
Flask): 2,000 listings by 200 residents (a third reserved, half of those lapsed unanswered,
a tenth handed over), each with a photo row. ``GET /handmedown`` (the first page of 20:
available and lapsed first) and ``GET /handmedown?category=stroller&area=<id>`` for an
anonymous reader, 20 warm-up then ``--renders`` timed requests: median and p99 wall time.
Then ``lapse_due`` (the command's work) over every lapsed reservation, timed once, and a
second run that finds none. Prints the figures; nothing is written to results.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rally import create_app  # noqa: E402
from rally.areas.models import Area  # noqa: E402
from rally.extensions import db  # noqa: E402
from rally.handmedown import operations  # noqa: E402
from rally.handmedown.models import (  # noqa: E402
    Listing,
    ListingCategory,
    ListingCondition,
    ListingPhoto,
    ListingState,
)
from rally.residents.models import Resident  # noqa: E402
from rally.utils import utcnow  # noqa: E402
from rally.visitors.models import Visitor  # noqa: E402


def seed(count: int) -> int:
    now = utcnow()
    areas = [Area(name={"ja": f"地域{i}", "en": f"Area {i}"}, position=i) for i in range(4)]
    db.session.add_all(areas)
    visitors = []
    for number in range(200):
        visitor = Visitor(email=f"bench{number}@example.jp", password_hash="x", verified_at=now)
        db.session.add(visitor)
        visitors.append(visitor)
    db.session.flush()
    db.session.add_all(
        Resident(visitor_id=v.id, display_name=f"住民{v.id}", handle=f"b{v.id}", code_tries=0)
        for v in visitors
    )
    categories = list(ListingCategory)
    for index in range(count):
        state, reserver, reserved_at = ListingState.available, None, None
        if index % 3 == 0:
            state, reserver = ListingState.reserved, visitors[(index + 1) % 200].id
            reserved_at = now - (timedelta(days=4) if index % 6 == 0 else timedelta(hours=5))
        elif index % 10 == 1:
            state, reserver = ListingState.handed_over, visitors[(index + 1) % 200].id
            reserved_at = now - timedelta(days=9)
        listing = Listing(
            giver_id=visitors[index % 200].id,
            title=f"おさがり {index}",
            description="まだ使えます",
            html="<p>まだ使えます</p>",
            category=categories[index % len(categories)],
            condition=ListingCondition.used,
            area_id=areas[index % 4].id,
            state=state,
            reserver_id=reserver,
            reserved_at=reserved_at,
            created_at=now - timedelta(minutes=index),
        )
        db.session.add(listing)
        db.session.flush()
        db.session.add(
            ListingPhoto(listing_id=listing.id, name=f"p{index:031d}.jpg", thumbnail=f"t{index}")
        )
    db.session.commit()
    return areas[1].id


def timed(client, url: str, renders: int) -> tuple[float, float]:
    for _ in range(20):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(renders):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=2000)
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "RALLY_UPLOAD_FOLDER": folder,
        }
    )
    with app.app_context():
        db.create_all()
        area_id = seed(args.listings)
    client = app.test_client()
    for url in ("/handmedown", f"/handmedown?category=stroller&area={area_id}"):
        median, p99 = timed(client, url, args.renders)
        print(f"GET {url}: median {median:.1f} ms, p99 {p99:.1f} ms")
    with app.app_context():
        start = time.perf_counter()
        lapsed = operations.lapse_due(utcnow())
        db.session.commit()
        first = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        again = operations.lapse_due(utcnow())
        second = (time.perf_counter() - start) * 1000
    print(f"lapse_due: {lapsed} lapsed in {first:.0f} ms; again: {again} in {second:.1f} ms")


if __name__ == "__main__":
    main()
