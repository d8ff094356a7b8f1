"""Jobs of the staff accounts: the forgotten-password mail, decided off the request."""

from uuid import uuid4

from flask_babel import force_locale

from rally.extensions import db
from rally.jobs import deliver_mail, enqueue_on_commit, job, site_request_context

from . import operations


def ask_password_reset(email: str, language: str) -> None:
    """Queue :func:`mail_reset_link` for the typed address, for when the request commits:
    the same work whether an account uses it or not (the request neither looks it up nor
    sends anything)."""
    enqueue_on_commit(db.session, mail_reset_link, email, language, uuid4().hex)


@job()
def mail_reset_link(email: str, language: str, request_id: str) -> None:
    """Queue the reset mail for the account with ``email``, if there is one; nothing
    otherwise. ``language``: the page's, for an account that never chose one.
    ``request_id`` keys the mail: this job run twice queues it once."""
    with site_request_context(), force_locale(language):
        mail = operations.reset_mail_for(email)
        if mail is not None:
            deliver_mail(mail, f"password-reset:auth:{request_id}")
    db.session.commit()
