"""Areas: a shopping street or a neighbourhood. Stores and spots belong to at most one."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import Bilingual
from rally.utils import utcnow


class Area(Bilingual, db.Model):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_ja: Mapped[str] = mapped_column(String(120), default="")
    name_en: Mapped[str] = mapped_column(String(120), default="")
    # Areas are listed in this order on cards and in the back office.
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Read-only, named by string: the places rooms sit above this one and own the links.
    stores = relationship("Store", viewonly=True)
    spots = relationship("Spot", viewonly=True)

    def __repr__(self) -> str:
        return f"<Area {self.id} {self.name_en or self.name_ja}>"
