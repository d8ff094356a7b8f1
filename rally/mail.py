"""Sending e-mail: a configured SMTP server, or a local outbox in development and tests.

``RALLY_MAIL_BACKEND = "smtp"`` sends through ``RALLY_SMTP_HOST``/``PORT``/``USER``/
``PASSWORD`` (STARTTLS when ``RALLY_SMTP_STARTTLS``); ``"outbox"`` (the default) writes each
message as an ``.eml`` file under ``instance/outbox/`` and keeps it in memory for tests.
:func:`try_send` sends one message over its own connection; :func:`send_each` sends a
batch (a lottery's winners) over one connection, as connecting, STARTTLS and logging in can
take a second each time for each message. The app sends through the job queue
(:mod:`rally.jobs`), which calls these in its worker, never inside a request.
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
    while a mail server answers, nor tell anybody of a change that was rolled back. Queue
    it with :func:`rally.jobs.deliver_mail` (the app never sends inside a request); the
    queue's worker sends it with :func:`send_mail`, or several with :func:`send_each`."""

    to: str
    subject: str
    body: str
    # Extra headers (``List-Unsubscribe``...), if any.
    headers: dict[str, str] | None = None


def outbox() -> list[EmailMessage]:
    """Messages sent through the outbox backend by this app (newest last)."""
    return current_app.extensions.setdefault("rally_outbox", [])


def _compose(
    to: str, subject: str, body: str, headers: dict[str, str] | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["RALLY_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
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


def send_mail(
    to: str, subject: str, body: str, headers: dict[str, str] | None = None
) -> EmailMessage:
    """Send a plain-text message. Subject and body are already translated by the caller."""
    message = _compose(to, subject, body, headers)
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
    """Send ``mails`` as :func:`send_each` does; answer how many were sent."""
    return sum(error is None for error in send_each(mails))


def send_each(mails: Iterable[Mail]) -> list[BaseException | None]:
    """Send ``mails``, over one SMTP connection; answer, for each, ``None`` if it was sent
    or the error that kept it back (the job queue tries those again later).

    A message the server refuses is logged and skipped. A connection lost after it
    delivered something is opened again and the batch goes on with the message that was
    being sent (that one may then arrive twice, which beats not at all); one that cannot
    be opened, or is lost before delivering anything, ends the batch, and the messages
    not sent are logged. Nothing is raised. The outbox backend sends each with
    :func:`send_mail`.

    :param mails: the messages, sent in this order.
    """
    mails = list(mails)
    outcomes: list[BaseException | None] = [None] * len(mails)
    if current_app.config["RALLY_MAIL_BACKEND"] != "smtp":
        for index, mail in enumerate(mails):
            try:
                send_mail(*mail)
            except (OSError, smtplib.SMTPException) as error:
                logger.exception("Could not send %r to %s", mail.subject, mail.to)
                outcomes[index] = error
        return outcomes
    index = 0
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
                    outcomes[index] = error
                else:
                    delivered += 1
                index += 1
        except (OSError, smtplib.SMTPException) as error:
            if smtp is not None:
                smtp.close()  # no QUIT: a server that stopped answering would keep us waiting
            if not delivered:
                logger.exception(
                    "Could not send %d message(s) through the mail server, to: %s",
                    len(mails) - index,
                    ", ".join(mail.to for mail in mails[index:]),
                )
                outcomes[index:] = [error] * (len(mails) - index)
                break
            logger.warning(
                "Lost the mail server after %d message(s); reconnecting", delivered, exc_info=True
            )
        else:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()  # every message was taken already
    return outcomes
