"""A visitor deletes their account: address and password erased, the card stays anonymous."""

# The tests take the lottery_campaign fixture imported from test_lottery as a parameter.
# ruff: noqa: F811

from sqlalchemy import func, select

from rally.campaigns.models import Card
from rally.extensions import db
from rally.lottery import draw
from rally.lottery.models import Lottery, LotteryEntry
from rally.lottery.operations import published_data
from rally.visitors import operations
from rally.visitors.models import Visitor

from .test_lottery import (
    draw_in_own_session,
    lottery_campaign,  # noqa: F401 (a fixture)
    save_and_verify,
    verified_entrants,
    visitor_with_stamps,
)

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


# Needs PostgreSQL to tell (on SQLite every writer takes the lock up front, so the draw
# waits for the deletion anyway); ./scripts/test runs the suite on both.
def test_a_draw_waits_for_a_deletion_in_flight(app, lottery_campaign, card_with_stamps):
    """A deletion that withdrew an entry but has not committed yet holds the draw off:
    otherwise the draw would count an entry that is about to vanish."""
    import threading

    from werkzeug.security import generate_password_hash

    from rally.database import take_write_lock

    from .test_lottery import enter_in_own_session

    _, checkpoints, _, lottery_id = lottery_campaign
    entrants = verified_entrants(app, card_with_stamps, checkpoints, 3)
    with app.app_context():
        hashed = generate_password_hash(PASSWORD)
        for _, visitor_id in entrants:
            db.session.get(Visitor, visitor_id).password_hash = hashed
        db.session.commit()
    for card_id, visitor_id in entrants:
        assert enter_in_own_session(app, lottery_id, card_id, visitor_id) == "entered"
    withdrawn, release, results, errors = threading.Event(), threading.Event(), [], []

    def deleting():
        with app.app_context():
            take_write_lock()
            results.append(
                operations.delete_account(db.session.get(Visitor, entrants[0][1]), PASSWORD)
            )
            withdrawn.set()
            release.wait(10)
            db.session.commit()

    def drawing():
        try:
            results.append(draw_in_own_session(app, lottery_id))
        except Exception as error:  # reported below, not lost with the thread
            errors.append(error)

    deleter = threading.Thread(target=deleting)
    deleter.start()
    assert withdrawn.wait(10)
    drawer = threading.Thread(target=drawing)
    drawer.start()
    drawer.join(0.5)  # the draw runs as far as it can meanwhile
    release.set()
    deleter.join(10)
    drawer.join(10)

    assert errors == []
    assert results == [1, "drawn"]
    with app.app_context():
        entries = db.session.scalars(select(LotteryEntry)).all()
        assert len(entries) == 2
        assert all(entry.won is not None for entry in entries)
        lottery = db.session.get(Lottery, lottery_id)
        assert lottery.entries_digest == draw.entries_digest([e.public_id for e in entries])
        assert draw.verify(published_data(lottery)) == []
        assert db.session.get(Visitor, entrants[0][1]) is None


def entrant_with_password(app, card_with_stamps, checkpoints):
    from werkzeug.security import generate_password_hash

    ((card_id, visitor_id),) = verified_entrants(app, card_with_stamps, checkpoints, 1)
    with app.app_context():
        db.session.get(Visitor, visitor_id).password_hash = generate_password_hash(PASSWORD)
        db.session.commit()
    return card_id, visitor_id


def in_thread(target):
    """Run ``target`` in a thread; its result or exception lands in the returned list."""
    import threading

    outcome = []

    def run():
        try:
            outcome.append(target())
        except Exception as error:  # reported by the test, not lost with the thread
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


# Both need PostgreSQL to tell (on SQLite the write lock serializes them anyway).
def test_an_entry_in_flight_is_withdrawn_by_the_deletion(app, lottery_campaign, card_with_stamps):
    import threading

    from rally.database import take_write_lock
    from rally.lottery.operations import enter_lottery
    from rally.utils import utcnow

    _, checkpoints, _, lottery_id = lottery_campaign
    card_id, visitor_id = entrant_with_password(app, card_with_stamps, checkpoints)
    entered, release = threading.Event(), threading.Event()

    def entering():
        with app.app_context():
            take_write_lock()
            lottery = db.session.get(Lottery, lottery_id)
            card, visitor = db.session.get(Card, card_id), db.session.get(Visitor, visitor_id)
            enter_lottery(lottery, card, visitor, utcnow())
            db.session.flush()
            entered.set()
            release.wait(10)
            db.session.commit()
            return "entered"

    enterer, entry_outcome = in_thread(entering)
    assert entered.wait(10)
    deleter, deletion_outcome = in_thread(lambda: delete_in_own_session(app, visitor_id))
    deleter.join(0.5)  # the deletion goes as far as it can meanwhile
    release.set()
    enterer.join(10)
    deleter.join(10)

    assert entry_outcome == ["entered"]
    assert deletion_outcome == [1]  # it saw the entry and withdrew it
    with app.app_context():
        assert count(LotteryEntry) == 0
        assert db.session.get(Visitor, visitor_id) is None


def test_an_entry_after_a_deletion_in_flight_is_refused(app, lottery_campaign, card_with_stamps):
    import threading

    from rally.database import take_write_lock

    from .test_lottery import enter_in_own_session

    _, checkpoints, _, lottery_id = lottery_campaign
    card_id, visitor_id = entrant_with_password(app, card_with_stamps, checkpoints)
    deleted, release = threading.Event(), threading.Event()

    def deleting():
        with app.app_context():
            take_write_lock()
            operations.delete_account(db.session.get(Visitor, visitor_id), PASSWORD)
            deleted.set()
            release.wait(10)
            db.session.commit()
            return "deleted"

    deleter, deletion_outcome = in_thread(deleting)
    assert deleted.wait(10)
    enterer, entry_outcome = in_thread(
        lambda: enter_in_own_session(app, lottery_id, card_id, visitor_id)
    )
    enterer.join(0.5)
    release.set()
    deleter.join(10)
    enterer.join(10)

    assert deletion_outcome == ["deleted"]
    assert entry_outcome == ["account_required"]
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
