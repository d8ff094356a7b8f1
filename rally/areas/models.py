"""Areas: a shopping street or a neighbourhood. Stores and spots belong to at most one."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import Translated
from rally.i18n.content import translated_column
from rally.utils import utcnow


class Area(Translated, db.Model):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[dict[str, str]] = translated_column()
    # Areas are listed in this order on cards and in the back office.
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Read-only, named by string: the places rooms sit above this one and own the links.
    stores = relationship("Store", viewonly=True)
    spots = relationship("Spot", viewonly=True)

    def __repr__(self) -> str:
        return f"<Area {self.id} {self.tr('name', 'en')}>"
