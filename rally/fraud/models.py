from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.cards.models import card_number, format_card_number
from rally.extensions import db
from rally.i18n import _l
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow


class FlagKind(TitledEnum):
    impossible_travel = "impossible_travel"
    no_location = "no_location"

    @classmethod
    def _titles(cls):
        return {
            cls.impossible_travel: _l("Impossible travel"),
            cls.no_location: _l("Stamp without location in a geofenced campaign"),
        }


class FlagResolution(TitledEnum):
    """How the association settled a flag; the counts of a void are columns of the flag."""

    voided = "voided"
    dismissed = "dismissed"

    @classmethod
    def _titles(cls):
        return {
            cls.voided: _l("Stamps voided"),
            cls.dismissed: _l("Dismissed"),
        }


class FraudFlag(db.Model):
    """Something about a card that the association should look at."""

    __tablename__ = "fraud_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    kind: Mapped[FlagKind] = mapped_column(
        Enum(FlagKind, native_enum=False, length=30, validate_strings=True), index=True
    )
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[FlagResolution | None] = mapped_column(
        Enum(FlagResolution, native_enum=False, length=20, validate_strings=True), default=None
    )
    # What a void removed, for the resolved list (None unless the resolution is "voided").
    stamps_voided: Mapped[int | None]
    claims_cancelled: Mapped[int | None]

    campaign = relationship("Campaign")

    @property
    def card_number(self) -> str:
        """The card's number as the card page and the register show it (``000123-4``)."""
        return format_card_number(card_number(self.card_id))
