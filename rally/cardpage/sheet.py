"""What every card page of a campaign shows alike, kept per process while it is current.

A card page lists the campaign's 20 to 60 places twice, its tiers and its rules; only the
stamps, claims and lottery entries are the visitor's own. Reading and preparing the shared
part was most of the page's time, so each process keeps a :class:`Sheet` per campaign:
the campaign with its tiers, questions and lotteries (detached from any session, read
only), its checkpoint rows and areas, and the place names, addresses and labels per language.

The sheet is current while :class:`~.models.ContentRevision` has not moved: any change to
a campaign, checkpoint, tier, question, store, spot, area or lottery raises it in the same
transaction (the session events below, for the unit of work and for ``UPDATE`` /
``DELETE`` / ``INSERT`` statements alike), so every process sees the change at its next
card page. One small ``SELECT`` per page checks it.
"""

from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, selectinload

from rally.campaigns.models import Campaign, ContentRevision, TierBasis
from rally.campaigns.progress import CheckpointRow, campaign_rows
from rally.extensions import db
from rally.i18n.content import in_language
from rally.lottery.operations import campaign_lotteries


def _sheets() -> dict[int, "Sheet"]:
    """This app's sheets by campaign id (per app: each app has its own database)."""
    return current_app.extensions.setdefault("rally_sheets", {})


@dataclass(frozen=True, slots=True)
class PlaceText:
    name: Markup
    address: Markup
    label: str


@dataclass
class Sheet:
    revision: int
    campaign: Campaign
    checkpoints: list[CheckpointRow]
    areas: list
    # Points are shown when a tier counts them or a place gives more than one.
    show_points: bool
    lotteries: list
    texts: dict[str, dict[int, PlaceText]] = field(default_factory=dict)

    @property
    def rows(self) -> tuple[list[CheckpointRow], list]:
        return self.checkpoints, self.areas

    def place_texts(self, language: str) -> dict[int, PlaceText]:
        """Each checkpoint's name, address and category label in ``language`` (the request's
        language: labels are translated with the current catalog); name and address are
        markup for an element's content (a fallback in the other language is marked)."""
        texts = self.texts.get(language)
        if texts is None:
            labels: dict = {}
            texts = {}
            for cp in self.checkpoints:
                if cp.kind not in labels:
                    labels[cp.kind] = str(cp.kind.label)
                texts[cp.id] = PlaceText(
                    in_language(*cp.tr_lang("name", language), language),
                    in_language(*cp.tr_lang("address", language), language),
                    labels[cp.kind],
                )
            self.texts[language] = texts
        return texts


def current_revision() -> int | None:
    return db.session.connection().execute(_READ).scalar()


def campaign_sheet(campaign_id: int, revision: int | None) -> Sheet | None:
    """The campaign's sheet, read again when the content changed; ``None``: no campaign.

    :param revision: the content revision as the page read it
        (:func:`rally.campaigns.cardpage.read_card`); ``None``: no revision row, nothing kept.
    """
    sheets = _sheets()
    sheet = sheets.get(campaign_id)
    if sheet is not None and revision is not None and sheet.revision == revision:
        return sheet
    campaign = db.session.scalar(
        select(Campaign)
        .where(Campaign.id == campaign_id)
        .options(selectinload(Campaign.tiers), selectinload(Campaign.questions))
    )
    if campaign is None:
        return None
    checkpoints, areas = campaign_rows(campaign)
    lotteries = campaign_lotteries(campaign_id)
    # Detached, the objects keep what was loaded and never go back to the database; the
    # request's rollback cannot expire them.
    for instance in [campaign, *campaign.tiers, *campaign.questions, *areas, *lotteries]:
        if instance in db.session:  # the campaign's cascade may have taken it already
            db.session.expunge(instance)
    sheet = Sheet(
        revision=revision if revision is not None else -1,
        campaign=campaign,
        checkpoints=checkpoints,
        areas=areas,
        show_points=any(t.basis is TierBasis.points for t in campaign.tiers)
        or any(cp.points != 1 for cp in checkpoints),
        lotteries=lotteries,
    )
    if revision is not None:
        sheets[campaign_id] = sheet
    return sheet


_REVISION = ContentRevision.__table__
REVISION_VALUE = _REVISION.c.value
_READ = select(REVISION_VALUE).where(_REVISION.c.id == 1)
_RAISE = update(_REVISION).where(_REVISION.c.id == 1).values(value=_REVISION.c.value + 1)


# The tables whose rows a card page shows (its shared part).
WATCHED = frozenset(
    {"campaign", "checkpoint", "reward_tier", "question", "store", "spot", "area", "lottery"}
)


def _raise_revision(session: Session) -> None:
    # Every time, not once per transaction: a savepoint rolled back takes its raise along.
    session.connection().execute(_RAISE)


@event.listens_for(Session, "before_flush")
def _on_flush(session, flush_context, instances):
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(getattr(type(obj), "__tablename__", None) in WATCHED for obj in changed):
        _raise_revision(session)


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state):
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED:
        _raise_revision(state.session)
