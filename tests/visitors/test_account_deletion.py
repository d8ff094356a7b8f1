"""A visitor deletes their account: address and password erased, the card stays anonymous."""

# The tests take the lottery_campaign fixture imported from test_lottery as a parameter.
# ruff: noqa: F811

from lottery.test_lottery import (
    draw_in_own_session,
    lottery_campaign,  # noqa: F401 (a fixture)
    save_and_verify,
    verified_entrants,
    visitor_with_stamps,
)
from sqlalchemy import func, select

from rally.cards.models import Card
from rally.extensions import db
from rally.lottery import draw
from rally.lottery.models import Lottery, LotteryEntry
from rally.lottery.operations import published_data
from rally.visitors import operations
from rally.visitors.models import Visitor

EN = {"Accept-Language": "en"}
PASSWORD = "long enough pw"


def delete(client, password=PASSWORD):
    return client.post("/me/delete", data={"password": password}, headers=EN)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_deleting_erases_the_account_and_keeps_the_card_on_the_phone(
    app, make_campaign, stamp_path
):
    _, checkpoints = make_campaign()
    client = visitor_with_stamps(app, stamp_path, checkpoints[:2])
    save_and_verify(app, client, "hanako@example.jp")
    page = client.get("/me/delete", headers=EN)
    assert page.status_code == 200
    assert "You cannot undo this." in page.text
    assert 'data-testid="open-entries"' not in page.text

    response = delete(client)

    assert response.status_code == 303
    assert response.headers["Location"] == "/card"
    card_page = client.get("/card", headers=EN, follow_redirects=True).text
    assert "Your account is deleted" in card_page
    with app.app_context():
        assert count(Visitor) == 0
        card = db.session.scalar(select(Card))
        assert card.visitor_id is None
    # Logged out here, and the card with its two stamps is still this phone's.
    assert client.get("/me/").headers["Location"] == "/me/login"
    assert client.get(stamp_path(checkpoints[0])).status_code == 303  # still collecting
    # The old log-in is gone, and the address is free for a new account.
    login = client.post(
        "/me/login", data={"email": "hanako@example.jp", "password": PASSWORD}, headers=EN
    )
    assert "Wrong e-mail address or password." in login.text
    save_and_verify(app, client, "hanako@example.jp")


def test_the_card_keeps_its_stamps(app, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    client = visitor_with_stamps(app, stamp_path, checkpoints[:2])
    save_and_verify(app, client, "hanako@example.jp")
    delete(client)
    html = client.get(f"/card/{campaign_id}", headers=EN).text
    assert "2 of 3 stamps collected" in html


def test_a_wrong_password_deletes_nothing(app, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    client = visitor_with_stamps(app, stamp_path, checkpoints[:1])
    save_and_verify(app, client, "hanako@example.jp")
    response = delete(client, password="not my password")
    assert response.status_code == 400
    assert "This password is not right." in response.text
    empty = delete(client, password="")
    assert empty.status_code == 400
    assert "Please enter your password." in empty.text
    with app.app_context():
        assert db.session.scalar(select(Visitor.email)) == "hanako@example.jp"
        assert db.session.scalar(select(Card.visitor_id)) is not None
    assert client.get("/me/").status_code == 200  # still logged in


def test_only_a_logged_in_visitor_reaches_the_page(client):
    assert client.get("/me/delete").headers["Location"] == "/me/login"
    assert client.post("/me/delete", data={"password": PASSWORD}).headers["Location"] == (
        "/me/login"
    )


def test_an_entry_in_a_lottery_not_drawn_yet_is_withdrawn(
    app,
    lottery_campaign,
    stamp_path,
):
    campaign_id, checkpoints, tier_id, _ = lottery_campaign
    client = visitor_with_stamps(app, stamp_path, checkpoints[:2])
    save_and_verify(app, client, "hanako@example.jp")
    assert client.post(f"/card/{campaign_id}/tiers/{tier_id}/enter").status_code == 303
    page = client.get("/me/delete", headers=EN).text
    assert "You will leave 1 lottery entry that has not been drawn yet." in page

    assert delete(client).status_code == 303

    with app.app_context():
        assert count(LotteryEntry) == 0
        assert count(Visitor) == 0


def test_a_drawn_lottery_keeps_its_entry_and_the_account_keeps_nothing(
    app,
    lottery_campaign,
    stamp_path,
):
    campaign_id, checkpoints, tier_id, lottery_id = lottery_campaign
    client = visitor_with_stamps(app, stamp_path, checkpoints[:2])
    save_and_verify(app, client, "hanako@example.jp")
    client.post(f"/card/{campaign_id}/tiers/{tier_id}/enter")
    assert draw_in_own_session(app, lottery_id) == "drawn"

    assert delete(client).status_code == 303

    with app.app_context():
        entry = db.session.scalar(select(LotteryEntry))
        shell = db.session.get(Visitor, entry.visitor_id)
        assert "hanako" not in shell.email
        assert shell.verified_at is None
        assert not shell.check_password(PASSWORD)
        assert not shell.check_password("")
        assert operations.find_by_email("hanako@example.jp") is None
        # The published result still verifies: the entry list did not change.
        assert draw.verify(published_data(db.session.get(Lottery, lottery_id))) == []
    save_and_verify(app, client, "hanako@example.jp")  # the address is free again


def entrants_with_password(app, card_with_stamps, checkpoints, count):
    """``count`` verified entrants whose accounts have the password ``PASSWORD``."""
    from werkzeug.security import generate_password_hash

    entrants = verified_entrants(app, card_with_stamps, checkpoints, count)
    with app.app_context():
        hashed = generate_password_hash(PASSWORD)
        for _, visitor_id in entrants:
            db.session.get(Visitor, visitor_id).password_hash = hashed
        db.session.commit()
    return entrants


def delete_account_of(visitor_id):
    return lambda: operations.delete_account(db.session.get(Visitor, visitor_id), PASSWORD)


# The three races below need PostgreSQL to tell (on SQLite every writer takes the lock up
# front); ./scripts/test runs the suite on both.
def test_a_draw_waits_for_a_deletion_in_flight(
    app, lottery_campaign, card_with_stamps, held_open_while
):
    """A deletion that withdrew an entry but has not committed yet holds the draw off:
    otherwise the draw would count an entry that is about to vanish."""
    from lottery.test_lottery import enter_in_own_session

    _, checkpoints, _, lottery_id = lottery_campaign
    entrants = entrants_with_password(app, card_with_stamps, checkpoints, 3)
    for card_id, visitor_id in entrants:
        assert enter_in_own_session(app, lottery_id, card_id, visitor_id) == "entered"

    deletion, drawing = held_open_while(
        delete_account_of(entrants[0][1]), lambda: draw_in_own_session(app, lottery_id)
    )

    assert (deletion, drawing) == ([1], ["drawn"])
    with app.app_context():
        entries = db.session.scalars(select(LotteryEntry)).all()
        assert len(entries) == 2
        assert all(entry.won is not None for entry in entries)
        lottery = db.session.get(Lottery, lottery_id)
        assert lottery.entries_digest == draw.entries_digest([e.public_id for e in entries])
        assert draw.verify(published_data(lottery)) == []
        assert db.session.get(Visitor, entrants[0][1]) is None


def test_an_entry_in_flight_is_withdrawn_by_the_deletion(
    app, lottery_campaign, card_with_stamps, held_open_while
):
    from rally.lottery.operations import enter_lottery
    from rally.utils import utcnow

    _, checkpoints, _, lottery_id = lottery_campaign
    ((card_id, visitor_id),) = entrants_with_password(app, card_with_stamps, checkpoints, 1)

    def entering():
        lottery = db.session.get(Lottery, lottery_id)
        card, visitor = db.session.get(Card, card_id), db.session.get(Visitor, visitor_id)
        return enter_lottery(lottery, card, visitor, utcnow()).occurrence

    entry, deletion = held_open_while(entering, lambda: delete_in_own_session(app, visitor_id))

    assert (entry, deletion) == ([1], [1])  # the deletion saw the entry and withdrew it
    with app.app_context():
        assert count(LotteryEntry) == 0
        assert db.session.get(Visitor, visitor_id) is None


def test_an_entry_after_a_deletion_in_flight_is_refused(
    app, lottery_campaign, card_with_stamps, held_open_while
):
    from lottery.test_lottery import enter_in_own_session

    _, checkpoints, _, lottery_id = lottery_campaign
    ((card_id, visitor_id),) = entrants_with_password(app, card_with_stamps, checkpoints, 1)

    deletion, entry = held_open_while(
        delete_account_of(visitor_id),
        lambda: enter_in_own_session(app, lottery_id, card_id, visitor_id),
    )

    assert (deletion, entry) == ([0], ["account_required"])
    with app.app_context():
        assert count(LotteryEntry) == 0


def delete_in_own_session(app, visitor_id):
    """Delete as the request would: its own session, the write lock, one commit."""
    from rally.database import take_write_lock

    with app.app_context():
        take_write_lock()
        withdrawn = operations.delete_account(db.session.get(Visitor, visitor_id), PASSWORD)
        db.session.commit()
        return withdrawn
