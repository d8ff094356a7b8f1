"""Fixtures of the API's tests: residents with tokens, and the district's public things."""

import itertools
from datetime import timedelta

import pytest

from rally.api import tokens
from rally.api.models import ApiToken
from rally.auth.models import User
from rally.extensions import db
from rally.news.models import Event, NewsPost
from rally.spots.models import Spot, SpotKind
from rally.utils import utcnow
from rally.visitors.models import Visitor
from tests import factories

_n = itertools.count(1)


@pytest.fixture
def make_visitor(app):
    """A resident's account with a profile; returns its id."""

    def make(display_name=None):
        number = next(_n)
        return factories.create_visitor(
            app,
            email=f"api{number}@example.jp",
            handle=f"apiresident{number}",
            display_name=display_name or f"住民{number}",
        )

    return make


@pytest.fixture
def personal_token(app):
    """A personal token of ``visitor_id`` (scope me:read unless told); returns the secret."""

    def make(visitor_id, scopes=("me:read",), name="City app"):
        with app.app_context():
            visitor = db.session.get(Visitor, visitor_id)
            _token, secret = tokens.create_personal_token(
                visitor, tokens.TokenInput(name=name, scopes=scopes)
            )
            db.session.commit()
            return secret

    return make


@pytest.fixture
def app_token(app, admin):
    """An app token issued by an admin; returns ``(token id, secret)``."""

    def make(rate_limit=None, scopes=("public:read",), name="City app"):
        with app.app_context():
            user = db.session.get(User, admin.id)
            token, secret = tokens.issue_app_token(
                user, tokens.TokenInput(name=name, scopes=scopes, rate_limit=rate_limit)
            )
            db.session.commit()
            return token.id, secret

    return make


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def make_spot(app):
    def make(**kw):
        values = {
            "kind": SpotKind.park,
            "name": {"ja": f"公園{next(_n)}", "en": "A park"},
            "published": True,
        }
        values.update(kw)
        with app.app_context():
            spot = Spot(**values)
            db.session.add(spot)
            db.session.commit()
            return spot.id

    return make


@pytest.fixture
def make_event(app):
    def make(starts_in_days=3, **kw):
        now = utcnow()
        values = {
            "title": {"ja": f"イベント{next(_n)}", "en": "An event"},
            "place": {"ja": "三鷹駅前"},
            "starts_at": now + timedelta(days=starts_in_days),
            "ends_at": now + timedelta(days=starts_in_days, hours=2),
            "publish_at": now - timedelta(hours=1),
        }
        values.update(kw)
        with app.app_context():
            event = Event(**values)
            db.session.add(event)
            db.session.commit()
            return event.id

    return make


@pytest.fixture
def make_news(app):
    def make(**kw):
        values = {
            "title": {"ja": f"お知らせ{next(_n)}", "en": "News"},
            "body": {"ja": "本文"},
            "publish_at": utcnow() - timedelta(hours=1),
        }
        values.update(kw)
        with app.app_context():
            post = NewsPost(**values)
            db.session.add(post)
            db.session.commit()
            return post.id

    return make


def stored_tokens(app) -> list[ApiToken]:
    with app.app_context():
        rows = db.session.scalars(db.select(ApiToken)).all()
        db.session.expunge_all()
        return rows
