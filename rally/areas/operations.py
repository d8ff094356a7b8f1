"""Business rules of areas. Functions ``flush()``; the request commits once."""

from dataclasses import dataclass

from sqlalchemy import func, select

from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.i18n.content import clean_texts

from .models import Area


class AreaError(RallyError):
    """A refused change to an area; ``code`` says why."""


@dataclass(frozen=True)
class AreaInput:
    """Validated values of the area form."""

    name: dict[str, str]
    # ``None`` (left empty) counts as 0.
    position: int | None = None


@dataclass(frozen=True)
class AreaRow:
    """An area with the number of stores and spots that belong to it."""

    area: Area
    stores: int
    spots: int

    @property
    def in_use(self) -> bool:
        return bool(self.stores or self.spots)


def all_areas() -> list[Area]:
    """The district's areas in their display order."""
    return list(db.session.scalars(select(Area).order_by(Area.position, Area.id)))


def area_rows() -> list[AreaRow]:
    """Every area with its number of stores and spots (one query each)."""
    stores = dict(
        db.session.execute(select(Area.id, func.count()).join(Area.stores).group_by(Area.id)).all()
    )
    spots = dict(
        db.session.execute(select(Area.id, func.count()).join(Area.spots).group_by(Area.id)).all()
    )
    return [AreaRow(area, stores.get(area.id, 0), spots.get(area.id, 0)) for area in all_areas()]


def area_choices(empty_label) -> list[tuple[str, str]]:
    """Choices of an "Area" select: ``("", empty_label)`` then every area by its name."""
    return [("", empty_label)] + [(str(area.id), area.tr("name")) for area in all_areas()]


def save_area(data: AreaInput, area: Area | None = None) -> Area:
    """Create or update an area.

    :param data: the names and the position (built by :meth:`rally.areas.forms.AreaForm.to_input`).
    :param area: the area to change, or ``None`` to create one.
    :raise AreaError: ``name_required`` (no name in any language).
    """
    name = clean_texts(data.name)
    if not name:
        raise AreaError(_l("Please enter a name in at least one language."), code="name_required")
    area = area or Area()
    area.name = name
    area.position = data.position or 0
    db.session.add(area)
    db.session.flush()
    return area


def delete_area(area: Area) -> None:
    """Delete an area no store or spot belongs to.

    :raise AreaError: ``area_in_use`` (stores or spots still belong to it; move them first).
    """
    used = db.session.scalar(
        select(Area.id).where(Area.id == area.id, Area.stores.any() | Area.spots.any())
    )
    if used is not None:
        raise AreaError(
            _l("Stores or spots still belong to this area. Move them to another area first."),
            code="area_in_use",
            status=409,
        )
    db.session.delete(area)
    db.session.flush()
