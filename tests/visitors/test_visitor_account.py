"""A visitor's account: the e-mail link confirms the address and logs nobody in."""

import re

from sqlalchemy import select

from rally.extensions import db
from rally.mail import outbox
from rally.visitors.models import Visitor

EN = {"Accept-Language": "en"}


def saved_card(app, client, stamp_path, checkpoint_id, email):
    client.get(stamp_path(checkpoint_id))
    data = {"email": email, "password": "long enough pw", "confirm": "long enough pw"}
    assert client.post("/me/save", data=data).status_code == 303
    with app.app_context():
        content = outbox()[-1].get_content()
    return re.search(r"http://rally\.test(/me/verify/\S+)", content).group(1)


def test_link_confirms_on_the_phone_that_saved_the_card(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    link = saved_card(app, client, stamp_path, checkpoints[0], "hanako@example.jp")
    response = client.get(link)
    assert response.headers["Location"] == "/me/"
    assert "hanako@example.jp" in client.get("/me/", headers=EN).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Visitor.verified_at)) is not None


def test_link_opened_elsewhere_confirms_without_logging_in(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    link = saved_card(app, client, stamp_path, checkpoints[0], "hanako@example.jp")
    for _ in range(2):  # a forwarded mail, a mail scanner: once or twice, nobody logs in
        stranger = app.test_client()
        response = stranger.get(link, headers=EN)
        assert response.headers["Location"] == "/me/login"
        account = stranger.get("/me/", headers=EN)
        assert account.status_code == 302
        assert "hanako@example.jp" not in stranger.get("/me/login", headers=EN).get_data(
            as_text=True
        )
    with app.app_context():
        assert db.session.scalar(select(Visitor.verified_at)) is not None


def test_mail_server_down_keeps_the_account_and_the_mail_waits_for_a_retry(
    app, client, make_campaign, stamp_path, monkeypatch
):
    import rally.mail
    from rally import database
    from rally.jobs.deliveries import deliver
    from rally.jobs.models import Delivery, DeliveryState

    _, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    sent = rally.mail.send_mail
    seen = []

    def down(*args):
        queues_held = any(queue.owner is not None for queue in database._queues.values())
        seen.append((db.session().in_transaction(), queues_held))
        raise OSError("connection refused")

    monkeypatch.setattr(rally.mail, "send_mail", down)
    data = {"email": "hanako@example.jp", "password": "long enough pw", "confirm": "long enough pw"}
    response = client.post("/me/save", data=data, headers=EN)
    assert response.headers["Location"] == "/me/"
    assert seen == [(False, False)]  # tried after the commit, holding nothing
    html = client.get("/me/", headers=EN).get_data(as_text=True)
    assert "Your card is saved." in html
    with app.app_context():
        assert db.session.scalar(select(Visitor.email)) == "hanako@example.jp"
        waiting = db.session.scalar(select(Delivery))
        assert waiting.state is DeliveryState.queued and "connection refused" in waiting.last_error

    monkeypatch.setattr(rally.mail, "send_mail", sent)  # the server is back
    with app.app_context():
        deliver.call_local(waiting.key)  # the worker's retry, 30 s later
        assert outbox()[-1]["To"] == "hanako@example.jp"
    again = client.post("/me/resend", headers=EN)
    assert "We sent the link again." in client.get(again.headers["Location"], headers=EN).text
    with app.app_context():
        assert [m["To"] for m in outbox()] == ["hanako@example.jp"] * 2


def test_a_too_long_password_is_told_the_maximum(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    long = "x" * 201
    data = {"email": "hanako@example.jp", "password": long, "confirm": long}
    response = client.post("/me/save", data=data, headers=EN)
    assert response.status_code == 400
    assert "The password can have at most 200 characters." in response.text
    assert "at least" not in response.text
    with app.app_context():
        assert db.session.scalar(select(Visitor)) is None


def test_a_visitor_account_does_not_keep_a_staff_log_in(
    app, client, make_user, make_campaign, stamp_path, auth
):
    """A merchant's own phone: their visitor account keeps its log-in, their shop's does not."""

    _, checkpoints = make_campaign()
    saved_card(app, client, stamp_path, checkpoints[0], "owner@example.jp")
    assert client.get_cookie("session").expires is not None  # a visitor alone: kept
    auth.login(make_user())
    assert client.get_cookie("session").expires is None
    data = {"email": "owner@example.jp", "password": "long enough pw"}
    assert client.post("/me/login", data=data).status_code == 303
    assert client.get_cookie("session").expires is None
    assert client.get("/merchant/").status_code == 200


def test_a_permanent_session_with_a_staff_log_in_ends_with_the_browser(
    app, client, make_user, auth
):
    auth.login(make_user())
    with client.session_transaction() as session:  # as a session from before the rule
        session.permanent = True
    assert client.get_cookie("session").expires is not None
    client.get("/")
    assert client.get_cookie("session").expires is None


# Saving races: the form sent twice, or two phones at once. On SQLite every writer takes
# the lock up front, so the requests run one after the other; PostgreSQL lets them race.

SAVE = {"password": "long enough pw", "confirm": "long enough pw"}


def test_one_card_saved_at_once_to_several_addresses_makes_one_account(
    app, make_campaign, stamp_path, race
):
    from rally.cards.models import Card

    _, checkpoints = make_campaign()
    first = app.test_client()
    first.get(stamp_path(checkpoints[0]))
    cookie = first.get_cookie("rally_card").value

    def prepare(index):
        client = app.test_client()
        client.set_cookie("rally_card", cookie, domain="localhost")
        return lambda: client.post("/me/save", data={**SAVE, "email": f"p{index}@example.jp"})

    answers = [response.status_code for response in race(6, prepare)]
    assert sorted(answers) == [303] + [409] * 5
    with app.app_context():
        (visitor,) = db.session.scalars(select(Visitor)).all()
        assert db.session.scalar(select(Card.visitor_id)) == visitor.id
        assert [message["To"] for message in outbox()] == [visitor.email]


def test_one_address_saved_at_once_from_two_phones_makes_one_account(
    app, make_campaign, stamp_path, race
):
    _, checkpoints = make_campaign()

    def prepare(index):
        client = app.test_client()
        client.get(stamp_path(checkpoints[0]))
        return lambda: client.post("/me/save", data={**SAVE, "email": "same@example.jp"})

    answers = [response.status_code for response in race(4, prepare)]
    assert sorted(answers) == [303] + [409] * 3
    with app.app_context():
        assert len(db.session.scalars(select(Visitor)).all()) == 1


# A forgotten password (the same rules as the staff's: tests/auth/test_password.py)

NEW = "a new password for the card"


def reset_path(app) -> str:
    with app.app_context():
        content = outbox()[-1].get_content()
    return re.search(r"http://rally\.test(/me/password/reset/\S+)", content).group(1)


def logs_in(app, email, password) -> bool:
    response = app.test_client().post("/me/login", data={"email": email, "password": password})
    return response.status_code == 303


def test_a_visitor_sets_a_new_password_from_the_e_mailed_link(
    app, client, make_campaign, stamp_path
):
    _, checkpoints = make_campaign()
    saved_card(app, client, stamp_path, checkpoints[0], "hanako@example.jp")
    other_phone = app.test_client()
    assert logs_in(app, "hanako@example.jp", "long enough pw")
    other_phone.post("/me/login", data={"email": "hanako@example.jp", "password": "long enough pw"})
    assert other_phone.get("/me/").status_code == 200

    stranger = app.test_client()
    response = stranger.post("/me/password/forgot", data={"email": "Hanako@example.jp"})
    assert (response.status_code, response.headers["Location"]) == (303, "/me/login")
    path = reset_path(app)
    assert stranger.get(path).status_code == 200
    assert stranger.post(path, data={"password": NEW, "confirm": NEW}).status_code == 303

    assert logs_in(app, "hanako@example.jp", NEW)
    assert not logs_in(app, "hanako@example.jp", "long enough pw")
    assert other_phone.get("/me/").status_code == 302  # the old log-in ended
    assert stranger.get(path).status_code == 404  # the link worked once


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, client):
    response = client.post("/me/password/forgot", data={"email": "nobody@example.jp"})
    assert (response.status_code, response.headers["Location"]) == (303, "/me/login")
    with app.app_context():
        assert outbox() == []


def test_the_visitor_log_in_page_links_the_forgotten_password(client):
    assert 'href="/me/password/forgot"' in client.get("/me/login").get_data(as_text=True)


def test_a_spent_reset_link_offers_a_new_one(client):
    response = client.get("/me/password/reset/not-a-token", headers=EN)
    assert response.status_code == 404
    assert 'href="/me/password/forgot"' in response.get_data(as_text=True)


def test_a_new_password_takes_the_card_from_the_other_phones(
    app, client, make_campaign, stamp_path
):
    campaign_id, checkpoints = make_campaign()
    saved_card(app, client, stamp_path, checkpoints[0], "hanako@example.jp")
    lost_phone = app.test_client()
    lost_phone.post("/me/login", data={"email": "hanako@example.jp", "password": "long enough pw"})
    card_page = f"/card/{campaign_id}"
    assert "1 of 3" in lost_phone.get(card_page, headers=EN).text

    client.post("/me/password/forgot", data={"email": "hanako@example.jp"})
    path = reset_path(app)
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 303

    assert "0 of 3" in lost_phone.get(card_page, headers=EN).text  # no longer this card
    client.post("/me/login", data={"email": "hanako@example.jp", "password": NEW})
    assert "1 of 3" in client.get(card_page, headers=EN).text  # the new log-in opens it


def test_a_new_password_voids_the_lost_phones_transfer_codes(
    app, client, make_campaign, stamp_path
):
    campaign_id, checkpoints = make_campaign()
    saved_card(app, client, stamp_path, checkpoints[0], "hanako@example.jp")
    lost_phone, thief_phone = app.test_client(), app.test_client()
    lost_phone.post("/me/login", data={"email": "hanako@example.jp", "password": "long enough pw"})
    page = lost_phone.post("/card/keep", headers=EN).text
    code = page.split('data-testid="transfer-code">', 1)[1].split("<", 1)[0]

    client.post("/me/password/forgot", data={"email": "hanako@example.jp"})
    client.post(reset_path(app), data={"password": NEW, "confirm": NEW})

    refused = thief_phone.post("/card/receive", data={"code": code}, headers=EN)
    assert refused.status_code in (404, 410)
    assert "0 of 3" in thief_phone.get(f"/card/{campaign_id}", headers=EN).text


def test_a_transfer_racing_a_new_password_does_not_move_the_card(
    app, client, make_campaign, stamp_path, held_open_while
):
    """On PostgreSQL: the lost phone's code is used while the reset is being saved."""
    from rally import passwords
    from rally.cards.models import Card
    from rally.cards.operations import TransferError, complete_transfer, start_transfer
    from rally.database import take_write_lock
    from rally.utils import utcnow
    from rally.visitors import operations

    saved_card(app, client, stamp_path, make_campaign()[1][0], "hanako@example.jp")
    with app.app_context():
        visitor = operations.find_by_email("hanako@example.jp")
        token = passwords.reset_token(operations.RESET_SALT, visitor)
        code = start_transfer(db.session.scalar(select(Card)), utcnow())
        db.session.commit()

    def thief_takes_the_card():
        with app.app_context():
            take_write_lock()
            try:
                card = complete_transfer(code, None, utcnow())
            except TransferError as error:
                db.session.rollback()
                return error.code
            db.session.commit()
            return card.id

    reset, transfer = held_open_while(
        lambda: operations.reset_password(token, NEW).id, thief_takes_the_card
    )
    assert transfer in (["invalid_transfer_code"], ["transfer_expired"])
