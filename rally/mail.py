"""Sending e-mail: a configured SMTP server, or a local outbox in development and tests.

``RALLY_MAIL_BACKEND = "smtp"`` sends through ``RALLY_SMTP_HOST``/``PORT``/``USER``/
``PASSWORD`` (STARTTLS when ``RALLY_SMTP_STARTTLS``); ``"outbox"`` (the default) writes each
message as an ``.eml`` file under ``instance/outbox/`` and keeps it in memory for tests.
:func:`try_send` sends one message over its own connection; :func:`try_send_all` sends a
batch (a lottery's winners) over one connection, as connecting, STARTTLS and logging in can
take a second each time, which a few dozen messages would multiply past a worker's timeout.
"""

import logging
import os
import smtplib
import ssl
import uuid
from collections.abc import Iterable
from email.message import EmailMessage
from typing import NamedTuple

from flask import current_app

logger = logging.getLogger(__name__)


class Mail(NamedTuple):
    """A message written (translated) while its data was read, to send after the commit:
    a request must not hold the database, on SQLite the write lock every scan waits for,
    while a mail server answers, nor tell anybody of a change that was rolled back. Send it
    with :func:`try_send`, or several with :func:`try_send_all`."""

    to: str
    subject: str
    body: str


def outbox() -> list[EmailMessage]:
    """Messages sent through the outbox backend by this app (newest last)."""
    return current_app.extensions.setdefault("rally_outbox", [])


def _compose(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["RALLY_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def _connect() -> smtplib.SMTP:
    """An SMTP connection, secured and logged in as configured."""
    config = current_app.config
    smtp = smtplib.SMTP(config["RALLY_SMTP_HOST"], config["RALLY_SMTP_PORT"], timeout=10)
    try:
        if config["RALLY_SMTP_STARTTLS"]:
            # The server's certificate and name are checked (smtplib's own default checks
            # neither, so anyone on the way could read the password sent next).
            smtp.starttls(context=ssl.create_default_context())
        if config["RALLY_SMTP_USER"]:
            smtp.login(config["RALLY_SMTP_USER"], config["RALLY_SMTP_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_mail(to: str, subject: str, body: str) -> EmailMessage:
    """Send a plain-text message. Subject and body are already translated by the caller."""
    message = _compose(to, subject, body)
    if current_app.config["RALLY_MAIL_BACKEND"] == "smtp":
        with _connect() as smtp:
            smtp.send_message(message)
    else:
        folder = os.path.join(current_app.instance_path, "outbox")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"{uuid.uuid4().hex}.eml"), "wb") as handle:
            handle.write(bytes(message))
        outbox().append(message)
    return message


def try_send(mail: Mail) -> bool:
    """Send ``mail``; a mail server that fails is logged and answered ``False``."""
    try:
        send_mail(*mail)
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not send %r to %s", mail.subject, mail.to)
        return False
    return True


def _closing(error: smtplib.SMTPException) -> bool:
    """Whether the server answered 421: it is closing the connection (smtplib has closed
    it already) and did not take the message, e.g. past its messages-per-connection cap."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _ in error.recipients.values())
    return getattr(error, "smtp_code", None) == 421


def try_send_all(mails: Iterable[Mail]) -> int:
    """Send ``mails``, over one SMTP connection; answer how many were sent.

    A message the server refuses is logged and skipped. A connection lost after it
    delivered something is opened again and the batch goes on with the message that was
    being sent (that one may then arrive twice, which beats not at all); one that cannot
    be opened, or is lost before delivering anything, ends the batch, and the messages
    not sent are logged. Nothing is raised. The outbox backend sends each with
    :func:`try_send`.

    :param mails: the messages, sent in this order.
    """
    mails = list(mails)
    if current_app.config["RALLY_MAIL_BACKEND"] != "smtp":
        return sum(try_send(mail) for mail in mails)
    sent = index = 0
    while index < len(mails):
        delivered = 0  # over this connection
        smtp = None
        try:
            smtp = _connect()
            for mail in mails[index:]:
                try:
                    smtp.send_message(_compose(*mail))
                except smtplib.SMTPServerDisconnected:
                    raise
                except smtplib.SMTPException as error:
                    if _closing(error):
                        raise
                    logger.exception("The mail server refused %r to %s", mail.subject, mail.to)
                else:
                    sent += 1
                    delivered += 1
                index += 1
        except (OSError, smtplib.SMTPException):
            if smtp is not None:
                smtp.close()  # no QUIT: a server that stopped answering would keep us waiting
            if not delivered:
                logger.exception(
                    "Could not send %d message(s) through the mail server, to: %s",
                    len(mails) - index,
                    ", ".join(mail.to for mail in mails[index:]),
                )
                break
            logger.warning(
                "Lost the mail server after %d message(s); reconnecting", delivered, exc_info=True
            )
        else:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()  # every message was taken already
    return sent
