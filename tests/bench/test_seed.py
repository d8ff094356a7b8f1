"""The benchmark's bulk data: what the dashboard measurement relies on."""

import random
import sys
from pathlib import Path

from sqlalchemy import func, select

from rally.cards.models import Stamp
from rally.extensions import db

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import seed  # noqa: E402


def test_card_sizes_add_up_to_the_stamps_asked_for():
    sizes = seed._plan_cards(1_000, 10_000, 60, random.Random(1))
    assert sum(sizes) == 10_000
    assert min(sizes) >= 1 and max(sizes) <= 60


def test_bulk_stamps_are_real_stamps_one_per_card_and_checkpoint(ctx):
    campaign = seed.make_campaign(5, days_before=30, days_after=1)
    seed.bulk_stamps(campaign, stamps=300, cards=100)
    assert db.session.scalar(select(func.count()).select_from(Stamp)) == 300
    pairs = db.session.execute(select(Stamp.card_id, Stamp.checkpoint_id)).all()
    assert len(set(pairs)) == 300
    first, last = db.session.execute(
        select(func.min(Stamp.created_at), func.max(Stamp.created_at))
    ).one()
    assert campaign.starts_at <= first and last < campaign.ends_at
