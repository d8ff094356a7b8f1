"""Paper cards: created in numbered batches, opened later on a phone by their printed QR.

The QR carries the card's key signed with the app secret (itsdangerous, its own salt): a
forged or edited token fails before any database access. The key is not rotated when the
card is opened on a phone, so the printed QR keeps working for staff and for the visitor.
"""

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from rally.cards.models import Card
from rally.cards.operations import stamp_total
from rally.cards.reading import card_by_key
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l

TOKEN_SALT = "rally.paper-card.v1"
MAX_BATCH = 500
MAX_TOKEN_LENGTH = 200


class PaperCardError(RallyError):
    """A paper card that cannot be opened; ``code`` says why."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=TOKEN_SALT)


def card_token(card: Card) -> str:
    """The signed token printed in ``card``'s QR code."""
    return _serializer().dumps(card.key)


def open_url(card: Card) -> str:
    """The public URL of ``card``'s QR code: ``RALLY_BASE_URL/card/open/<token>``."""
    base = current_app.config["RALLY_BASE_URL"].rstrip("/")
    return base + url_for("paper.open_card", token=card_token(card))


def card_from_token(token: str) -> Card:
    """The paper card a printed token names.

    :raise PaperCardError: ``invalid_token`` (forged, damaged, or no such paper card).
    """
    key = None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        try:
            key = _serializer().loads(token)
        except BadSignature:
            key = None
    card = card_by_key(key) if isinstance(key, str) else None
    if card is None or not card.paper:
        raise PaperCardError(
            _l("This QR code is not a valid Rally paper card."), code="invalid_token", status=404
        )
    return card


def create_paper_cards(number: int) -> list[Card]:
    """Create ``number`` new paper cards, numbered in a row.

    :param number: how many cards, 1 to :data:`MAX_BATCH`.
    :raise PaperCardError: ``invalid_batch_size``.
    """
    if not 1 <= number <= MAX_BATCH:
        raise PaperCardError(
            _l("Print between 1 and %(num)d cards at a time.", num=MAX_BATCH),
            code="invalid_batch_size",
        )
    cards = [Card(paper=True) for _ in range(number)]
    db.session.add_all(cards)
    db.session.flush()
    return cards


def paper_cards_between(first: int, last: int) -> list[Card]:
    """The paper cards whose ids run from ``first`` to ``last`` (at most one batch)."""
    if last < first or last - first >= MAX_BATCH:
        return []
    return list(
        db.session.scalars(
            select(Card)
            .where(Card.paper.is_(True), Card.id >= first, Card.id <= last)
            .order_by(Card.id)
        )
    )


def printed_runs(limit: int = 20) -> list[tuple[int, int, int]]:
    """The paper cards printed so far, newest first, as ``(first id, last id, count)``: runs
    of consecutive ids (a batch, unless phones took ids in between), cut at
    :data:`MAX_BATCH` so each run prints as one PDF. Batches are not stored; the cards are
    the record, so a lost PDF can be printed again.
    """
    ordered = select(
        Card.id.label("id"),
        (Card.id - func.row_number().over(order_by=Card.id)).label("run"),
    ).where(Card.paper.is_(True))
    ordered = ordered.subquery()
    runs = db.session.execute(
        select(func.min(ordered.c.id), func.max(ordered.c.id))
        .group_by(ordered.c.run)
        .order_by(func.min(ordered.c.id).desc())
        .limit(limit)
    ).all()
    pieces = []
    for first, last in runs:
        for start in range(last - (last - first) % MAX_BATCH, first - 1, -MAX_BATCH):
            end = min(start + MAX_BATCH - 1, last)
            pieces.append((start, end, end - start + 1))
    return pieces


def needs_confirmation(paper: Card, current: Card | None) -> bool:
    """Whether opening ``paper`` on this phone would leave the phone's own stamps behind.

    Cards are never merged: a phone holding another card with stamps asks first.
    """
    return current is not None and current.id != paper.id and stamp_total(current) > 0
