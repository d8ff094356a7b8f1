"""The rows of the card page, prepared once per request.

The card lists up to 60 places twice (stamps, then places still to visit). Resolving each
name, address, category label and stamp image here, in the visitor's language, keeps the
template to plain loops: per-row lookups in the template cost most of the page's time.
"""

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, select

from rally.designs.views import stamp_image_url_maker
from rally.extensions import db
from rally.i18n import current_language
from rally.rewards.models import Claim
from rally.rewards.operations import claims_by_tier

from .models import Card, Stamp
from .progress import CardProgress
from .sheet import REVISION_VALUE, current_revision


class VisitorCard(NamedTuple):
    revision: int | None  # of the shared content (:mod:`.sheet`); None: no revision row
    card: Card | None
    claims: dict[int, list[Claim]]  # tier id -> the card's claims in the campaign


def read_card(key: str | None, campaign_id: int) -> VisitorCard:
    """The card page's first question to the database, in one statement: is the shared
    content still current, whose card is this (``key`` from the cookie) and which rewards
    has it claimed in the campaign."""
    if not key:
        return VisitorCard(current_revision(), None, {})
    rows = db.session.execute(_card_with_claims(), {"key": key, "campaign_id": campaign_id}).all()
    if not rows:  # no revision row (a database not yet migrated to it)
        return VisitorCard(None, db.session.scalar(select(Card).where(Card.key == key)), {})
    claims = claims_by_tier(row.Claim for row in rows if row.Claim is not None)
    return VisitorCard(rows[0].value, rows[0].Card, claims)


@cache
def _card_with_claims():
    """Built once. A row per claim (the card's repeated), or one with neither."""
    return (
        select(REVISION_VALUE, Card, Claim)
        .select_from(REVISION_VALUE.table)
        .outerjoin(Card, Card.key == bindparam("key"))
        .outerjoin(
            Claim,
            and_(Claim.card_id == Card.id, Claim.campaign_id == bindparam("campaign_id")),
        )
        .where(REVISION_VALUE.table.c.id == 1)
        .order_by(Claim.tier_id, Claim.occurrence)
    )


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
