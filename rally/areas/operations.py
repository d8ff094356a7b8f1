"""Business rules of areas. Functions ``flush()``; the request commits once."""

from dataclasses import dataclass

from sqlalchemy import func, select

from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l

from .models import Area


class AreaError(RallyError):
    """A refused change to an area; ``code`` says why."""


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
    from rally.spots.models import Spot
    from rally.stores.models import Store

    stores = dict(
        db.session.execute(
            select(Store.area_id, func.count())
            .where(Store.area_id.is_not(None))
            .group_by(Store.area_id)
        ).all()
    )
    spots = dict(
        db.session.execute(
            select(Spot.area_id, func.count())
            .where(Spot.area_id.is_not(None))
            .group_by(Spot.area_id)
        ).all()
    )
    return [AreaRow(area, stores.get(area.id, 0), spots.get(area.id, 0)) for area in all_areas()]


def area_choices(empty_label) -> list[tuple[str, str]]:
    """Choices of an "Area" select: ``("", empty_label)`` then every area by its name."""
    return [("", empty_label)] + [(str(area.id), area.tr("name")) for area in all_areas()]


def save_area(data: dict, area: Area | None = None) -> Area:
    """Create or update an area.

    :param data: ``name_ja``, ``name_en`` and ``position`` (an integer, ``None`` for 0).
    :param area: the area to change, or ``None`` to create one.
    :raise AreaError: ``name_required`` (no name in either language).
    """
    name_ja = (data.get("name_ja") or "").strip()
    name_en = (data.get("name_en") or "").strip()
    if not name_ja and not name_en:
        raise AreaError(_l("Please enter a name in Japanese or English."), code="name_required")
    area = area or Area()
    area.name_ja = name_ja
    area.name_en = name_en
    area.position = data.get("position") or 0
    db.session.add(area)
    db.session.flush()
    return area


def delete_area(area: Area) -> None:
    """Delete an area no store or spot belongs to.

    :raise AreaError: ``area_in_use`` (stores or spots still belong to it; move them first).
    """
    from rally.spots.models import Spot
    from rally.stores.models import Store

    used = db.session.scalar(
        select(Store.id).where(Store.area_id == area.id).limit(1)
    ) or db.session.scalar(select(Spot.id).where(Spot.area_id == area.id).limit(1))
    if used is not None:
        raise AreaError(
            _l("Stores or spots still belong to this area. Move them to another area first."),
            code="area_in_use",
            status=409,
        )
    db.session.delete(area)
    db.session.flush()


def check_area_kept(store_id: int | None, spot_id: int | None, old, new, error_class) -> None:
    """Refuse moving a place to another area once it takes part in a campaign past its
    draft whose rewards count areas: its stamps would move with it, and a reward a visitor
    has reached ("a stamp in every street") could be taken back, even after the campaign
    ended (rewards are still claimed then).

    The place's row is locked first: an admin adding it to such a campaign at the same
    moment (:func:`rally.campaigns.operations._check_no_new_area` reads its area under a
    share lock) either sees the new area or is seen here.

    :raise error_class: ``area_locked`` (409), naming the campaign.
    """
    from rally.campaigns.models import Campaign, CampaignState, Checkpoint, RewardTier, TierBasis
    from rally.spots.models import Spot
    from rally.stores.models import Store

    if old == new:
        return
    model, place_id = (Store, store_id) if store_id is not None else (Spot, spot_id)
    db.session.execute(select(model.id).where(model.id == place_id).with_for_update())
    place = (
        Checkpoint.store_id == store_id if store_id is not None else (Checkpoint.spot_id == spot_id)
    )
    campaign = db.session.scalar(
        select(Campaign)
        .join(Checkpoint, Checkpoint.campaign_id == Campaign.id)
        .join(RewardTier, RewardTier.campaign_id == Campaign.id)
        .where(
            place,
            Campaign.state != CampaignState.draft,
            RewardTier.basis.in_([TierBasis.areas, TierBasis.all_areas]),
        )
        .limit(1)
    )
    if campaign is not None:
        raise error_class(
            _l(
                "“%(campaign)s” counts areas for its rewards and this place takes part: its "
                "area stays, so that the rewards visitors reached stay theirs.",
                campaign=campaign.tr("title"),
            ),
            code="area_locked",
            status=409,
        )
