"""Factories for the shop window: news, coupons, events, spots, opening hours."""

from datetime import timedelta

import pytest

from rally.extensions import db
from rally.news.models import Coupon, Event, NewsPost
from rally.spots.models import Spot, SpotKind
from rally.utils import utcnow
from tests.conftest import texts


def _add(app, obj):
    with app.app_context():
        db.session.add(obj)
        db.session.commit()
        return obj.id


@pytest.fixture
def make_news(app):
    """A news post; ``store_id=None`` is an association announcement. Days relative to now."""

    def make(store_id=None, publish=-1, expires=None, **kw):
        now = utcnow()
        values = {
            "title_ja": "お知らせ",
            "title_en": "Announcement",
            "body_ja": "本文",
            "body_en": "Text",
        }
        values.update(kw)
        return _add(
            app,
            NewsPost(
                store_id=store_id,
                publish_at=now + timedelta(days=publish),
                expires_at=None if expires is None else now + timedelta(days=expires),
                **texts(values),
            ),
        )

    return make


@pytest.fixture
def make_coupon(app):
    def make(store_id, publish=-1, expires=10, **kw):
        now = utcnow()
        values = {
            "title_ja": "100円引き",
            "title_en": "100 yen off",
            "terms_ja": "1回限り",
            "terms_en": "Once",
        }
        values.update(kw)
        return _add(
            app,
            Coupon(
                store_id=store_id,
                publish_at=now + timedelta(days=publish),
                expires_at=None if expires is None else now + timedelta(days=expires),
                **texts(values),
            ),
        )

    return make


@pytest.fixture
def make_event(app):
    def make(starts=3, hours=2, publish=-1, expires=None, **kw):
        now = utcnow()
        values = {
            "title_ja": "もちつき大会",
            "title_en": "Mochi festival",
            "place_ja": "神社",
            "place_en": "Shrine",
        }
        values.update(kw)
        starts_at = now + timedelta(days=starts)
        return _add(
            app,
            Event(
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=hours),
                publish_at=now + timedelta(days=publish),
                expires_at=None if expires is None else now + timedelta(days=expires),
                **texts(values),
            ),
        )

    return make


@pytest.fixture
def make_spot(app):
    def make(**kw):
        values = {
            "kind": SpotKind.shrine,
            "name_ja": "下連雀稲荷神社",
            "name_en": "Shimorenjaku Inari Shrine",
            "description_ja": "商店街の守り神。",
            "description_en": "The shrine of the shopping street.",
            "latitude": 35.6972,
            "longitude": 139.5612,
        }
        values.update(kw)
        return _add(app, Spot(**texts(values)))

    return make
