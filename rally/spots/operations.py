"""Business rules of tourist spots. Functions ``flush()``; the request commits once."""

from dataclasses import dataclass, field, fields

from sqlalchemy import select

from rally.areas.signals import area_changing
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l
from rally.i18n.content import clean_texts, sort_key_sql
from rally.pagination import paginate

from .models import Spot, SpotKind


class SpotError(RallyError):
    """A spot that cannot be saved; ``code`` says why."""


@dataclass(frozen=True)
class SpotInput:
    """Validated values of the spot form; every field is written to the spot."""

    kind: SpotKind
    area_id: int | None = None
    name: dict[str, str] = field(default_factory=dict)
    name_kana: str = ""  # the name's reading in katakana (open data)
    description: dict[str, str] = field(default_factory=dict)
    address: dict[str, str] = field(default_factory=dict)
    hours: dict[str, str] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    website: str = ""
    published: bool = True


def save_spot(data: SpotInput, spot: Spot | None = None) -> Spot:
    """Create or update a tourist spot.

    :param data: the spot's values (built by :meth:`rally.spots.forms.SpotForm.to_input`).
    :param spot: the spot to update, or ``None`` to create one.
    :raise SpotError: ``name_required`` (no name in any language),
        ``coordinates_incomplete`` (a latitude without a longitude, or the reverse),
        ``area_locked`` (see :func:`rally.campaigns.places.check_area_kept`, which answers
        :data:`rally.areas.signals.area_changing`).
    """
    if not clean_texts(data.name):
        raise SpotError(_l("Please enter a name in at least one language."), code="name_required")
    if (data.latitude is None) != (data.longitude is None):
        raise SpotError(
            _l("Please enter both the latitude and the longitude, or neither."),
            code="coordinates_incomplete",
        )
    if spot is not None:
        area_changing.send(
            SpotError, store_id=None, spot_id=spot.id, old=spot.area_id, new=data.area_id
        )
    spot = spot or Spot()
    for name in (each.name for each in fields(data)):
        value = getattr(data, name)
        setattr(spot, name, clean_texts(value) if isinstance(value, dict) else value)
    db.session.add(spot)
    db.session.flush()
    return spot


def delete_spot(spot: Spot) -> None:
    """Delete a spot no campaign stamps at.

    :raise SpotError: ``spot_in_use`` (a checkpoint of a campaign, even an ended one: its
        stamps need it; hide the spot instead).
    """
    used = db.session.scalar(select(Spot.id).where(Spot.id == spot.id, Spot.checkpoints.any()))
    if used is not None:
        raise SpotError(
            _l("A campaign stamps at this spot, so it cannot be deleted. Hide it instead."),
            code="spot_in_use",
            status=409,
        )
    db.session.delete(spot)
    db.session.flush()


def spots_page(page: int, per_page: int):
    """One page of every spot, hidden ones too, by kind then name (see
    :func:`rally.pagination.paginate`)."""
    return paginate(
        select(Spot).order_by(Spot.kind, sort_key_sql(Spot.name), Spot.id), page, per_page
    )


def campaign_spots(campaign) -> list:
    """The public tourist spots taking part in ``campaign``."""
    # A spot is a checkpoint of a campaign at most once (a unique constraint): EXISTS
    # returns what the join did.
    return list(
        db.session.scalars(
            select(Spot)
            .where(Spot.checkpoints.any(campaign_id=campaign.id), Spot.published.is_(True))
            .order_by(Spot.kind, sort_key_sql(Spot.name))
        )
    )


def public_spots_query(kind: SpotKind | None = None, area_id: int | None = None):
    """The spots visitors may see (published ones), by kind then name, optionally of one
    kind or one area."""
    query = select(Spot).where(Spot.published.is_(True))
    if kind is not None:
        query = query.where(Spot.kind == kind)
    if area_id is not None:
        query = query.where(Spot.area_id == area_id)
    return query.order_by(Spot.kind, sort_key_sql(Spot.name), Spot.id)


def public_spots() -> list[Spot]:
    return list(db.session.scalars(public_spots_query()))


def public_spot(spot_id: int) -> Spot | None:
    spot = db.session.get(Spot, spot_id)
    return spot if spot is not None and spot.published else None
