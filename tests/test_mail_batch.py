"""A batch of mails (a lottery's winners) goes over one SMTP connection."""

# The draw test takes a fixture imported from tests/lottery as a parameter.
# ruff: noqa: F811

import logging
import smtplib

import pytest
from lottery.test_lottery import (
    enter_in_own_session,
    lottery_campaign,  # noqa: F401  (a fixture)
    verified_entrants,
)
from sqlalchemy import select

import rally.mail
from rally.auth.models import Role
from rally.extensions import db
from rally.lottery.models import Lottery, LotteryEntry
from rally.mail import Mail, outbox, send_mail, try_send, try_send_all


class FakeServer:
    """Stands in for an SMTP server: ``connect`` replaces ``smtplib.SMTP``; every connection
    opened is kept, with what was done over it."""

    password = "secret"

    def __init__(self):
        self.connections = []
        self.unreachable = False
        self.refused = set()  # recipients answered 550
        self.cap = None  # messages per connection; then it hangs up ...
        self.hang_up = "drop"  # ... silently, or with "421" to the next message
        self.max_connections = None  # then refuses connections

    def connect(self, host, port, timeout=None):
        if self.unreachable or len(self.connections) == self.max_connections:
            raise ConnectionRefusedError(111, "Connection refused")
        connection = FakeSMTP(self)
        self.connections.append(connection)
        return connection

    @property
    def delivered(self):
        return [message["To"] for c in self.connections for message in c.messages]


class FakeSMTP:
    def __init__(self, server):
        self.server = server
        self.open = True
        self.tls = False
        self.logins = []
        self.messages = []
        self.quit_said = False

    def _check_open(self):
        if not self.open:
            raise smtplib.SMTPServerDisconnected("please run connect() first")

    def starttls(self, context=None):
        self._check_open()
        self.tls = True
        self.tls_context = context

    def login(self, user, password):
        self._check_open()
        if password != self.server.password:
            raise smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication failed")
        self.logins.append(user)

    def send_message(self, message):
        self._check_open()
        if len(self.messages) == self.server.cap:
            self.open = False  # smtplib closes the connection on a 421, too
            if self.server.hang_up == "421":
                raise smtplib.SMTPSenderRefused(421, b"4.7.0 Too many messages", message["From"])
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if message["To"] in self.server.refused:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"5.1.1 No such user")})
        self.messages.append(message)
        return {}

    def quit(self):
        self._check_open()
        self.open, self.quit_said = False, True

    def close(self):
        self.open = False

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.quit()


@pytest.fixture
def server(app, monkeypatch):
    server = FakeServer()
    monkeypatch.setattr(rally.mail.smtplib, "SMTP", server.connect)
    app.config.update(
        RALLY_MAIL_BACKEND="smtp", RALLY_SMTP_USER="rally", RALLY_SMTP_PASSWORD="secret"
    )
    return server


def mails(count):
    return [Mail(f"winner{n}@example.jp", "You won", f"Prize {n}") for n in range(count)]


def test_a_batch_logs_in_once_and_sends_every_mail(app, server):
    with app.app_context():
        assert try_send_all(mails(5)) == 5
    [connection] = server.connections
    assert connection.tls and connection.logins == ["rally"] and connection.quit_said
    assert server.delivered == [mail.to for mail in mails(5)]
    assert connection.messages[3]["From"] == app.config["RALLY_MAIL_FROM"]
    assert connection.messages[3].get_content() == "Prize 3\n"


def test_a_refused_recipient_does_not_stop_the_others(app, server, caplog):
    server.refused = {"winner2@example.jp"}
    with app.app_context():
        assert try_send_all(mails(5)) == 4
    assert len(server.connections) == 1
    assert server.delivered == [mail.to for mail in mails(5) if mail.to != "winner2@example.jp"]
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    # Logs never hold an address (rally/ops/logs.py masks it): the recipient is "[email]".
    assert "to [email]" in error.getMessage() and "winner2@example.jp" not in error.getMessage()


@pytest.mark.parametrize("failure", ["unreachable", "wrong password"])
def test_a_server_that_cannot_be_used_sends_nothing_and_logs_it(app, server, caplog, failure):
    if failure == "unreachable":
        server.unreachable = True
    else:
        app.config["RALLY_SMTP_PASSWORD"] = "wrong"
    with app.app_context():
        assert try_send_all(mails(3)) == 0
        assert outbox() == []
    assert server.delivered == []
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "3 message(s)" in error.getMessage() and "[email]" in error.getMessage()
    assert "winner2@example.jp" not in error.getMessage()


@pytest.mark.parametrize("hang_up", ["drop", "421"])
def test_a_server_that_hangs_up_midway_is_called_again(app, server, hang_up):
    """Servers cap the messages per connection: the batch goes on over a new one, the
    message the server did not take included."""
    server.cap, server.hang_up = 2, hang_up
    with app.app_context():
        assert try_send_all(mails(5)) == 5
    assert server.delivered == [mail.to for mail in mails(5)]
    assert [c.logins for c in server.connections] == [["rally"]] * 3


def test_a_server_lost_for_good_midway_leaves_the_rest_failed(app, server, caplog):
    server.cap, server.max_connections = 2, 1
    with app.app_context():
        assert try_send_all(mails(5)) == 2
    assert server.delivered == ["winner0@example.jp", "winner1@example.jp"]
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "3 message(s)" in error.getMessage() and "[email]" in error.getMessage()
    assert "winner4@example.jp" not in error.getMessage()


def test_a_server_that_takes_nothing_is_not_called_again_and_again(app, server):
    server.cap = 0
    with app.app_context():
        assert try_send_all(mails(3)) == 0
    assert len(server.connections) == 1


def test_the_outbox_keeps_one_file_per_message(app, tmp_path):
    app.instance_path = str(tmp_path)
    with app.app_context():
        assert try_send_all(mails(3)) == 3
        assert [message["To"] for message in outbox()] == [mail.to for mail in mails(3)]
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3


def test_single_mails_still_get_a_connection_each(app, server):
    """``send_mail`` and ``try_send`` keep their behaviour (passes on the old code too)."""
    server.refused = {"winner1@example.jp"}
    first, second = mails(2)
    with app.app_context():
        assert send_mail(*first)["To"] == first.to
        assert try_send(first) is True
        assert try_send(second) is False
    assert len(server.connections) == 3
    assert all(c.logins == ["rally"] and c.quit_said for c in server.connections)


def test_the_draw_tells_every_winner_over_one_connection(
    app, client, make_user, server, lottery_campaign, card_with_stamps, auth
):
    _, checkpoints, _, lottery_id = lottery_campaign
    for card_id, visitor_id in verified_entrants(app, card_with_stamps, checkpoints, 5):
        assert enter_in_own_session(app, lottery_id, card_id, visitor_id) == "entered"
    with app.app_context():
        db.session.get(Lottery, lottery_id).winners_count = 4
        db.session.commit()
    auth.login(make_user(role=Role.admin))
    en = {"Accept-Language": "en"}
    response = client.post(f"/manage/lotteries/{lottery_id}/draw", headers=en)
    assert response.status_code == 303
    html = client.get(response.headers["Location"], headers=en).get_data(as_text=True)
    assert "Drawn: 4 winners will be told by e-mail." in html
    [connection] = server.connections
    assert connection.logins == ["rally"]
    with app.app_context():
        winners = db.session.scalars(select(LotteryEntry).where(LotteryEntry.won.is_(True)))
        assert sorted(server.delivered) == sorted(entry.visitor.email for entry in winners)
    assert len(server.delivered) == 4


def test_starttls_checks_the_servers_certificate(app, server):
    import ssl

    with app.app_context():
        assert try_send_all(mails(1)) == 1
    (connection,) = server.connections
    assert connection.tls
    assert connection.tls_context.verify_mode == ssl.CERT_REQUIRED
    assert connection.tls_context.check_hostname
