"""Questions of a campaign's questionnaire and the cards' answers."""

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import Translated
from rally.i18n.content import translated_column
from rally.utils import utcnow


class Question(Translated, db.Model):
    """A bilingual question; with choices (one per line, same number in both languages) it
    is answered by picking one, without them by a short text."""

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[dict[str, str]] = translated_column()
    choices: Mapped[dict[str, str]] = translated_column()
    required: Mapped[bool] = mapped_column(default=True)

    campaign = relationship("Campaign", back_populates="questions")


class Answer(db.Model):
    """One card's answer to one question: for a choice, the 1-based number of the choice;
    otherwise the text typed."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("card_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    value: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question = relationship("Question")
