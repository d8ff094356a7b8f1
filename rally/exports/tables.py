"""What each export contains: one function per table returning a header and rows.

A new export is one more function in :data:`TABLES`.
Times are written in the district's time zone, as the association reads them.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rally.auth.models import User
from rally.campaigns.labels import tier_requirement
from rally.campaigns.models import Campaign, Checkpoint, CheckpointCode, RewardTier
from rally.cards.models import Stamp, card_number
from rally.extensions import db
from rally.i18n import _, _l, pick
from rally.i18n.languages import site_languages
from rally.news.models import Event
from rally.news.registrations import registrations_of
from rally.questionnaires.models import Answer, Question
from rally.questionnaires.operations import answer_text
from rally.rewards.models import Claim
from rally.spots.models import Spot
from rally.stores.models import Store


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: Iterator[list]


def local_time(moment: datetime | None) -> str:
    """Naive UTC as ``YYYY-MM-DD HH:MM:SS`` in the district's zone (Excel reads it as a date)."""
    if moment is None:
        return ""
    zone = ZoneInfo(current_app.config["RALLY_TIMEZONE"])
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def stores_table(campaign_id: int | None = None) -> Table:
    """Every store with its status, contact and owner; its name and address in one column
    per site language (``name_ja``, ``name_en``, ``name_zh_Hans``...)."""
    stores = db.session.scalars(select(Store).options(joinedload(Store.owner)).order_by(Store.id))
    languages = site_languages()
    header = [
        _("Store ID"),
        *(f"name_{code}" for code in languages),
        _("Category"),
        _("Status"),
        *(f"address_{code}" for code in languages),
        _("Phone"),
        _("Website"),
        _("Owner e-mail"),
        _("Registered"),
    ]
    rows = (
        [
            store.id,
            *(store.name.get(code, "") for code in languages),
            store.category.label,
            store.status.label,
            *(store.address.get(code, "") for code in languages),
            store.phone,
            store.website,
            store.owner.email if store.owner else "",
            local_time(store.created_at),
        ]
        for store in stores
    )
    return Table(header, rows)


def stamps_table(campaign_id: int | None = None) -> Table:
    """Every stamp (of one campaign, if given): when, which campaign, which place, which card.

    The place is a store (its ID in the store column) or a tourist spot (its ID in the spot
    column). The card is its number only (the one staff type, with its check digit): the
    card's key is the visitor's secret. A purchase row may hold several stamps ("Stamps");
    "Code" names the further code scanned, "Given by" the staff at the register.
    """
    query = (
        select(
            Stamp.id,
            Stamp.created_at,
            Campaign,
            Store,
            Spot,
            Stamp.card_id,
            Stamp.count,
            Stamp.points,
            CheckpointCode.label,
            User.email,
        )
        .join(Campaign, Stamp.campaign_id == Campaign.id)
        .join(Checkpoint, Stamp.checkpoint_id == Checkpoint.id)
        .outerjoin(Store, Checkpoint.store_id == Store.id)
        .outerjoin(Spot, Checkpoint.spot_id == Spot.id)
        .outerjoin(CheckpointCode, Stamp.code_id == CheckpointCode.id)
        .outerjoin(User, Stamp.granted_by_id == User.id)
        .order_by(Stamp.created_at, Stamp.id)
    )
    if campaign_id is not None:
        query = query.where(Stamp.campaign_id == campaign_id)
    header = [
        _("Stamp ID"),
        _("Time"),
        _("Campaign ID"),
        _("Campaign"),
        _("Store ID"),
        _("Spot ID"),
        _("Place"),
        _("Card number"),
        _("Stamps"),
        _("Points"),
        _("Code"),
        _("Given by"),
    ]
    rows = (
        [
            stamp_id,
            local_time(created_at),
            campaign.id,
            campaign.tr("title"),
            store.id if store else "",
            spot.id if spot else "",
            (store or spot).tr("name"),
            card_number(card_id),
            count,
            points,
            pick(code_label) if code_label else "",
            staff or "",
        ]
        for (
            stamp_id,
            created_at,
            campaign,
            store,
            spot,
            card_id,
            count,
            points,
            code_label,
            staff,
        ) in db.session.execute(query)
    )
    return Table(header, rows)


def redemptions_table(campaign_id: int | None = None) -> Table:
    """Every reward claim (of one campaign, if given) and whether and where it was handed
    over. The one-time code is left out: it is the visitor's proof."""
    query = (
        select(Claim)
        .join(Campaign, Claim.campaign_id == Campaign.id)
        .join(RewardTier, Claim.tier_id == RewardTier.id)
        .options(
            joinedload(Claim.campaign),
            joinedload(Claim.tier),
            joinedload(Claim.redeemed_store),
            joinedload(Claim.redeemed_by),
        )
        .order_by(Claim.created_at, Claim.id)
    )
    if campaign_id is not None:
        query = query.where(Claim.campaign_id == campaign_id)
    header = [
        _("Claim ID"),
        _("Claimed"),
        _("Campaign ID"),
        _("Campaign"),
        _("Reward"),
        _("Requirement"),
        _("Times reached"),
        _("Card number"),
        _("Handed over"),
        _("Handed over at store"),
        _("Handed over by"),
        _("Given as"),  # last: a column added later does not move the others
    ]
    rows = (
        [
            claim.id,
            local_time(claim.created_at),
            claim.campaign_id,
            claim.campaign.tr("title"),
            claim.reward_name(),
            tier_requirement(claim.tier),
            claim.occurrence,
            card_number(claim.card_id),
            local_time(claim.redeemed_at),
            claim.redeemed_store.tr("name") if claim.redeemed_store else "",
            claim.redeemed_by.email if claim.redeemed_by else "",
            claim.kind.label,
        ]
        for claim in db.session.scalars(query)
    )
    return Table(header, rows)


def answers_table(campaign_id: int | None = None) -> Table:
    """Every questionnaire answer (of one campaign, if given): the question and the answer
    in Japanese (a choice's wording, or the text typed), by card number."""
    query = (
        select(Answer, Campaign)
        .join(Campaign, Answer.campaign_id == Campaign.id)
        .join(Question, Answer.question_id == Question.id)
        .options(joinedload(Answer.question))
        .order_by(Answer.campaign_id, Answer.card_id, Question.position, Question.id)
    )
    if campaign_id is not None:
        query = query.where(Answer.campaign_id == campaign_id)
    header = [
        _("Campaign ID"),
        _("Campaign"),
        _("Card number"),
        _("Question"),
        _("Answer"),
        _("Answered"),
    ]
    rows = (
        [
            campaign.id,
            campaign.tr("title"),
            card_number(answer.card_id),
            answer.question.tr("text", "ja"),
            answer_text(answer, "ja"),
            local_time(answer.created_at),
        ]
        for answer, campaign in db.session.execute(query)
    )
    return Table(header, rows)


@dataclass(frozen=True)
class Export:
    title: object  # a lazy translated string
    build: Callable[[int | None], Table]
    by_campaign: bool


def event_registrations_table(event: Event) -> Table:
    """One event's registrations: seats, then the waiting list in its order, then the
    cancelled ones; who moved up from the list, and who attended."""
    header = [
        _("Registration ID"),
        _("E-mail"),
        _("Status"),
        _("Place in the list"),
        _("Registered"),
        _("Moved up from the waiting list"),
        _("Cancelled"),
        _("Attended"),
    ]
    rows = (
        [
            row.id,
            row.visitor.email,
            row.status.label,
            position,
            local_time(row.queued_at),
            local_time(row.promoted_at),
            local_time(row.cancelled_at),
            local_time(row.attended_at),
        ]
        for position, row in enumerate(registrations_of(event), start=1)
    )
    return Table(header, rows)


TABLES: dict[str, Export] = {
    "stores": Export(_l("Stores"), stores_table, by_campaign=False),
    "stamps": Export(_l("Stamps"), stamps_table, by_campaign=True),
    "redemptions": Export(_l("Redemptions"), redemptions_table, by_campaign=True),
    "answers": Export(_l("Questionnaire answers"), answers_table, by_campaign=True),
}
