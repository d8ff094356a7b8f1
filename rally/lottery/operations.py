"""Creating, entering and drawing lotteries."""

import secrets
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from rally.campaigns.models import Campaign, CampaignState, RewardTier
from rally.campaigns.progress import tier_progress
from rally.cards.models import Card
from rally.codes import new_redemption_code
from rally.errors import RallyError
from rally.extensions import db
from rally.i18n import _, _l, recipient_language
from rally.jobs import deliver_mails
from rally.lottery.rules import entry_due
from rally.mail import Mail
from rally.rewards.models import Claim, ClaimKind
from rally.rewards.rules import claim_period_over
from rally.visitors.models import Visitor

from . import draw as lottery_draw
from .models import Lottery, LotteryEntry


class LotteryError(RallyError):
    """A lottery step that cannot go ahead; ``code`` says why."""


def create_lottery(tier: RewardTier, winners_count: int) -> Lottery:
    """Make ``tier`` grant lottery entries; the commitment is public from now on.

    :raise LotteryError: ``lottery_exists``, ``invalid_winners``.
    """
    if winners_count < 1:
        raise LotteryError(_l("A lottery needs at least one winner."), code="invalid_winners")
    seed = lottery_draw.new_seed()
    lottery = Lottery(
        campaign_id=tier.campaign_id,
        tier_id=tier.id,
        winners_count=winners_count,
        seed=seed,
        commitment=lottery_draw.commitment(seed),
    )
    try:
        # The unique tier decides, in a savepoint: of two requests at once (a double click)
        # the second gets the form's error, not a 500.
        with db.session.begin_nested():
            db.session.add(lottery)
    except IntegrityError:
        raise LotteryError(
            _l("This reward already has a lottery."), code="lottery_exists", status=409
        ) from None
    return lottery


def lottery_for_tier(tier_id: int) -> Lottery | None:
    return db.session.scalar(select(Lottery).where(Lottery.tier_id == tier_id))


def entries_of(lottery: Lottery, card: Card | None) -> list[LotteryEntry]:
    """The card's entries in ``lottery`` (several for a repeating tier), first one first."""
    if card is None:
        return []
    return list(
        db.session.scalars(
            select(LotteryEntry)
            .where(LotteryEntry.lottery_id == lottery.id, LotteryEntry.card_id == card.id)
            .order_by(LotteryEntry.occurrence)
        )
    )


def enter_lottery(lottery: Lottery, card: Card, visitor, now: datetime) -> LotteryEntry:
    """Enter ``card`` (saved to ``visitor``'s verified account) into ``lottery``: once, or
    once per time a repeating tier was reached (each call adds the next entry due).

    :raise LotteryError: ``account_required``, ``email_not_verified``, ``lottery_drawn``,
        ``claim_period_over`` (past the campaign's claim deadline), ``not_enough_stamps``,
        ``already_entered`` (one entry per person and occurrence, whatever the card).
    """
    account_required = LotteryError(
        _l("Save your card to an account to take part in the lottery."),
        code="account_required",
        status=403,
    )
    if visitor is None or card.visitor_id != visitor.id:
        raise account_required
    if not visitor.is_verified:
        raise LotteryError(
            _l("Please confirm your e-mail address first: open the link we sent you."),
            code="email_not_verified",
            status=403,
        )
    # Read drawn_at afresh under a share lock on the lottery row (FOR SHARE on PostgreSQL;
    # SQLite's write lock, taken up front, serializes writers already). Entrants do not wait
    # for each other, but the draw's claim (an UPDATE of that row) waits until every entry
    # in flight has committed, and an entrant arriving after the claim waits for the draw
    # and then sees it drawn: no entry can be added that the draw does not read.
    db.session.refresh(lottery, with_for_update={"read": True})
    if lottery.is_drawn:
        raise _already_drawn()
    if claim_period_over(lottery.campaign, now):
        raise _claim_period_over()
    # The account under a share lock too, its card read after it: an account deleted at
    # this moment (rally.visitors.operations.delete_account locks the row for update) is
    # waited for and then found gone or no longer holding the card; a deletion arriving
    # after this waits for the entry and withdraws it.
    held = db.session.scalar(
        select(Visitor.id).where(Visitor.id == visitor.id).with_for_update(read=True)
    )
    if held is None or db.session.scalar(select(Card.visitor_id).where(Card.id == card.id)) != (
        visitor.id
    ):
        raise account_required
    reached = tier_progress(card, lottery.tier).reached
    if reached < 1:
        raise LotteryError(
            _l("You do not have enough stamps for this reward yet."),
            code="not_enough_stamps",
            status=403,
        )
    entries = entries_of(lottery, card)
    if not entry_due(lottery, entries, reached):
        return entries[-1]
    entry = LotteryEntry(
        lottery_id=lottery.id,
        visitor_id=visitor.id,
        card_id=card.id,
        occurrence=len(entries) + 1,
        public_id=secrets.token_hex(6),
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        raise LotteryError(
            _l("You have already entered this lottery."), code="already_entered", status=409
        ) from None
    return entry


def _claim_period_over() -> LotteryError:
    return LotteryError(
        _l(
            "The period for exchanging this campaign's rewards is over: the winners of a "
            "lottery drawn now could not collect their prizes."
        ),
        code="claim_period_over",
        status=409,
    )


def _already_drawn() -> LotteryError:
    return LotteryError(
        _l("This lottery has already been drawn."), code="lottery_drawn", status=409
    )


def published_data(lottery: Lottery) -> dict:
    """What anyone may see and re-check; the seed only once the lottery is drawn.

    After the draw this is the result as drawn and e-mailed: the entries that took part
    (those the draw marked won or lost) and the winners it stored, best rank first; the
    public re-run checks those against the commitment and the entry list's digest.
    """
    data = {
        "lottery": lottery.id,
        "campaign": lottery.campaign_id,
        "commitment": lottery.commitment,
        "winners_count": lottery.winners_count,
    }
    if not lottery.is_drawn:
        data["entries"] = [entry.public_id for entry in lottery.entries]
        return data
    drawn = [entry for entry in lottery.entries if entry.won is not None]
    data["entries"] = [entry.public_id for entry in drawn]
    data["entries_digest"] = lottery.entries_digest
    data["seed"] = lottery.seed
    data["winners"] = sorted(
        (entry.public_id for entry in drawn if entry.won),
        key=lambda public_id: lottery_draw.rank(lottery.seed, public_id),
    )
    return data


def draw_lottery(lottery: Lottery, now: datetime) -> list[LotteryEntry]:
    """Close entries, draw the winners and reveal the seed; :func:`tell_winners` queues
    their mails, sent once the draw is committed.

    The draw is claimed first with ``UPDATE lottery SET drawn_at = :now WHERE id = :id AND
    drawn_at IS NULL``: of any number of simultaneous confirmations exactly one changes the
    row (on PostgreSQL the others wait on its row lock, then find it drawn). The claim also
    waits for entries in flight (see :func:`enter_lottery`), so the entries read after it
    are all there will ever be.

    :raise LotteryError: ``lottery_drawn``, ``claim_period_over`` (past the campaign's
        claim deadline, its prizes could no longer be handed over).
    """
    if claim_period_over(lottery.campaign, now):
        raise _claim_period_over()
    claimed = db.session.execute(
        update(Lottery)
        .where(Lottery.id == lottery.id, Lottery.drawn_at.is_(None))
        .values(drawn_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise _already_drawn()
    # A new statement after the claim: under READ COMMITTED it sees every committed entry,
    # and populate_existing refreshes entries this session had loaded before.
    entries = db.session.scalars(
        select(LotteryEntry)
        .where(LotteryEntry.lottery_id == lottery.id)
        .execution_options(populate_existing=True)
    ).all()
    by_id = {entry.public_id: entry for entry in entries}
    winning = set(lottery_draw.draw(lottery.seed, list(by_id), lottery.winners_count))
    for public_id, entry in by_id.items():
        entry.won = public_id in winning
        if entry.won:  # the prize, with the code the counter redeems once
            prize = Claim(
                card_id=entry.card_id,
                tier_id=lottery.tier_id,
                campaign_id=lottery.campaign_id,
                occurrence=entry.occurrence,
                kind=ClaimKind.lottery,
                code=new_redemption_code(),
                created_at=now,
            )
            prize.promise(lottery.tier)
            db.session.add(prize)
    lottery.drawn_at = now
    lottery.entries_digest = lottery_draw.entries_digest(list(by_id))
    db.session.flush()
    db.session.expire(lottery, ["entries"])
    return [entry for entry in by_id.values() if entry.won]


def tell_winners(lottery: Lottery, winners: list[LotteryEntry]) -> int:
    """Queue each winner's e-mail (:func:`winner_mails`), once per entry whoever asks
    again; the queue sends them after the draw's commit (a draw rolled back tells nobody),
    several over one connection. How many were queued."""
    mails = winner_mails(lottery, winners)
    return deliver_mails(
        (
            (mail, f"lottery-winner:{lottery.id}:{entry.id}", entry.visitor_id)
            for mail, entry in zip(mails, winners, strict=True)
        ),
        batch=f"lottery:{lottery.id}",
    )


def winner_mails(lottery: Lottery, winners: list[LotteryEntry]) -> list[Mail]:
    """Each winner's e-mail in their language, written in the draw's own transaction."""
    prizes = prize_claims(lottery)
    mails = []
    for entry in winners:
        visitor = entry.visitor
        prize = prizes[entry.card_id, entry.occurrence]
        with force_locale(recipient_language(visitor.locale)):
            mails.append(
                Mail(
                    visitor.email,
                    _("You won a prize in the stamp rally lottery!"),
                    _(
                        "Congratulations! You won “%(prize)s” in “%(campaign)s”.\n\n"
                        "Show this code at the reward counter to receive it: %(code)s\n"
                        "It works once. You also find it on your stamp card.",
                        prize=lottery.tier.tr("name", visitor.locale),
                        campaign=lottery.campaign.tr("title", visitor.locale),
                        code=prize.display_code,
                    ),
                )
            )
    return mails


def prize_claims(lottery: Lottery, card_id: int | None = None) -> dict[tuple[int, int], Claim]:
    """The prizes the draw gave (to one card, if given): ``(card id, occurrence) -> claim``."""
    query = select(Claim).where(Claim.tier_id == lottery.tier_id, Claim.kind == ClaimKind.lottery)
    if card_id is not None:
        query = query.where(Claim.card_id == card_id)
    return {(claim.card_id, claim.occurrence): claim for claim in db.session.scalars(query)}


def withdraw_card(card_id: int, campaign_id: int) -> int:
    """Take a voided card's entries out of the campaign's lotteries not drawn yet; return
    how many. The lottery rows are read under the entry's share lock (see
    :func:`enter_lottery`), so a draw reads the card's entries all before or none after.
    A drawn lottery keeps its entries: its published result must stay verifiable (the void
    cancels the card's prize claim instead).
    """
    open_lotteries = db.session.scalars(
        select(Lottery.id)
        .where(Lottery.campaign_id == campaign_id, Lottery.drawn_at.is_(None))
        .with_for_update(read=True)
    ).all()
    if not open_lotteries:
        return 0
    return db.session.execute(
        delete(LotteryEntry).where(
            LotteryEntry.card_id == card_id, LotteryEntry.lottery_id.in_(open_lotteries)
        )
    ).rowcount


def lotteries_on_card(
    card: Card | None, campaign_id: int, lotteries: list[Lottery] | None = None
) -> dict[int, tuple]:
    """``{tier_id: (lottery, the card's entries, the prizes it won)}`` for the campaign's
    lottery tiers; a prize is the claim whose code the counter redeems.

    :param lotteries: the campaign's lotteries, when the caller has them already.
    """
    if lotteries is None:
        lotteries = campaign_lotteries(campaign_id)
    found = {}
    for lottery in lotteries:
        entries = entries_of(lottery, card)
        won = card is not None and any(entry.won for entry in entries)
        prizes = prize_claims(lottery, card.id) if won else {}
        found[lottery.tier_id] = (lottery, entries, [prizes[key] for key in sorted(prizes)])
    return found


def _public_lotteries():
    """Lotteries the public may see: not those of a campaign still in draft (its card and
    landing page answer 404 too)."""
    return (
        select(Lottery)
        .join(Campaign, Campaign.id == Lottery.campaign_id)
        .where(Campaign.state != CampaignState.draft)
    )


def public_lotteries_query(campaign_id: int | None = None):
    """:func:`public_lottery`'s lotteries, the newest first, optionally of one campaign."""
    query = _public_lotteries()
    if campaign_id is not None:
        query = query.where(Lottery.campaign_id == campaign_id)
    return query.order_by(Lottery.created_at.desc(), Lottery.id.desc())


def public_lottery(lottery_id: int) -> Lottery | None:
    """A lottery whose published data (:func:`published_data`) the public may see."""
    return db.session.scalar(_public_lotteries().where(Lottery.id == lottery_id))


def campaign_lotteries(campaign_id: int) -> list[Lottery]:
    return list(db.session.scalars(select(Lottery).where(Lottery.campaign_id == campaign_id)))
