"""The rows of the card page, prepared once per request.

The card lists up to 60 places twice (stamps, then places still to visit). Resolving each
name, address, category label and stamp image here, in the visitor's language, keeps the
template to plain loops: per-row lookups in the template cost most of the page's time.
"""

from dataclasses import dataclass

from rally.designs.views import stamp_image_url_maker
from rally.i18n import current_language

from .models import Stamp
from .progress import CardProgress


@dataclass(frozen=True, slots=True)
class PlaceRow:
    checkpoint_id: int
    name: str
    address: str
    label: str
    stamp: Stamp | None
    count: int
    image_url: str | None


@dataclass(frozen=True, slots=True)
class AreaRows:
    """An area of the card (``progress`` is its :class:`AreaProgress`) and its places."""

    progress: object
    name: str
    places: list[PlaceRow]


def place_rows(progress: CardProgress, texts: dict) -> dict[int, PlaceRow]:
    """One row per checkpoint of the card, by checkpoint id.

    :param texts: each checkpoint's :class:`~.sheet.PlaceText` in the visitor's language.
    """
    image_url = stamp_image_url_maker()
    rows = {}
    for checkpoint in progress.checkpoints:
        text = texts[checkpoint.id]
        stamp = progress.stamps.get(checkpoint.id)
        rows[checkpoint.id] = PlaceRow(
            checkpoint_id=checkpoint.id,
            name=text.name,
            address=text.address,
            label=text.label,
            stamp=stamp,
            count=progress.counts.get(checkpoint.id, 0),
            image_url=image_url(checkpoint) if stamp is not None else None,
        )
    return rows


def area_rows(progress: CardProgress, rows: dict[int, PlaceRow]) -> list[AreaRows]:
    """The card's places grouped by area (one group without a name when there are none)."""
    if not progress.has_areas:
        return [AreaRows(None, "", [rows[cp.id] for cp in progress.checkpoints])]
    language = current_language()
    return [
        AreaRows(
            area,
            area.area.tr("name", language) if area.area is not None else "",
            [rows[cp.id] for cp in area.checkpoints],
        )
        for area in progress.areas
    ]
