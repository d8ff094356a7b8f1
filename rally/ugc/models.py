"""Words the association lists: a post containing one is held for a moderator's review."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from rally.extensions import db
from rally.utils import utcnow


class HeldWord(db.Model):
    """One listed word or phrase, stored folded (NFKC, lower case) and matched as a
    substring: Japanese has no spaces between words."""

    __tablename__ = "held_word"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
