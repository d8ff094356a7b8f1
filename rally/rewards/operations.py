"""Claiming and redeeming rewards. Each one-time step is atomic in the database."""

from datetime import datetime
from functools import cache

from flask_babel import LazyString
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from rally.campaigns.models import CampaignState, RewardTier
from rally.campaigns.progress import tier_progress
from rally.cards.models import Card
from rally.codes import is_code, new_redemption_code, normalise_code
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _l, format_when
from rally.questionnaires.operations import questionnaire_done
from rally.rewards.rules import claim_period_over, is_first_come
from rally.rewards.signals import reward_claimed

from .models import Claim, ClaimKind, redemption_counter


class RewardError(RallyError):
    """A claim or redemption that cannot go ahead; ``code`` says why."""


def check_claim_period(campaign, now: datetime) -> None:
    """:raise RewardError: ``claim_period_over`` (past the campaign's ``claims_until``)."""
    if claim_period_over(campaign, now):
        raise RewardError(
            _l(
                "The period for exchanging this campaign's rewards ended on %(when)s: "
                "rewards can no longer be claimed or handed over.",
                when=LazyString(lambda: format_when(campaign.claims_until)),
            ),
            code="claim_period_over",
            status=403,
        )


def claims_of_card(card: Card | None, campaign_id: int) -> dict[int, list[Claim]]:
    """The card's claimed rewards in a campaign (lottery prizes apart, see
    :func:`rally.lottery.operations.lotteries_on_card`): tier id -> claims, first
    occurrence first."""
    if card is None:
        return {}
    claims: dict[int, list[Claim]] = {}
    for claim in db.session.scalars(
        _claims_of_card(), {"card_id": card.id, "campaign_id": campaign_id}
    ):
        claims.setdefault(claim.tier_id, []).append(claim)
    return claims


@cache
def _claims_of_card():
    """Built once: the card page asks it beside a reached tier, for a card with claims."""
    return (
        select(Claim)
        .where(
            Claim.card_id == bindparam("card_id"),
            Claim.campaign_id == bindparam("campaign_id"),
            Claim.kind == ClaimKind.reward,
        )
        .order_by(Claim.tier_id, Claim.occurrence)
    )


def _claim_of(card: Card, tier: RewardTier, occurrence: int) -> Claim | None:
    return db.session.scalar(
        select(Claim).where(
            Claim.card_id == card.id,
            Claim.tier_id == tier.id,
            Claim.occurrence == occurrence,
            Claim.kind == ClaimKind.reward,
        )
    )


def claim_reward(card: Card, tier: RewardTier, now: datetime, occurrence: int = 1) -> Claim:
    """Claim ``tier`` for ``card`` and reserve one unit of its stock.

    A repeating tier is claimed once per time it was reached: ``occurrence`` says which
    (the card page posts the next unclaimed one, so a double submission claims it once).
    Claiming an occurrence twice returns the first claim. The stock goes down by a
    conditional ``UPDATE ... WHERE stock > 0`` inside the same savepoint as the claim's
    insert, so it never goes below zero and a lost race on the unique constraint gives the
    unit back.

    A tier drawn by lottery is claimed here only when it also has a stock (a first-come
    prize beside the lottery); without one it is won in the lottery only.

    :raise RewardError: ``campaign_not_started``, ``claim_period_over`` (past the
        campaign's claim deadline), ``lottery_only``, ``not_enough_stamps``
        (the card has not reached the tier that many times), ``questionnaire_required``
        (the campaign asks its questions first), ``out_of_stock``.
    """
    existing = _claim_of(card, tier, occurrence)
    if existing is not None:
        return existing
    if tier.campaign.state is CampaignState.draft:
        raise RewardError(
            _l("This campaign has not started yet."), code="campaign_not_started", status=403
        )
    check_claim_period(tier.campaign, now)
    if not is_first_come(tier, has_lottery=tier.lottery is not None):
        raise RewardError(
            _l("This reward is given by lottery: please enter the lottery instead."),
            code="lottery_only",
            status=403,
        )
    if occurrence < 1 or tier_progress(card, tier).reached < occurrence:
        raise RewardError(
            _l("You do not have enough stamps for this reward yet."),
            code="not_enough_stamps",
            status=403,
        )
    if not questionnaire_done(card, tier.campaign):
        raise RewardError(
            _l("Please answer the short questionnaire before claiming a reward."),
            code="questionnaire_required",
            status=403,
        )
    try:
        with db.session.begin_nested():
            if tier.stock is not None:
                taken = db.session.execute(
                    update(RewardTier)
                    .where(RewardTier.id == tier.id, RewardTier.stock > 0)
                    .values(stock=RewardTier.stock - 1)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if taken != 1:
                    raise RewardError(
                        _l("Sorry, this reward has run out."), code="out_of_stock", status=409
                    )
            claim = Claim(
                card_id=card.id,
                tier_id=tier.id,
                campaign_id=tier.campaign_id,
                occurrence=occurrence,
                code=new_redemption_code(),
                created_at=now,
            )
            claim.promise(tier)
            db.session.add(claim)
        reward_claimed.send(tier, claim=claim)
    except IntegrityError:
        # The same card claimed the same occurrence in a parallel request: that claim stands.
        existing = _claim_of(card, tier, occurrence)
        if existing is None:
            raise
        return existing
    db.session.refresh(tier)
    return claim


def find_claim(code: str) -> Claim:
    """:raise RewardError: ``unknown_code``."""
    code = normalise_code(code)
    claim = db.session.scalar(select(Claim).where(Claim.code == code)) if is_code(code) else None
    if claim is None:
        raise RewardError(
            _l("No reward has this code. Please check the code and try again."),
            code="unknown_code",
            status=404,
        )
    return claim


def counter_store_ids(campaign_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(redemption_counter.c.store_id).where(
                redemption_counter.c.campaign_id == campaign_id
            )
        )
    )


def staff_store_for(user, campaign_id: int):
    """The store through which ``user`` may redeem this campaign's rewards.

    Returns ``None`` for the association (it may always redeem).

    :raise RewardError: ``not_redemption_staff``.
    """
    if user.is_admin:
        return None
    allowed = counter_store_ids(campaign_id)
    for store in user.stores:
        if store.id in allowed and store.is_approved:
            return store
    raise RewardError(
        _l("Your shop does not hand out the rewards of this campaign."),
        code="not_redemption_staff",
        status=403,
    )


def redeem_claim(claim: Claim, staff, now: datetime) -> Claim:
    """Hand the reward over, once.

    ``UPDATE claim SET redeemed_at = ... WHERE id = ... AND redeemed_at IS NULL``: of any
    number of simultaneous confirmations exactly one changes the row.

    :param staff: the logged-in user at the counter.
    :raise RewardError: ``not_redemption_staff``, ``claim_period_over`` (past the
        campaign's claim deadline: first-come rewards and lottery prizes alike),
        ``already_redeemed`` (the error's ``claim`` says when and where).
    """
    store = staff_store_for(staff, claim.campaign_id)
    if claim.redeemed_at is None:  # one handed over already says so, whatever the date
        check_claim_period(claim.campaign, now)
    changed = db.session.execute(
        update(Claim)
        .where(Claim.id == claim.id, Claim.redeemed_at.is_(None))
        .values(
            redeemed_at=now,
            redeemed_by_id=staff.id,
            redeemed_store_id=store.id if store else None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(claim)
    if changed != 1:
        error = RewardError(
            _l("This reward has already been handed over."), code="already_redeemed", status=409
        )
        error.claim = claim
        raise error
    return claim


def set_redemption_counters(campaign, store_ids: set[int]) -> None:
    """Name the stores whose merchants may hand out ``campaign``'s rewards."""
    db.session.execute(
        redemption_counter.delete().where(redemption_counter.c.campaign_id == campaign.id)
    )
    if store_ids:
        db.session.execute(
            redemption_counter.insert(),
            [{"campaign_id": campaign.id, "store_id": store_id} for store_id in sorted(store_ids)],
        )
    db.session.flush()
