"""The demo district's hand-me-down board."""

from sqlalchemy import select

from rally.demo import seed_demo
from rally.extensions import db
from rally.handmedown.models import Listing, ListingMessage
from rally.utils import utcnow

from .conftest import EN


def test_the_demo_board_has_a_stroller_a_car_seat_a_reservation_and_a_hand_over(app, client):
    with app.app_context():
        seed_demo(utcnow())
        db.session.commit()
        seed_demo(utcnow())  # idempotent
        db.session.commit()
        listings = {row.title: row for row in db.session.scalars(select(Listing))}
        assert len(listings) == 4
        states = sorted(row.state.value for row in listings.values())
        assert states == ["available", "available", "handed_over", "reserved"]
        assert all(row.photos for row in listings.values())
        car_seat = next(row for row in listings.values() if row.category.value == "car_seat")
        boots = next(row for row in listings.values() if row.state.value == "reserved")
        assert boots.store_id is not None
        assert len(db.session.scalars(select(ListingMessage)).all()) == 3
    assert 'data-testid="safety-warning"' in client.get(f"/handmedown/{car_seat.id}").text
    board = client.get("/handmedown", headers=EN).text
    assert "A型ベビーカー" in board and "rain boots, size 15" in board
    assert 'data-testid="handmedown-link"' in client.get("/circles", headers=EN).text
