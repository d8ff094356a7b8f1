"""Saving a card to a visitor account, verifying its e-mail address, logging in."""

from datetime import datetime
from uuid import uuid4

from flask import current_app, url_for
from flask_babel import force_locale
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from rally import passwords
from rally.cards.models import Card, CardTransfer, new_card_key
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _, _l, recipient_language
from rally.jobs import deliver_mail
from rally.jobs.deliveries import forget_recipient
from rally.mail import Mail
from rally.utils import utcnow

from .models import Visitor
from .signals import account_deleting, counting_withdrawals, password_reset

VERIFY_SALT = "rally.visitor.verify.v1"
RESET_SALT = "rally.visitor.password-reset.v1"
VERIFY_MAX_AGE = 3 * 24 * 3600
# The password of an erased account: no hash, so no password matches it.
ERASED_PASSWORD = "!"


class VisitorError(RallyError):
    """An account step that cannot go ahead; ``code`` says why."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=VERIFY_SALT)


def find_by_email(email: str) -> Visitor | None:
    return db.session.scalar(
        select(Visitor).where(func.lower(Visitor.email) == email.strip().lower())
    )


def save_card(card: Card, email: str, password: str, locale: str) -> Visitor:
    """Create an account for ``card``; send it :func:`verification_mail` once committed.

    The database decides between requests at once (the form sent twice, two phones): the
    address is unique, and the card is taken by ``UPDATE card ... WHERE visitor_id IS
    NULL``; the loser raises, and the caller's rollback also undoes its new account.

    :raise VisitorError: ``card_already_saved``, ``email_taken``.
    """
    already_saved = VisitorError(
        _l("This card is already saved to an account. Please log in."),
        code="card_already_saved",
        status=409,
    )
    email_taken = VisitorError(
        _l("An account with this e-mail address already exists. Please log in."),
        code="email_taken",
        status=409,
    )
    if card.visitor_id is not None:
        raise already_saved
    if find_by_email(email) is not None:
        raise email_taken
    visitor = Visitor(email=email.strip().lower(), locale=locale)
    visitor.set_password(password)
    try:
        with db.session.begin_nested():
            db.session.add(visitor)
    except IntegrityError:
        raise email_taken from None
    taken = db.session.execute(
        update(Card)
        .where(Card.id == card.id, Card.visitor_id.is_(None))
        .values(visitor_id=visitor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise already_saved
    db.session.expire(card, ["visitor_id"])
    return visitor


def send_verification(visitor: Visitor) -> None:
    """Queue the e-mail with the verification link (:func:`verification_mail`), sent by
    the job queue once the request commits; each request asks for a mail of its own."""
    deliver_mail(
        verification_mail(visitor),
        f"visitor-verification:{visitor.id}:{uuid4().hex}",
        visitor_id=visitor.id,
    )


def verification_mail(visitor: Visitor) -> Mail:
    """The e-mail with the verification link, in the visitor's language."""
    token = _serializer().dumps({"v": visitor.id, "e": visitor.email})
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    link = base + url_for("visitors.verify", token=token)
    with force_locale(recipient_language(visitor.locale)):
        subject = _("Please confirm your e-mail address")
        body = _(
            "Thank you for saving your stamp card.\n\n"
            "Open this link to confirm your e-mail address (valid for 3 days):\n"
            "%(link)s\n\n"
            "If you did not ask for this, you can ignore this message.",
            link=link,
        )
    return Mail(visitor.email, subject, body)


def verify_email(token: str, now: datetime) -> Visitor:
    """:raise VisitorError: ``link_expired``, ``invalid_link``."""
    try:
        data = _serializer().loads(token, max_age=VERIFY_MAX_AGE)
    except SignatureExpired:
        raise VisitorError(
            _l("This link has expired. Log in to receive a new one."),
            code="link_expired",
            status=410,
        ) from None
    except BadSignature:
        raise VisitorError(_l("This link is not valid."), code="invalid_link", status=404) from None
    visitor = db.session.get(Visitor, data.get("v")) if isinstance(data, dict) else None
    if visitor is None or visitor.email != data.get("e"):
        raise VisitorError(_l("This link is not valid."), code="invalid_link", status=404)
    if visitor.verified_at is None:
        visitor.verified_at = now
        db.session.flush()
    return visitor


def authenticate(email: str, password: str) -> Visitor:
    """:raise VisitorError: ``bad_credentials`` (same message for unknown and wrong)."""
    visitor = find_by_email(email)
    # An unknown address is checked against a dummy hash: as slow as a known one.
    password_ok = passwords.check_password(visitor.password_hash if visitor else None, password)
    if visitor is None or not password_ok:
        raise VisitorError(
            _l("Wrong e-mail address or password."), code="bad_credentials", status=400
        )
    return visitor


def card_of(visitor: Visitor) -> Card | None:
    return db.session.scalar(select(Card).where(Card.visitor_id == visitor.id))


def open_account_card(
    visitor: Visitor, current: Card | None, has_stamps: bool, replace: bool
) -> Card:
    """The card to show on this phone after logging in. Never merges two cards.

    :param current: the card this phone holds now.
    :param has_stamps: whether ``current`` holds stamps.
    :raise VisitorError: ``would_replace_card`` when this phone holds another card with
        stamps and the visitor did not confirm leaving it.
    """
    card = card_of(visitor)
    if card is None:
        if current is None:
            raise VisitorError(_l("This account has no card."), code="no_card", status=404)
        current.visitor_id = visitor.id
        db.session.flush()
        return current
    if current is not None and current.id != card.id and has_stamps and not replace:
        raise VisitorError(
            _l("This phone already has a card with stamps. Cards are not merged."),
            code="would_replace_card",
            status=409,
        )
    return card


def reset_mail_for(email: str) -> Mail | None:
    """The e-mail with a link that sets a new password for the account with this address,
    or ``None``: the page answers the same either way (see :mod:`rally.passwords`)."""
    visitor = find_by_email(email)
    if visitor is None:
        return None
    token = passwords.reset_token(RESET_SALT, visitor)
    link = current_app.config["RALLY_BASE_URL"].rstrip("/") + url_for(
        "visitors.reset_password", token=token
    )
    return passwords.reset_mail(visitor, link)


def visitor_from_reset_token(token: str) -> Visitor:
    """:raise VisitorError: see :func:`rally.passwords.account_from_reset_token`."""
    return passwords.account_from_reset_token(Visitor, RESET_SALT, token, VisitorError)


def reset_password(token: str, new: str) -> Visitor:
    """Set a new password from the e-mailed link; the account's card gets a new key, so a
    phone the account was opened on no longer holds it (the card cookie is the card's
    credential, and a new password is how someone locks out a lost phone), and its transfer
    codes not used yet stop working. Logging in with the new password opens the card again.
    A printed paper card keeps its key: its QR code carries it.

    :raise VisitorError: see :func:`rally.passwords.reset_password`.
    """
    visitor = passwords.reset_password(Visitor, RESET_SALT, token, new, VisitorError)
    cards = select(Card.id).where(Card.visitor_id == visitor.id)
    # A transfer code the lost phone made before would still move the card back to it.
    # Voided first, then the card re-keyed: the order complete_transfer locks them in.
    db.session.execute(
        update(CardTransfer)
        .where(
            CardTransfer.card_id.in_(cards),
            CardTransfer.used_at.is_(None),
            CardTransfer.expires_at > utcnow(),
        )
        .values(expires_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Card)
        .where(Card.visitor_id == visitor.id, Card.paper.is_(False))
        .values(key=new_card_key())
        .execution_options(synchronize_session=False)
    )
    password_reset.send(visitor)
    return visitor


def open_lottery_entries(visitor: Visitor) -> int:
    """How many of ``visitor``'s lottery entries wait for a draw (deleting the account
    withdraws them)."""
    # The lottery room answers: see rally.lottery.receivers.open_entries_of.
    return sum(count for _, count in counting_withdrawals.send(visitor))


def delete_account(visitor: Visitor, password: str) -> int:
    """Erase ``visitor``'s account: its address and password. The card stays on the phone,
    anonymous (a random number and its stamps), as before it was saved. Return how many
    lottery entries were withdrawn.

    Entries in lotteries not drawn yet are withdrawn: a winner could not be told. The
    lottery room does it, on the :data:`~rally.visitors.signals.account_deleting` signal
    (:func:`rally.lottery.receivers.withdraw_account`): the entries are read under the
    lotteries' share lock, as :func:`rally.lottery.operations.withdraw_card` does, so a
    draw at the same moment counts them all or none; the account's row is locked first, so
    an entry made at the same moment is withdrawn too, or refused. A drawn lottery keeps
    its entries (its published result stays verifiable): then the account's row stays as
    an empty shell, without address or password, that nobody can log in to or mail.

    :raise VisitorError: ``wrong_password``.
    """
    if not visitor.check_password(password):
        raise VisitorError(_l("This password is not right."), code="wrong_password", status=400)
    # First the account's row, for update: an entry in flight (its insert holds a key lock
    # on the row, see rally.lottery.operations.enter_lottery) is waited for and then seen
    # below; an entry arriving later waits for this deletion and finds the account gone.
    db.session.execute(select(Visitor.id).where(Visitor.id == visitor.id).with_for_update())
    # Then the rooms above withdraw what the account held (the lottery its open entries).
    answers = [answer for _, answer in account_deleting.send(visitor)]
    withdrawn = sum(withdrawn for withdrawn, _ in answers)
    kept = sum(kept for _, kept in answers)
    db.session.execute(update(Card).where(Card.visitor_id == visitor.id).values(visitor_id=None))
    forget_recipient(visitor.id)  # nothing more is sent to the address being erased
    if kept:
        visitor.email = f"erased-{visitor.id}.invalid"
        visitor.password_hash = ERASED_PASSWORD
        visitor.verified_at = None
    else:
        db.session.delete(visitor)
    db.session.flush()
    return withdrawn
