"""A survey, its questions, who answered it and the answers.

Anonymous answers are kept apart from who gave them. :class:`SurveyRespondent` says only
that a resident answered (one row per survey and resident: the database keeps one answer
per resident); :class:`SurveyResponse` holds the answers. For an anonymous survey nothing
joins the two: the response has no account, a random key (not a counter, so its order says
nothing about when it came) and only the day it was given; the respondent row has no time
and no counter at all. On SQLite both tables are ``WITHOUT ROWID``, so even the hidden row
number does not follow the order of arrival.
"""

from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import Translated, _l
from rally.i18n.content import translated_column
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow


class Audience(TitledEnum):
    everyone = "everyone"
    verified = "verified"
    circle = "circle"

    @classmethod
    def _titles(cls):
        return {
            cls.everyone: _l("Every resident with an account"),
            cls.verified: _l("Verified residents only"),
            cls.circle: _l("The members of one circle"),
        }


class QuestionKind(TitledEnum):
    single = "single"
    several = "several"
    scale = "scale"
    text = "text"

    @classmethod
    def _titles(cls):
        return {
            cls.single: _l("One choice"),
            cls.several: _l("Several choices"),
            cls.scale: _l("A scale from 1 to 5"),
            cls.text: _l("Free text"),
        }

    @property
    def has_choices(self) -> bool:
        return self in (QuestionKind.single, QuestionKind.several)


class Survey(Translated, db.Model):
    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[dict[str, str]] = translated_column()
    description: Mapped[dict[str, str]] = translated_column()
    audience: Mapped[Audience] = mapped_column(
        Enum(Audience, native_enum=False, length=20, validate_strings=True)
    )
    circle_id: Mapped[int | None] = mapped_column(
        ForeignKey("circle.id", ondelete="SET NULL"), index=True
    )
    # Answers stored without the account (see the module's docstring).
    anonymous: Mapped[bool] = mapped_column(default=False)
    results_public: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[datetime] = mapped_column(index=True)
    closes_at: Mapped[datetime]
    # The association closed it before ``closes_at``.
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    circle = relationship("Circle")
    questions = relationship(
        "SurveyQuestion",
        back_populates="survey",
        order_by="(SurveyQuestion.position, SurveyQuestion.id)",
        cascade="all, delete-orphan",
    )

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and self.opens_at <= now < self.closes_at

    def has_ended(self, now: datetime) -> bool:
        return self.closed_at is not None or now >= self.closes_at


class SurveyQuestion(Translated, db.Model):
    """A question; ``choices`` one per line (same number in every language) for the kinds
    with choices, answered by their 1-based number."""

    __tablename__ = "survey_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(
        Enum(QuestionKind, native_enum=False, length=20, validate_strings=True)
    )
    text: Mapped[dict[str, str]] = translated_column()
    choices: Mapped[dict[str, str]] = translated_column()
    required: Mapped[bool] = mapped_column(default=True)

    survey = relationship("Survey", back_populates="questions")


class SurveyRespondent(db.Model):
    """That a resident answered a survey: the primary key is the one-answer rule. No time,
    no counter and no link to the answers."""

    __tablename__ = "survey_respondent"
    __table_args__ = {"sqlite_with_rowid": False}

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SurveyResponse(db.Model):
    """One resident's answers to a survey; ``visitor_id`` only when it is not anonymous."""

    __tablename__ = "survey_response"
    __table_args__ = {"sqlite_with_rowid": False}

    # Random (secrets.token_hex), never a counter: see the module's docstring.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    visitor_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="SET NULL"), index=True
    )
    # The district's day, never the time.
    answered_on: Mapped[date]

    answers = relationship("SurveyAnswer", cascade="all, delete-orphan")


class SurveyAnswer(db.Model):
    """One answer: ``choice`` is the 1-based choice (one row per ticked choice) or the
    scale's value; a free answer has ``choice`` 0 and its ``text``."""

    __tablename__ = "survey_answer"
    __table_args__ = {"sqlite_with_rowid": False}

    response_id: Mapped[str] = mapped_column(
        ForeignKey("survey_response.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    choice: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    text: Mapped[str | None] = mapped_column(Text)
