"""Residents, areas and listings for the hand-me-down board's tests."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from rally.areas.models import Area
from rally.extensions import db
from rally.handmedown import operations
from rally.handmedown.models import (
    Listing,
    ListingCategory,
    ListingCondition,
    ListingMessage,
    ListingPhoto,
)
from rally.moderation.models import Decision, Report
from rally.notifications.models import Notification
from rally.utils import utcnow
from rally.visitors.models import Visitor
from tests import factories
from tests.threads.conftest import jpeg  # noqa: F401 (a JPEG with GPS data, for photo tests)

EN = {"Accept-Language": "en"}
_n = itertools.count(1)


@pytest.fixture
def make_visitor(app):
    """A visitor account with a complete profile, 30 days old unless ``new``."""

    def make(profile=True, confirmed=True, new=False, locale="ja", name=None):
        number = next(_n)
        return factories.create_visitor(
            app,
            email=f"giver{number}@example.jp",
            handle=f"giver{number}",
            display_name=name or f"住民{number}",
            locale=locale,
            profile=profile,
            confirmed=confirmed,
            created_at=utcnow() - (timedelta(hours=1) if new else timedelta(days=30)),
        )

    return make


@pytest.fixture
def area(app):
    with app.app_context():
        row = Area(name={"ja": "下連雀", "en": "Shimorenjaku"}, position=1)
        db.session.add(row)
        db.session.commit()
        return row.id


@pytest.fixture
def offer(app, area):
    """Offer a thing through the operation as ``visitor_id``; the listing's id."""

    def make(visitor_id, title="ベビーカー", category=ListingCategory.stroller, **kw):
        with app.app_context():
            visitor = db.session.get(Visitor, visitor_id)
            data = operations.ListingInput(
                title=title,
                description=kw.pop("description", "A-type stroller, folds flat."),
                category=category,
                condition=kw.pop("condition", ListingCondition.used),
                area_id=kw.pop("area_id", area),
                photos=tuple(kw.pop("photos", ())),
            )
            listing = operations.create_listing(visitor, data, kw.pop("now", utcnow()))
            db.session.commit()
            return listing.id

    return make


@pytest.fixture
def act(app):
    """Run an operation on a listing as ``visitor_id`` at ``now`` and commit."""

    def run(function, listing_id, visitor_id, *args, now=None):
        with app.app_context():
            listing = db.session.get(Listing, listing_id)
            visitor = db.session.get(Visitor, visitor_id) if visitor_id else None
            result = function(listing, visitor, *args, now or utcnow())
            db.session.commit()
            return result

    return run


def listing_row(app, listing_id):
    """(state, reserver, answered) of a listing, read fresh."""
    with app.app_context():
        listing = db.session.get(Listing, listing_id)
        return (listing.state.value, listing.reserver_id, listing.answered_at is not None)


def snapshot(app):
    """Everything the board and its moderation write, to prove a refusal wrote nothing."""
    with app.app_context():
        listings = db.session.execute(
            select(
                Listing.id,
                Listing.state,
                Listing.reserver_id,
                Listing.reserved_at,
                Listing.answered_at,
                Listing.store_id,
                Listing.moderation_state,
            ).order_by(Listing.id)
        ).all()
        counts = [
            len(db.session.scalars(select(model)).all())
            for model in (ListingMessage, ListingPhoto, Notification, Report, Decision)
        ]
        return listings, counts
