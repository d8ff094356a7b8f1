"""A lottery prize is collected like a reward: the draw gives each winner a one-time code,
on the card, in the winner's e-mail, and redeemed once at the counter."""

import re

from flask_migrate import downgrade, upgrade
from rewards.test_claims import visitor
from sqlalchemy import select, text

from rally.auth.models import Role
from rally.campaigns.models import RewardTier
from rally.cards.models import Card
from rally.extensions import db
from rally.fraud.models import FraudFlag
from rally.fraud.review import void_card
from rally.lottery.models import Lottery, LotteryEntry
from rally.lottery.operations import create_lottery
from rally.mail import outbox
from rally.rewards.models import Claim, ClaimKind
from rally.rewards.operations import claim_reward
from rally.utils import utcnow

from .test_lottery import draw_in_own_session, enter_in_own_session, verified_entrants

BEFORE_PRIZE_CLAIMS = "4c1e6d3fe60e"


def lottery_of(app, make_campaign, stock=None, winners=1):
    campaign_id, checkpoints = make_campaign(tiers=(2,))
    with app.app_context():
        tier = db.session.scalar(select(RewardTier).where(RewardTier.campaign_id == campaign_id))
        tier.stock = stock
        lottery = create_lottery(tier, winners_count=winners)
        db.session.commit()
        return campaign_id, checkpoints, tier.id, lottery.id


def void(card_id, campaign_id):
    """Void the card in the campaign, as the association does from a fraud flag."""
    flag = FraudFlag(card_id=card_id, campaign_id=campaign_id, kind="no_location", detail={})
    db.session.add(flag)
    db.session.flush()
    voided = void_card(flag, utcnow())
    db.session.commit()
    return voided


def prize_of(app, card_id) -> Claim | None:
    with app.app_context():
        claim = db.session.scalar(
            select(Claim).where(Claim.card_id == card_id, Claim.kind == ClaimKind.lottery)
        )
        if claim is not None:
            db.session.expunge(claim)
        return claim


def test_the_winner_collects_the_prize_once_with_its_code(
    app, client, make_campaign, make_user, card_with_stamps, auth
):
    campaign_id, checkpoints, _, lottery_id = lottery_of(app, make_campaign)
    entrants = verified_entrants(app, card_with_stamps, checkpoints, 2)
    for card_id, visitor_id in entrants:
        assert enter_in_own_session(app, lottery_id, card_id, visitor_id) == "entered"
    assert draw_in_own_session(app, lottery_id) == "drawn"

    prizes = {card_id: prize_of(app, card_id) for card_id, _ in entrants}
    (winner,) = [card_id for card_id, prize in prizes.items() if prize is not None]
    (loser,) = [card_id for card_id, prize in prizes.items() if prize is None]
    prize = prizes[winner]

    with app.app_context():
        (mail,) = outbox()
    assert prize.display_code in mail.get_content()

    phone = visitor(app, winner)
    card = phone.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).get_data(True)
    assert f'href="/card/claims/{prize.code}"' in card
    page = phone.get(f"/card/claims/{prize.code}", headers={"Accept-Language": "en"})
    assert prize.display_code in page.get_data(True) and "Lottery prize" in page.get_data(True)
    other = visitor(app, loser).get(f"/card/{campaign_id}").get_data(True)
    assert "/card/claims/" not in other

    auth.login(make_user(role=Role.admin))
    lookup = client.get(f"/staff/redeem?code={prize.code}", headers={"Accept-Language": "en"})
    assert 'data-testid="claim-kind"' in lookup.get_data(True)
    assert client.post("/staff/redeem", data={"code": prize.code}).status_code == 303
    assert client.post("/staff/redeem", data={"code": prize.code}).status_code == 409
    card = phone.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).get_data(True)
    assert "Redeemed on" in card


def test_the_winner_mail_is_in_the_winners_language(app, make_campaign, card_with_stamps):
    _, checkpoints, _, lottery_id = lottery_of(app, make_campaign)
    ((card_id, visitor_id),) = verified_entrants(app, card_with_stamps, checkpoints, 1)
    with app.app_context():
        from rally.visitors.models import Visitor

        db.session.get(Visitor, visitor_id).locale = "ja"
        db.session.commit()
    enter_in_own_session(app, lottery_id, card_id, visitor_id)
    draw_in_own_session(app, lottery_id)
    with app.app_context():
        (mail,) = outbox()
    content = mail.get_content()
    assert "受け取り" in content
    assert re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", content)[0] == prize_of(app, card_id).display_code


def test_a_tier_with_stock_and_lottery_gives_a_reward_and_a_prize(
    app, make_campaign, card_with_stamps
):
    _, checkpoints, tier_id, lottery_id = lottery_of(app, make_campaign, stock=5)
    ((card_id, visitor_id),) = verified_entrants(app, card_with_stamps, checkpoints, 1)
    with app.app_context():
        card, tier = db.session.get(Card, card_id), db.session.get(RewardTier, tier_id)
        reward = claim_reward(card, tier, utcnow())
        db.session.commit()
        assert reward.kind is ClaimKind.reward
    enter_in_own_session(app, lottery_id, card_id, visitor_id)
    assert draw_in_own_session(app, lottery_id) == "drawn"
    with app.app_context():
        kinds = db.session.scalars(select(Claim.kind).where(Claim.card_id == card_id)).all()
        assert sorted(kinds) == [ClaimKind.lottery, ClaimKind.reward]
        # Claiming the reward again returns the reward, not the prize.
        again = claim_reward(
            db.session.get(Card, card_id), db.session.get(RewardTier, tier_id), utcnow()
        )
        assert again.kind is ClaimKind.reward
        assert db.session.get(RewardTier, tier_id).stock == 4


def test_voiding_a_winner_cancels_the_prize_without_adding_stock(
    app, make_campaign, card_with_stamps
):
    campaign_id, checkpoints, tier_id, lottery_id = lottery_of(app, make_campaign, stock=5)
    ((card_id, visitor_id),) = verified_entrants(app, card_with_stamps, checkpoints, 1)
    with app.app_context():
        claim_reward(db.session.get(Card, card_id), db.session.get(RewardTier, tier_id), utcnow())
        db.session.commit()
    enter_in_own_session(app, lottery_id, card_id, visitor_id)
    draw_in_own_session(app, lottery_id)
    with app.app_context():
        voided = void(card_id, campaign_id)
        assert voided.claims == 2
        assert db.session.get(RewardTier, tier_id).stock == 5  # the reward's unit, only
        assert db.session.scalars(select(Claim).where(Claim.card_id == card_id)).all() == []


def test_winners_of_a_lottery_drawn_before_get_their_code_on_upgrade(
    app, make_campaign, card_with_stamps
):
    # The rows are made with today's models, then the schema goes back to before the
    # migration under test.
    with app.app_context():
        db.drop_all()
        upgrade()
    campaign_id, checkpoints, tier_id, lottery_id = lottery_of(app, make_campaign)
    entrants = verified_entrants(app, card_with_stamps, checkpoints, 2)
    with app.app_context():
        downgrade(revision=BEFORE_PRIZE_CLAIMS)
        now = utcnow()
        for n, (card_id, visitor_id) in enumerate(entrants):
            db.session.execute(
                text(
                    "INSERT INTO lottery_entry (lottery_id, visitor_id, card_id, occurrence,"
                    " public_id, won, created_at) VALUES (:lottery, :visitor, :card, 1, :public,"
                    " :won, :now)"
                ),
                {"lottery": lottery_id, "visitor": visitor_id, "card": card_id,
                 "public": f"{n:012x}", "won": n == 0, "now": now},
            )  # fmt: skip
        db.session.execute(
            text("UPDATE lottery SET drawn_at = :now WHERE id = :id"),
            {"now": now, "id": lottery_id},
        )
        db.session.commit()

        upgrade()
        winner, loser = (card_id for card_id, _ in entrants)
        prize = db.session.scalar(select(Claim).where(Claim.card_id == winner))
        assert (prize.kind, prize.tier_id, prize.redeemed_at) == (ClaimKind.lottery, tier_id, None)
        assert len(prize.code) == 8
        assert db.session.scalar(select(Claim).where(Claim.card_id == loser)) is None
        db.session.commit()

        downgrade(revision=BEFORE_PRIZE_CLAIMS)
        assert db.session.execute(text("SELECT count(*) FROM claim")).scalar() == 0
        assert (
            db.session.execute(text("SELECT count(*) FROM lottery_entry WHERE won")).scalar() == 1
        )
        db.session.commit()
        upgrade()


def test_a_second_lottery_for_a_tier_is_refused_by_the_database(app, ctx, make_campaign):
    """No look-before-insert: the unique tier refuses the second of two requests at once."""
    from rally.lottery.operations import LotteryError

    campaign_id, _ = make_campaign(tiers=(2,))
    tier = db.session.scalar(select(RewardTier).where(RewardTier.campaign_id == campaign_id))
    create_lottery(tier, winners_count=1)
    try:
        create_lottery(tier, winners_count=2)
    except LotteryError as error:
        assert (error.code, error.status) == ("lottery_exists", 409)
    else:
        raise AssertionError("a second lottery for the tier was created")
    db.session.commit()  # the first one stands
    assert db.session.scalar(select(Lottery.winners_count).where(Lottery.tier_id == tier.id)) == 1


def test_the_campaign_page_links_its_lottery_before_anybody_enters(app, client, make_campaign):
    """The commitment is published before the draw: visitors can find it from the start."""
    campaign_id, _, _, lottery_id = lottery_of(app, make_campaign)
    html = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert f'href="/lotteries/{lottery_id}"' in html


def test_the_dashboard_counts_prizes_apart_from_the_rewards(
    app, make_campaign, make_user, card_with_stamps, auth
):
    """A prize takes nothing from the stock shown beside the reward's claims."""
    from zoneinfo import ZoneInfo

    from rally.dashboard.operations import dashboard_data, default_range

    campaign_id, checkpoints, tier_id, lottery_id = lottery_of(app, make_campaign, stock=5)
    ((card_id, visitor_id),) = verified_entrants(app, card_with_stamps, checkpoints, 1)
    enter_in_own_session(app, lottery_id, card_id, visitor_id)
    draw_in_own_session(app, lottery_id)
    with app.app_context():
        from rally.campaigns.models import Campaign

        campaign = db.session.get(Campaign, campaign_id)
        zone = ZoneInfo(app.config["RALLY_TIMEZONE"])
        data = dashboard_data(campaign, *default_range(campaign, zone), zone)
        rows = [
            (tier.id, kind, claimed, redeemed) for tier, kind, claimed, redeemed in data.rewards
        ]
    assert rows == [(tier_id, ClaimKind.reward, 0, 0), (tier_id, ClaimKind.lottery, 1, 0)]
    client = auth.new_client(make_user(role=Role.admin))
    html = client.get(
        f"/manage/dashboard/?campaign={campaign_id}", headers={"Accept-Language": "en"}
    )
    assert html.get_data(as_text=True).count('data-testid="prize-row"') == 1


def test_a_voided_card_leaves_the_lotteries_not_drawn_yet(app, make_campaign, card_with_stamps):
    campaign_id, checkpoints, tier_id, lottery_id = lottery_of(app, make_campaign)
    ((card_id, visitor_id),) = verified_entrants(app, card_with_stamps, checkpoints, 1)
    assert enter_in_own_session(app, lottery_id, card_id, visitor_id) == "entered"
    with app.app_context():
        void(card_id, campaign_id)
        assert db.session.scalars(select(LotteryEntry)).all() == []


def test_a_drawn_lottery_keeps_a_voided_winners_entry(app, make_campaign, card_with_stamps):
    """The published result stays verifiable; the prize itself is cancelled."""
    from rally.lottery.draw import verify
    from rally.lottery.operations import published_data

    campaign_id, checkpoints, tier_id, lottery_id = lottery_of(app, make_campaign)
    ((card_id, visitor_id),) = verified_entrants(app, card_with_stamps, checkpoints, 1)
    enter_in_own_session(app, lottery_id, card_id, visitor_id)
    draw_in_own_session(app, lottery_id)
    with app.app_context():
        void(card_id, campaign_id)
        assert len(db.session.scalars(select(LotteryEntry)).all()) == 1
        assert verify(published_data(db.session.get(Lottery, lottery_id))) == []
    assert prize_of(app, card_id) is None


def test_codes_claimed_before_a_lottery_came_to_the_tier_stay_on_the_card(
    app, make_campaign, card_with_stamps
):
    campaign_id, checkpoints = make_campaign(tiers=(2,))
    card_id = card_with_stamps(checkpoints[:2])
    with app.app_context():
        tier = db.session.scalar(select(RewardTier).where(RewardTier.campaign_id == campaign_id))
        claim = claim_reward(db.session.get(Card, card_id), tier, utcnow())  # unlimited stock
        code = claim.code
        create_lottery(tier, winners_count=1)
        db.session.commit()
    html = visitor(app, card_id).get(f"/card/{campaign_id}", headers={"Accept-Language": "en"})
    assert f'href="/card/claims/{code}"' in html.text
    assert "Show my redemption code" in html.text


def test_a_voided_winner_who_collects_again_is_told_the_prize_was_cancelled(
    app, make_campaign, card_with_stamps
):
    from rally.campaigns.models import Checkpoint
    from rally.stamping.operations import grant_stamp

    campaign_id, checkpoints, _, lottery_id = lottery_of(app, make_campaign)
    ((card_id, visitor_id),) = verified_entrants(app, card_with_stamps, checkpoints, 1)
    enter_in_own_session(app, lottery_id, card_id, visitor_id)
    draw_in_own_session(app, lottery_id)
    with app.app_context():
        void(card_id, campaign_id)
        card = db.session.get(Card, card_id)
        for checkpoint_id in checkpoints[:2]:
            grant_stamp(card, db.session.get(Checkpoint, checkpoint_id), utcnow())
        db.session.commit()
    html = visitor(app, card_id).get(f"/card/{campaign_id}", headers={"Accept-Language": "en"})
    assert "Your prize in this lottery was cancelled." in html.text
    assert "You won this lottery" not in html.text
