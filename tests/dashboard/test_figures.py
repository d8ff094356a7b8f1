"""Merchant figures: stamps per day of the merchant's own stores, days in Asia/Tokyo."""

from datetime import datetime, timedelta

import pytest

from rally.campaigns.models import Checkpoint
from rally.cards.models import Card, Stamp
from rally.dashboard.merchant import stamps_per_day
from rally.extensions import db
from rally.stores.models import Store
from rally.utils import utcnow


@pytest.fixture
def stamps(app, make_campaign, merchant):
    """Give the merchant's store stamps at given UTC times; returns the store id."""

    def add(times, owner=merchant):
        _, checkpoints = make_campaign(stores=1)
        with app.app_context():
            checkpoint = db.session.get(Checkpoint, checkpoints[0])
            checkpoint.store.owner_id = owner.id
            for moment in times:
                card = Card()
                db.session.add(card)
                db.session.flush()
                db.session.add(
                    Stamp(
                        card_id=card.id,
                        checkpoint_id=checkpoint.id,
                        campaign_id=checkpoint.campaign_id,
                        created_at=moment,
                    )
                )
            db.session.commit()
            return checkpoint.store_id

    return add


def test_stamps_are_counted_per_tokyo_day(ctx, stamps, merchant):
    now = datetime(2026, 12, 10, 3, 0)  # 12:00 in Tokyo
    store_id = stamps(
        [
            datetime(2026, 12, 9, 14, 59),  # 23:59 on the 9th in Tokyo
            datetime(2026, 12, 9, 15, 0),  # 00:00 on the 10th in Tokyo
            datetime(2026, 12, 10, 2, 0),
            datetime(2026, 12, 8, 1, 0),
        ]
    )
    (figures,) = stamps_per_day([db.session.get(Store, store_id)], now, "Asia/Tokyo")
    assert [(row.day.isoformat(), row.stamps) for row in figures.days] == [
        ("2026-12-10", 2),
        ("2026-12-09", 1),
        ("2026-12-08", 1),
    ]
    assert figures.total == 4
    assert figures.busiest == 2


def test_old_stamps_fall_outside_the_window(ctx, stamps):
    now = datetime(2026, 12, 31, 3, 0)
    store_id = stamps([now - timedelta(days=40), now - timedelta(days=1)])
    (figures,) = stamps_per_day([db.session.get(Store, store_id)], now, "Asia/Tokyo")
    assert figures.total == 1


def test_page_shows_only_own_stores_numbers(client, auth, merchant, other_merchant, stamps):
    now = utcnow()
    own = stamps([now, now - timedelta(minutes=5), now - timedelta(days=2)])
    stamps([now] * 3, owner=other_merchant)
    auth.login(merchant)
    response = client.get("/merchant/figures", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.text
    assert f'data-testid="figures-{own}"' in page
    assert page.count('data-testid="figures-') == 1
    assert "3 stamps in total" in page
    assert '<th scope="col">Stamps</th>' in page


def test_empty_state(client, auth, merchant, own_store):
    auth.login(merchant)
    page = client.get("/merchant/figures", headers={"Accept-Language": "en"}).text
    assert "No stamps yet." in page


def test_anonymous_is_sent_to_login(client):
    assert client.get("/merchant/figures").status_code == 302
