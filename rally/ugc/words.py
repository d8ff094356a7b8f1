"""The association's list of words that hold a post for review."""

import unicodedata

from sqlalchemy import select

from rally.extensions import db

from .models import HeldWord


def fold(text: str) -> str:
    """The form words are stored and matched in: NFKC (full-width Ｌａｔｉｎ and half-width
    ｶﾅ made ordinary) and case-folded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def held_words_in(text: str) -> list[str]:
    """The listed words ``text`` contains (as substrings of its folded form), in list order."""
    folded = fold(text)
    if not folded:
        return []
    words = db.session.scalars(select(HeldWord.word).order_by(HeldWord.word))
    return [word for word in words if word and word in folded]
