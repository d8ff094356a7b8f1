"""Sending e-mail: a configured SMTP server, or a local outbox in development and tests.

``RALLY_MAIL_BACKEND = "smtp"`` sends through ``RALLY_SMTP_HOST``/``PORT``/``USER``/
``PASSWORD`` (STARTTLS when ``RALLY_SMTP_STARTTLS``); ``"outbox"`` (the default) writes each
message as an ``.eml`` file under ``instance/outbox/`` and keeps it in memory for tests.
"""

import logging
import os
import smtplib
import uuid
from email.message import EmailMessage
from typing import NamedTuple

from flask import current_app

logger = logging.getLogger(__name__)


class Mail(NamedTuple):
    """A message written (translated) while its data was read, to send after the commit:
    a request must not hold the database, on SQLite the write lock every scan waits for,
    while a mail server answers, nor tell anybody of a change that was rolled back."""

    to: str
    subject: str
    body: str


def outbox() -> list[EmailMessage]:
    """Messages sent through the outbox backend by this app (newest last)."""
    return current_app.extensions.setdefault("rally_outbox", [])


def send_mail(to: str, subject: str, body: str) -> EmailMessage:
    """Send a plain-text message. Subject and body are already translated by the caller."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["RALLY_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if config["RALLY_MAIL_BACKEND"] == "smtp":
        with smtplib.SMTP(config["RALLY_SMTP_HOST"], config["RALLY_SMTP_PORT"], timeout=10) as smtp:
            if config["RALLY_SMTP_STARTTLS"]:
                smtp.starttls()
            if config["RALLY_SMTP_USER"]:
                smtp.login(config["RALLY_SMTP_USER"], config["RALLY_SMTP_PASSWORD"])
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
