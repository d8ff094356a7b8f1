"""A merchant's stamps per day: the figures page of the merchant area (``/merchant/figures``).

It reads the stamps themselves, so it lives above the cards room; the URL stays in the
merchant area, hence a blueprint of its own without the dashboard's prefix.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from sqlalchemy import select

from rally.auth.decorators import merchant_required
from rally.campaigns.models import Checkpoint
from rally.cards.models import Stamp
from rally.extensions import db
from rally.stores.models import Store
from rally.stores.operations import stores_of
from rally.utils import utcnow

bp = Blueprint("merchant_figures", __name__, template_folder="templates")


@dataclass(frozen=True)
class DayCount:
    day: date
    stamps: int


@dataclass(frozen=True)
class StoreFigures:
    store: Store
    days: list[DayCount]  # newest first, only days with stamps
    total: int
    busiest: int


def stamps_per_day(
    stores: list[Store], now: datetime, timezone: str, days: int = 30
) -> list[StoreFigures]:
    """Count each store's stamps per local day over the last ``days`` days.

    Grouping happens in Python on the district's zone so SQLite and PostgreSQL agree and
    a stamp at 23:30 Tokyo time counts for that Tokyo day, not the UTC one.

    :param now: naive UTC.
    :param timezone: the district's zone, e.g. ``Asia/Tokyo``.
    """
    if not stores:
        return []
    zone = ZoneInfo(timezone)
    utc = ZoneInfo("UTC")
    local_today = now.replace(tzinfo=utc).astimezone(zone).date()
    first_day = local_today - timedelta(days=days - 1)
    since = (
        datetime.combine(first_day, datetime.min.time(), zone).astimezone(utc).replace(tzinfo=None)
    )
    rows = db.session.execute(
        select(Checkpoint.store_id, Stamp.created_at, Stamp.count)
        .join(Checkpoint, Stamp.checkpoint_id == Checkpoint.id)
        .where(Checkpoint.store_id.in_([store.id for store in stores]), Stamp.created_at >= since)
    )
    counts: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for store_id, created_at, count in rows:
        # A purchase at the register can give several stamps at once.
        counts[store_id][created_at.replace(tzinfo=utc).astimezone(zone).date()] += count
    figures = []
    for store in stores:
        per_day = counts.get(store.id, {})
        day_counts = [DayCount(day, per_day[day]) for day in sorted(per_day, reverse=True)]
        figures.append(
            StoreFigures(
                store=store,
                days=day_counts,
                total=sum(per_day.values()),
                busiest=max(per_day.values(), default=0),
            )
        )
    return figures


@bp.get("/merchant/figures")
@merchant_required
def figures():
    figures = stamps_per_day(
        stores_of(current_user), utcnow(), current_app.config["RALLY_TIMEZONE"]
    )
    return render_template("dashboard/merchant_figures.html", figures=figures)
