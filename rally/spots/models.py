"""Places of the district that are not shops: parks, museums, shrines."""

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import Translated, _l
from rally.i18n.content import translated_column
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow


class SpotKind(TitledEnum):
    park = "park"
    museum = "museum"
    shrine = "shrine"
    temple = "temple"
    landmark = "landmark"

    @classmethod
    def _titles(cls):
        return {
            cls.park: _l("Park"),
            cls.museum: _l("Museum"),
            cls.shrine: _l("Shrine"),
            cls.temple: _l("Temple"),
            cls.landmark: _l("Landmark"),
        }


class Spot(Translated, db.Model):
    __tablename__ = "spot"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SpotKind] = mapped_column(
        Enum(SpotKind, native_enum=False, length=20, validate_strings=True), index=True
    )
    name: Mapped[dict[str, str]] = translated_column()
    # The name's reading in katakana (名称_カナ of the open data), "" when not given.
    name_kana: Mapped[str] = mapped_column(String(200), default="", server_default="")
    description: Mapped[dict[str, str]] = translated_column()
    address: Mapped[dict[str, str]] = translated_column()
    hours: Mapped[dict[str, str]] = translated_column()
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    website: Mapped[str] = mapped_column(String(255), default="")
    # A picture under RALLY_UPLOAD_FOLDER/spots (rally/spots/photos.py), shown on public pages.
    photo_filename: Mapped[str | None] = mapped_column(String(80))
    # The street or neighbourhood it belongs to (rally/areas), for per-area rally rules.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    area = relationship("Area")
    # Read-only, named by string: campaigns sit above this room and own the checkpoints.
    checkpoints = relationship("Checkpoint", viewonly=True)
    # Hidden spots stay in the back office but leave the public pages and the map.
    published: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Spot {self.id} {self.tr('name', 'en')}>"
