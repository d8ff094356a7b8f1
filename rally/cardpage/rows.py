"""The rows of the card page, prepared once per request.

The card lists up to 60 places twice (stamps, then places still to visit). Resolving each
name, address, category label and stamp image here, in the visitor's language, keeps the
template to plain loops: per-row lookups in the template cost most of the page's time.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, select

from rally.campaigns.progress import CARD_STAMP_COLUMNS, CardProgress
from rally.cardpage.sheet import REVISION_VALUE, current_revision
from rally.cards.models import Card, Stamp
from rally.cards.reading import card_by_key
from rally.designs.views import stamp_image_url_maker
from rally.extensions import db
from rally.i18n import current_language
from rally.rewards.models import Claim


class StampRow(NamedTuple):
    """One of the card's stamps, as :func:`.progress.build_progress` counts them."""

    id: int
    checkpoint_id: int
    created_at: datetime
    slot: int
    count: int
    points: int


class VisitorCard(NamedTuple):
    revision: int | None  # of the shared content (:mod:`.sheet`); None: no revision row
    card: Card | None
    stamps: list[StampRow] | None  # the card's stamps in the campaign; None: not read
    has_claims: bool  # in the campaign: then its claims are worth reading


def read_card(key: str | None, campaign_id: int) -> VisitorCard:
    """The card page's question to the database, in one statement: is the shared content
    still current, whose card is this (``key`` from the cookie), which stamps does it hold
    in the campaign and has it claimed any reward there (a row per stamp)."""
    if not key:
        return VisitorCard(current_revision(), None, [], False)
    rows = db.session.execute(_card_with_stamps(), {"key": key, "campaign_id": campaign_id}).all()
    if not rows:  # no revision row (a database not yet migrated to it)
        card = card_by_key(key)
        return VisitorCard(None, card, None, card is not None)
    first = rows[0]
    stamps = [StampRow(*row[3:]) for row in rows if row[3] is not None]
    return VisitorCard(first.value, first.Card, stamps, bool(first.has_claims))


@cache
def _card_with_stamps():
    """Built once."""
    in_campaign = Stamp.campaign_id == bindparam("campaign_id")
    has_claims = (
        select(Claim.id)
        .where(Claim.card_id == Card.id, Claim.campaign_id == bindparam("campaign_id"))
        .exists()
    )
    return (
        select(REVISION_VALUE, Card, has_claims.label("has_claims"), *CARD_STAMP_COLUMNS)
        .select_from(REVISION_VALUE.table)
        .outerjoin(Card, Card.key == bindparam("key"))
        .outerjoin(Stamp, and_(Stamp.card_id == Card.id, in_campaign))
        .where(REVISION_VALUE.table.c.id == 1)
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
    # False: a suspended store (see :attr:`.progress.CheckpointRow.open`).
    open: bool = True


@dataclass(frozen=True, slots=True)
class AreaRows:
    """An area of the card (``progress`` is its :class:`AreaProgress`) and its places."""

    progress: object
    name: str
    places: list[PlaceRow]
    open: bool = False  # shown unfolded (decided by :func:`.page.unfolded_groups`)


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
            open=checkpoint.open,
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
