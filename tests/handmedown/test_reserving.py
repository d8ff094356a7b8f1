"""Reserving a listing: one resident at a time (decided by the database), never one's own,
never between residents who block each other; cancelling, handing over, withdrawing; a
reservation the giver leaves unanswered lapses after 3 days."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from rally.errors import RallyError
from rally.extensions import db
from rally.handmedown import operations
from rally.handmedown.models import Listing
from rally.notifications.models import Notification
from rally.residents.models import BlockKind, ResidentBlock
from rally.utils import utcnow

from .conftest import EN, listing_row, snapshot


def reserve(client, listing_id):
    return client.post(f"/handmedown/{listing_id}/reserve", data={"confirmed": "1"}, headers=EN)


def notifications(app, kind):
    with app.app_context():
        return [
            (row.visitor_id, row.actor_id, row.listing_id)
            for row in db.session.scalars(select(Notification).where(Notification.kind == kind))
        ]


def test_sixteen_residents_reserve_one_item_at_once_one_gets_it(
    app, make_visitor, offer, visitor_client, race
):
    """On PostgreSQL too (RALLY_TEST_DATABASE_URL): ``UPDATE ... WHERE state = 'available'``
    lets one of 16 requests sent together reserve; the 15 others are told, with 409."""
    giver = make_visitor()
    listing_id = offer(giver)
    residents = [make_visitor() for _ in range(16)]

    def prepare(index):
        client = visitor_client(residents[index])
        return lambda: (lambda r: (r.status_code, r.get_data(as_text=True)))(
            reserve(client, listing_id)
        )

    results = race(16, prepare)
    statuses = sorted(status for status, _text in results)
    assert statuses == [303] + [409] * 15
    refused = [text for status, text in results if status == 409]
    assert all("another resident reserved it a moment before you" in t for t in refused)
    state, reserver, _answered = listing_row(app, listing_id)
    assert state == "reserved"
    winner = residents[[status for status, _t in results].index(303)]
    assert reserver == winner
    assert notifications(app, "listing_reserved") == [(giver, winner, listing_id)]


def test_the_giver_cannot_reserve_their_own_listing(app, make_visitor, offer, visitor_client):
    giver = make_visitor()
    listing_id = offer(giver)
    before = snapshot(app)
    response = reserve(visitor_client(giver), listing_id)
    assert response.status_code == 403
    assert snapshot(app) == before
    page = visitor_client(giver).get(f"/handmedown/{listing_id}", headers=EN).text
    assert 'data-testid="reserve"' not in page


@pytest.mark.parametrize("blocker", ["giver", "other"])
def test_residents_who_block_each_other_cannot_reserve_each_others_items(
    app, make_visitor, offer, visitor_client, blocker
):
    giver, other = make_visitor(), make_visitor()
    listing_id = offer(giver)
    with app.app_context():
        one, two = (giver, other) if blocker == "giver" else (other, giver)
        db.session.add(ResidentBlock(visitor_id=one, other_id=two, kind=BlockKind.block))
        db.session.commit()
    before = snapshot(app)
    assert reserve(visitor_client(other), listing_id).status_code == 403
    assert snapshot(app) == before


def test_a_reservation_asks_for_confirmation_first(app, make_visitor, offer, visitor_client):
    giver, other = make_visitor(), make_visitor()
    listing_id = offer(giver)
    client = visitor_client(other)
    before = snapshot(app)
    page = client.post(f"/handmedown/{listing_id}/reserve", headers=EN)
    assert page.status_code == 200
    assert "Reserve it only if you will pick it up" in page.text
    assert snapshot(app) == before
    assert reserve(client, listing_id).status_code == 303
    assert listing_row(app, listing_id)[:2] == ("reserved", other)


def test_visitors_not_logged_in_are_sent_to_log_in(app, make_visitor, offer, client):
    listing_id = offer(make_visitor())
    before = snapshot(app)
    response = reserve(client, listing_id)
    assert response.status_code == 303
    assert "/login" in response.headers["Location"]
    assert snapshot(app) == before


def test_an_incomplete_profile_cannot_reserve(app, make_visitor, offer, act):
    listing_id = offer(make_visitor())
    nobody = make_visitor(profile=False)
    with pytest.raises(RallyError) as refused:
        act(operations.reserve, listing_id, nobody)
    assert refused.value.code == "profile_incomplete"
    assert listing_row(app, listing_id)[0] == "available"


def test_either_side_cancels_and_the_item_returns(app, make_visitor, offer, act):
    giver, other, third = make_visitor(), make_visitor(), make_visitor()
    listing_id = offer(giver)
    act(operations.reserve, listing_id, other)
    with pytest.raises(RallyError) as refused:
        act(operations.cancel_reservation, listing_id, third)
    assert refused.value.code == "not_party"
    act(operations.cancel_reservation, listing_id, other)
    assert listing_row(app, listing_id) == ("available", None, False)
    assert notifications(app, "listing_cancelled") == [(giver, other, listing_id)]
    act(operations.reserve, listing_id, third)
    act(operations.cancel_reservation, listing_id, giver)
    assert listing_row(app, listing_id) == ("available", None, False)
    assert (third, giver, listing_id) in notifications(app, "listing_cancelled")


def test_only_the_giver_hands_over_and_only_a_reserved_item(app, make_visitor, offer, act):
    giver, other = make_visitor(), make_visitor()
    listing_id = offer(giver)
    with pytest.raises(RallyError) as refused:
        act(operations.hand_over, listing_id, giver)
    assert refused.value.code == "not_reserved"
    act(operations.reserve, listing_id, other)
    with pytest.raises(RallyError) as refused:
        act(operations.hand_over, listing_id, other)
    assert refused.value.code == "not_giver"
    act(operations.hand_over, listing_id, giver)
    assert listing_row(app, listing_id) == ("handed_over", other, True)
    with pytest.raises(RallyError) as refused:
        act(operations.reserve, listing_id, make_visitor())
    assert refused.value.code == "not_available"


def test_a_withdrawn_listing_is_seen_only_by_its_giver(
    app, make_visitor, offer, act, client, visitor_client
):
    giver, other = make_visitor(), make_visitor()
    listing_id = offer(giver, title="ベビーベッド")
    act(operations.reserve, listing_id, other)
    act(operations.withdraw, listing_id, giver)
    assert listing_row(app, listing_id)[0] == "withdrawn"
    assert notifications(app, "listing_cancelled") == [(other, giver, listing_id)]
    assert client.get(f"/handmedown/{listing_id}").status_code == 404
    assert visitor_client(other).get(f"/handmedown/{listing_id}").status_code == 404
    assert "ベビーベッド" not in client.get("/handmedown").text
    assert visitor_client(giver).get(f"/handmedown/{listing_id}").status_code == 200


# Lapsing.


def test_an_unanswered_reservation_lapses_after_3_days_not_before(
    app, make_visitor, offer, act, client
):
    giver, other = make_visitor(), make_visitor()
    listing_id = offer(giver, title="ベビーカー")
    start = utcnow() - timedelta(days=3, minutes=1)
    act(operations.reserve, listing_id, other, now=start)
    with app.app_context():
        listing = db.session.get(Listing, listing_id)
        assert not operations.is_lapsed(listing, start + timedelta(days=3) - timedelta(seconds=1))
        assert operations.is_lapsed(listing, start + timedelta(days=3))
    # Read before the command ran: the board already shows it available, first.
    board = client.get("/handmedown", headers=EN).text
    assert 'data-testid="listing-state">Available' in board
    page = client.get(f"/handmedown/{listing_id}", headers=EN).text
    assert 'data-testid="listing-state">Available' in page
    with app.app_context():
        assert operations.lapse_due(start + timedelta(days=3) - timedelta(seconds=1)) == 0
        db.session.commit()
    assert listing_row(app, listing_id)[:2] == ("reserved", other)


def test_the_lapse_command_returns_the_item_once_and_tells_the_reserver(
    app, make_visitor, offer, act, runner
):
    giver, other = make_visitor(), make_visitor()
    listing_id = offer(giver)
    act(operations.reserve, listing_id, other, now=utcnow() - timedelta(days=4))
    result = runner.invoke(args=["handmedown", "lapse"])
    assert result.exit_code == 0, result.output
    assert "Reservations lapsed: 1." in result.output
    assert listing_row(app, listing_id) == ("available", None, False)
    assert notifications(app, "listing_lapsed") == [(other, None, listing_id)]
    again = runner.invoke(args=["handmedown", "lapse"])
    assert "Reservations lapsed: 0." in again.output
    assert notifications(app, "listing_lapsed") == [(other, None, listing_id)]


def test_a_lapsed_item_can_be_reserved_by_another_without_the_command(
    app, make_visitor, offer, act, visitor_client
):
    giver, first, second = make_visitor(), make_visitor(), make_visitor()
    listing_id = offer(giver)
    act(operations.reserve, listing_id, first, now=utcnow() - timedelta(days=4))
    assert reserve(visitor_client(second), listing_id).status_code == 303
    assert listing_row(app, listing_id)[:2] == ("reserved", second)
    assert notifications(app, "listing_lapsed") == [(first, None, listing_id)]


@pytest.mark.parametrize("answer", ["message", "confirm", "store"])
def test_a_reservation_the_giver_answered_does_not_lapse(
    app, make_visitor, offer, act, make_store, answer
):
    giver, other = make_visitor(), make_visitor()
    listing_id = offer(giver)
    start = utcnow() - timedelta(days=5)
    act(operations.reserve, listing_id, other, now=start)
    if answer == "message":
        act(operations.send_message, listing_id, giver, "土曜日はいかがですか", now=start)
    elif answer == "confirm":
        act(operations.confirm, listing_id, giver, now=start)
    else:
        store_id = make_store()
        act(operations.choose_store, listing_id, giver, store_id, now=start)
    with app.app_context():
        assert operations.lapse_due(utcnow()) == 0
        db.session.commit()
    assert listing_row(app, listing_id) == ("reserved", other, True)


def test_a_message_from_the_reserver_is_no_answer(app, make_visitor, offer, act):
    giver, other = make_visitor(), make_visitor()
    listing_id = offer(giver)
    start = utcnow() - timedelta(days=4)
    act(operations.reserve, listing_id, other, now=start)
    act(operations.send_message, listing_id, other, "まだありますか？", now=start)
    with app.app_context():
        assert operations.lapse_due(utcnow()) == 1
        db.session.commit()
    assert listing_row(app, listing_id)[0] == "available"


def test_only_an_approved_store_is_a_hand_over_point(app, make_visitor, offer, act, make_store):
    from rally.stores.models import StoreStatus

    giver, other = make_visitor(), make_visitor()
    listing_id = offer(giver)
    act(operations.reserve, listing_id, other)
    pending = make_store(status=StoreStatus.pending)
    with pytest.raises(RallyError) as refused:
        act(operations.choose_store, listing_id, giver, pending)
    assert refused.value.code == "store_not_participating"
    with pytest.raises(RallyError) as refused:
        act(operations.choose_store, listing_id, other, make_store())
    assert refused.value.code == "not_giver"
    with app.app_context():
        assert db.session.get(Listing, listing_id).store_id is None


def test_withdrawing_asks_first_and_a_visitor_logs_in_back_to_the_listing(
    app, make_visitor, offer, visitor_client, client
):
    giver = make_visitor()
    listing_id = offer(giver)
    owner = visitor_client(giver)
    before = snapshot(app)
    asked = owner.post(f"/handmedown/{listing_id}/withdraw", headers=EN)
    assert asked.status_code == 200 and "Withdraw this listing?" in asked.text
    assert snapshot(app) == before
    done = owner.post(f"/handmedown/{listing_id}/withdraw", data={"confirmed": "1"})
    assert done.status_code == 303
    assert listing_row(app, listing_id)[0] == "withdrawn"
    other = offer(giver, title="絵本")
    login = client.post(f"/handmedown/{other}/reserve", data={"confirmed": "1"})
    assert login.headers["Location"].endswith(f"next=/handmedown/{other}")


def test_the_two_see_the_hand_over_store_others_do_not(
    app, make_visitor, offer, act, make_store, visitor_client, client
):
    giver, other = make_visitor(), make_visitor()
    listing_id = offer(giver)
    act(operations.reserve, listing_id, other)
    page = visitor_client(giver).get(f"/handmedown/{listing_id}", headers=EN).text
    assert 'data-testid="store-form"' in page
    store_id = make_store(name_en="Station Bakery")
    chosen = visitor_client(giver).post(
        f"/handmedown/{listing_id}/store", data={"store": str(store_id)}
    )
    assert chosen.status_code == 303
    shown = visitor_client(other).get(f"/handmedown/{listing_id}", headers=EN).text
    assert 'data-testid="handover-store"' in shown and "Station Bakery" in shown
    assert 'data-testid="store-form"' not in shown
    assert "Station Bakery" not in client.get(f"/handmedown/{listing_id}", headers=EN).text
