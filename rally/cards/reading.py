"""Finding the visitor's card by its key, and opening a new one."""

from sqlalchemy import bindparam, select

from rally.cards.models import Card
from rally.extensions import db


def card_by_key(key: str | None) -> Card | None:
    if not key:
        return None
    return db.session.scalar(_CARD_BY_KEY, {"key": key})


def open_card(card: Card | None, locale: str | None = None) -> Card:
    """Return ``card``, or a new anonymous card when the visitor has none yet.

    :param card: the card from the visitor's cookie, if any.
    :param locale: the language the visitor browses in now; kept on the card for messages
        and copied onto each new stamp for the dashboard's inbound measure.
    """
    if card is not None:
        if locale and card.locale != locale:
            card.locale = locale
        return card
    card = Card(locale=locale)
    db.session.add(card)
    db.session.flush()
    card.is_new = True  # no stamps yet: grant_stamp skips looking for them
    return card


_CARD_BY_KEY = select(Card).where(Card.key == bindparam("key"))
