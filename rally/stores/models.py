"""The district's stores."""

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.errors import StateError
from rally.extensions import db
from rally.i18n import Translated, _l
from rally.i18n.content import translated_column
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow


class Category(TitledEnum):
    """The five ways into the district (Mitaka's "Buy, Eat, Play, Walk, Relax")."""

    buy = "buy"
    eat = "eat"
    play = "play"
    walk = "walk"
    relax = "relax"

    @classmethod
    def _titles(cls):
        return {
            cls.buy: _l("Buy"),
            cls.eat: _l("Eat"),
            cls.play: _l("Play"),
            cls.walk: _l("Walk"),
            cls.relax: _l("Relax"),
        }


class StoreStatus(TitledEnum):
    pending = "pending"
    approved = "approved"
    suspended = "suspended"

    @classmethod
    def _titles(cls):
        return {
            cls.pending: _l("Waiting for approval"),
            cls.approved: _l("Approved"),
            cls.suspended: _l("Suspended"),
        }


class Store(Translated, db.Model):
    __tablename__ = "store"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[dict[str, str]] = translated_column()
    # The name's reading in katakana (名称_カナ of the open data), "" when not given.
    name_kana: Mapped[str] = mapped_column(String(200), default="", server_default="")
    description: Mapped[dict[str, str]] = translated_column()
    category: Mapped[Category] = mapped_column(
        Enum(Category, native_enum=False, length=20, validate_strings=True), index=True
    )
    address: Mapped[dict[str, str]] = translated_column()
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    hours: Mapped[dict[str, str]] = translated_column()
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    english_spoken: Mapped[bool] = mapped_column(default=False)
    tax_free: Mapped[bool] = mapped_column(default=False)
    cashless: Mapped[bool] = mapped_column(default=False)
    wifi: Mapped[bool] = mapped_column(default=False)
    # File name under instance/uploads/stores/ (random, set by the upload operation).
    photo_filename: Mapped[str | None] = mapped_column(String(80))
    # The street or neighbourhood it belongs to (rally/areas), for per-area rally rules.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    area = relationship("Area")
    status: Mapped[StoreStatus] = mapped_column(
        Enum(StoreStatus, native_enum=False, length=20, validate_strings=True),
        default=StoreStatus.pending,
        index=True,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner = relationship("User", backref="stores")
    # Read-only, named by string: campaigns sit above this room and own the checkpoints.
    checkpoints = relationship("Checkpoint", viewonly=True)

    @property
    def is_approved(self) -> bool:
        return self.status is StoreStatus.approved

    def _move(self, allowed_from: tuple[StoreStatus, ...], to: StoreStatus) -> None:
        if self.status not in allowed_from:
            raise StateError(
                _l(
                    "A store that is “%(status)s” cannot become “%(target)s”.",
                    status=self.status.label,
                    target=to.label,
                ),
                code="illegal_transition",
            )
        self.status = to

    def approve(self) -> None:
        self._move((StoreStatus.pending,), StoreStatus.approved)

    def suspend(self) -> None:
        self._move((StoreStatus.pending, StoreStatus.approved), StoreStatus.suspended)

    def reinstate(self) -> None:
        self._move((StoreStatus.suspended,), StoreStatus.approved)

    def __repr__(self) -> str:
        return f"<Store {self.id} {self.tr('name', 'en')}>"
