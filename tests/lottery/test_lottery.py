"""Lotteries anyone can verify, entered from a card saved to a verified account."""

import itertools
import json
import re

import pytest
from sqlalchemy import func, select

from rally.auth.models import Role
from rally.campaigns.models import RewardTier
from rally.cards.models import Card
from rally.extensions import db
from rally.jobs.models import Delivery, DeliveryState
from rally.lottery import draw
from rally.lottery.models import Lottery, LotteryEntry
from rally.lottery.operations import create_lottery, published_data
from rally.mail import outbox


def test_draw_is_deterministic_and_order_free():
    seed = draw.new_seed()
    entries = [f"e{n}" for n in range(50)]
    assert draw.draw(seed, entries, 5) == draw.draw(seed, list(reversed(entries)), 5)
    assert len(draw.draw(seed, entries, 5)) == 5
    assert draw.draw(seed, entries, 100) != [] and len(draw.draw(seed, entries, 100)) == 50


def test_published_data_verifies_and_tampering_does_not():
    seed = draw.new_seed()
    entries = [f"entry{n}" for n in range(20)]
    data = {
        "commitment": draw.commitment(seed),
        "winners_count": 3,
        "entries": entries,
        "entries_digest": draw.entries_digest(entries),
        "seed": seed,
        "winners": draw.draw(seed, entries, 3),
    }
    assert draw.verify(data) == []
    other_seed = dict(data, seed=draw.new_seed())
    assert any("commitment" in problem for problem in draw.verify(other_seed))
    fewer_entries = dict(data, entries=[e for e in entries if e not in data["winners"][:1]])
    assert any("entry list" in problem for problem in draw.verify(fewer_entries))
    assert any("winners" in problem for problem in draw.verify(dict(data, winners=entries[:3])))
    assert draw.verify(dict(data, seed=None)) == ["the seed has not been revealed yet"]


def save_and_verify(app, client, email, lang="en"):
    """Save the client's card to an account and open the verification link from the e-mail."""
    response = client.post(
        "/me/save",
        data={"email": email, "password": "long enough pw", "confirm": "long enough pw"},
        headers={"Accept-Language": lang},
    )
    assert response.status_code == 303
    with app.app_context():
        message = outbox()[-1]
    assert message["To"] == email
    link = re.search(r"http://rally\.test(/me/verify/\S+)", message.get_content()).group(1)
    assert client.get(link).status_code == 303
    return message


@pytest.fixture
def lottery_campaign(app, make_campaign):
    campaign_id, checkpoints = make_campaign(tiers=(2,))
    with app.app_context():
        tier = db.session.scalar(select(RewardTier).where(RewardTier.campaign_id == campaign_id))
        lottery = create_lottery(tier, winners_count=1)
        db.session.commit()
        return campaign_id, checkpoints, tier.id, lottery.id


def visitor_with_stamps(app, stamp_path, checkpoints):
    client = app.test_client()
    for checkpoint_id in checkpoints:
        client.get(stamp_path(checkpoint_id))
    return client


def test_verification_mail_is_in_the_visitors_language(app, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    client = visitor_with_stamps(app, stamp_path, checkpoints[:1])
    message = save_and_verify(app, client, "hanako@example.jp", lang="ja")
    assert message["Subject"] == "メールアドレスの確認をお願いします"
    html = client.get("/me/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-testid="verified"' in html


def test_entry_needs_an_account(app, lottery_campaign, stamp_path):
    campaign_id, checkpoints, tier_id, _ = lottery_campaign
    client = visitor_with_stamps(app, stamp_path, checkpoints[:2])
    response = client.post(f"/card/{campaign_id}/tiers/{tier_id}/enter")
    assert response.headers["Location"] == "/me/save"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LotteryEntry)) == 0


def test_entry_needs_a_verified_address(app, lottery_campaign, stamp_path):
    campaign_id, checkpoints, tier_id, _ = lottery_campaign
    client = visitor_with_stamps(app, stamp_path, checkpoints[:2])
    client.post(
        "/me/save",
        data={
            "email": "taro@example.jp",
            "password": "long enough pw",
            "confirm": "long enough pw",
        },
    )
    response = client.post(
        f"/card/{campaign_id}/tiers/{tier_id}/enter", headers={"Accept-Language": "en"}
    )
    html = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Please confirm your e-mail address first" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LotteryEntry)) == 0


def test_one_entry_per_person_and_the_draw_is_verifiable(
    app, runner, client, make_user, lottery_campaign, stamp_path, tmp_path, auth
):
    campaign_id, checkpoints, tier_id, lottery_id = lottery_campaign
    players = []
    for n in range(3):
        player = visitor_with_stamps(app, stamp_path, checkpoints[:2])
        save_and_verify(app, player, f"player{n}@example.jp")
        assert player.post(f"/card/{campaign_id}/tiers/{tier_id}/enter").status_code == 303
        players.append(player)
    players[0].post(f"/card/{campaign_id}/tiers/{tier_id}/enter")  # twice: still one entry
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LotteryEntry)) == 3

    public = client.get(f"/lotteries/{lottery_id}.json").get_json()
    assert "seed" not in public and len(public["entries"]) == 3

    auth.login(make_user(role=Role.admin))
    confirm = client.get(f"/manage/lotteries/{lottery_id}/draw")
    assert confirm.status_code == 200
    assert client.post(f"/manage/lotteries/{lottery_id}/draw").status_code == 303

    published = client.get(f"/lotteries/{lottery_id}.json").get_json()
    assert published["commitment"] == public["commitment"]  # unchanged by the draw
    path = tmp_path / "lottery.json"
    path.write_text(json.dumps(published))
    result = runner.invoke(args=["lottery", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert published["winners"][0] in result.output
    published["entries"].append("ffffffffffff")
    path.write_text(json.dumps(published))
    assert runner.invoke(args=["lottery", "verify", str(path)]).exit_code != 0

    results = [
        player.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
        for player in players
    ]
    assert sum("You won this lottery!" in html for html in results) == 1
    assert sum("Not this time." in html for html in results) == 2
    with app.app_context():
        winner_mails = [m for m in outbox() if "won" in m["Subject"]]
        winner = db.session.scalar(select(LotteryEntry).where(LotteryEntry.won.is_(True)))
        assert [m["To"] for m in winner_mails] == [winner.visitor.email]


def test_second_card_of_same_person_cannot_enter_twice(app, ctx, lottery_campaign):
    from rally.lottery.operations import LotteryError, enter_lottery
    from rally.utils import utcnow
    from rally.visitors.models import Visitor

    _, _, _, lottery_id = lottery_campaign
    lottery = db.session.get(Lottery, lottery_id)
    visitor = Visitor(email="same@example.jp", password_hash="x", verified_at=utcnow())
    db.session.add(visitor)
    db.session.flush()
    first, second = Card(visitor_id=visitor.id), Card()
    db.session.add_all([first, second])
    db.session.flush()
    lottery.tier.threshold = 0
    enter_lottery(lottery, first, visitor, utcnow())
    second.visitor_id = None
    with pytest.raises(LotteryError) as info:
        enter_lottery(lottery, second, visitor, utcnow())
    assert info.value.code == "account_required"


def test_drawing_twice_is_refused(app, ctx, lottery_campaign):
    from rally.lottery.operations import LotteryError, draw_lottery
    from rally.utils import utcnow

    lottery = db.session.get(Lottery, lottery_campaign[3])
    draw_lottery(lottery, utcnow())
    with pytest.raises(LotteryError) as info:
        draw_lottery(lottery, utcnow())
    assert info.value.code == "lottery_drawn"


def test_verify_from_database_id(app, runner, lottery_campaign):
    from rally.lottery.operations import draw_lottery
    from rally.utils import utcnow

    with app.app_context():
        draw_lottery(db.session.get(Lottery, lottery_campaign[3]), utcnow())
        db.session.commit()
    result = runner.invoke(args=["lottery", "verify", str(lottery_campaign[3])])
    assert result.exit_code == 0 and "Verified" in result.output


def test_lottery_admin_is_admin_only(app, client, make_user, auth):
    auth.login(make_user())
    assert client.get("/manage/lotteries").status_code == 403


def test_account_login_opens_card_on_new_phone_without_merging(app, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    first_phone = visitor_with_stamps(app, stamp_path, checkpoints[:2])
    save_and_verify(app, first_phone, "keiko@example.jp")
    second_phone = visitor_with_stamps(app, stamp_path, checkpoints[2:3])
    data = {"email": "keiko@example.jp", "password": "long enough pw"}
    refused = second_phone.post("/me/login", data=data, headers={"Accept-Language": "en"})
    assert refused.status_code == 409
    assert "Cards are not merged" in refused.get_data(as_text=True)
    assert second_phone.post("/me/login", data={**data, "replace": "y"}).status_code == 303
    html = second_phone.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "2 of 3 stamps collected" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Card)) == 2


def verified_entrants(app, card_with_stamps, checkpoints, count):
    """``count`` cards with enough stamps, each saved to its own verified account."""
    from rally.utils import utcnow
    from rally.visitors.models import Visitor

    card_ids = [card_with_stamps(checkpoints[:2]) for _ in range(count)]
    with app.app_context():
        pairs = []
        for n, card_id in enumerate(card_ids):
            visitor = Visitor(
                email=f"entrant{n}@example.jp", password_hash="x", verified_at=utcnow()
            )
            db.session.add(visitor)
            db.session.flush()
            db.session.get(Card, card_id).visitor_id = visitor.id
            pairs.append((card_id, visitor.id))
        db.session.commit()
    return pairs


def enter_in_own_session(app, lottery_id, card_id, visitor_id):
    """Enter as the entry request would: its own session, the write lock, one commit."""
    from rally.database import take_write_lock
    from rally.lottery.operations import LotteryError, enter_lottery
    from rally.utils import utcnow
    from rally.visitors.models import Visitor

    with app.app_context():
        take_write_lock()
        lottery = db.session.get(Lottery, lottery_id)
        card, visitor = db.session.get(Card, card_id), db.session.get(Visitor, visitor_id)
        try:
            enter_lottery(lottery, card, visitor, utcnow())
        except LotteryError as error:
            db.session.rollback()
            return error.code
        db.session.commit()
        return "entered"


def draw_in_own_session(app, lottery_id):
    """Draw as the confirmation request would: its own session, the write lock, one commit."""
    from rally.database import take_write_lock
    from rally.lottery.operations import LotteryError, draw_lottery, tell_winners
    from rally.utils import utcnow

    with app.app_context():
        take_write_lock()
        lottery = db.session.get(Lottery, lottery_id)
        try:
            winners = draw_lottery(lottery, utcnow())
        except LotteryError as error:
            db.session.rollback()
            return error.code
        tell_winners(lottery, winners)
        db.session.commit()  # the queue sends the mails once the draw is committed
        return "drawn"


# The two races below need PostgreSQL to race: on SQLite every writer takes the lock up
# front (BEGIN IMMEDIATE), so they pass there without the conditional UPDATE and the share
# lock too. ./scripts/test runs the suite on PostgreSQL as well (and CI with it).
def test_concurrent_draw_confirmations_draw_once(app, lottery_campaign, card_with_stamps, race):
    campaign_id, checkpoints, _, lottery_id = lottery_campaign
    for card_id, visitor_id in verified_entrants(app, card_with_stamps, checkpoints, 5):
        assert enter_in_own_session(app, lottery_id, card_id, visitor_id) == "entered"
    with app.app_context():
        db.session.get(Lottery, lottery_id).winners_count = 2
        db.session.commit()

    results = race(12, lambda _: lambda: draw_in_own_session(app, lottery_id))

    assert sorted(results) == ["drawn"] + ["lottery_drawn"] * 11
    with app.app_context():
        winners = db.session.scalars(select(LotteryEntry).where(LotteryEntry.won.is_(True))).all()
        assert len(winners) == 2
        mails = [m["To"] for m in outbox()]
        assert sorted(mails) == sorted(entry.visitor.email for entry in winners)
        published = published_data(db.session.get(Lottery, lottery_id))
        assert draw.verify(published) == []
        assert sorted(published["winners"]) == sorted(entry.public_id for entry in winners)


def test_entries_racing_the_draw_are_either_in_it_or_refused(
    app, lottery_campaign, card_with_stamps, race
):
    campaign_id, checkpoints, _, lottery_id = lottery_campaign
    entrants = verified_entrants(app, card_with_stamps, checkpoints, 12)
    with app.app_context():
        db.session.get(Lottery, lottery_id).winners_count = 3
        db.session.commit()

    def act(index):
        if index == len(entrants):
            return lambda: draw_in_own_session(app, lottery_id)
        return lambda: enter_in_own_session(app, lottery_id, *entrants[index])

    results = race(len(entrants) + 1, act)

    assert results[-1] == "drawn"
    assert set(results[:-1]) <= {"entered", "lottery_drawn"}
    with app.app_context():
        entries = db.session.scalars(select(LotteryEntry)).all()
        assert len(entries) == results.count("entered")
        # Every entry that got in took part in the draw: none was left out of it.
        assert all(entry.won is not None for entry in entries)
        lottery = db.session.get(Lottery, lottery_id)
        assert lottery.entries_digest == draw.entries_digest([e.public_id for e in entries])
        published = published_data(lottery)
        assert draw.verify(published) == []
        mailed = sorted(m["To"] for m in outbox())
        won = [entry for entry in entries if entry.won]
        assert mailed == sorted(entry.visitor.email for entry in won)
        assert sorted(published["winners"]) == sorted(entry.public_id for entry in won)


def test_published_result_is_the_drawn_one_not_a_recount(app, ctx, lottery_campaign):
    """An entry row that did not take part in the draw (one let in before entries were
    locked against the draw) does not change the published winners or break the check."""
    from rally.lottery.operations import draw_lottery
    from rally.utils import utcnow
    from rally.visitors.models import Visitor

    lottery = db.session.get(Lottery, lottery_campaign[3])
    for n in range(4):
        visitor = Visitor(email=f"early{n}@example.jp", password_hash="x", verified_at=utcnow())
        card = Card()
        db.session.add_all([visitor, card])
        db.session.flush()
        db.session.add(
            LotteryEntry(
                lottery_id=lottery.id,
                visitor_id=visitor.id,
                card_id=card.id,
                public_id=f"{n:012x}",
                created_at=utcnow(),
            )
        )
    db.session.flush()
    winners = draw_lottery(lottery, utcnow())
    drawn = published_data(lottery)
    assert draw.verify(drawn) == []
    late_visitor, late_card = Visitor(email="late@example.jp", password_hash="x"), Card()
    db.session.add_all([late_visitor, late_card])
    db.session.flush()
    # Ranked ahead of everyone: a recount over all rows would make it the winner.
    best = min(draw.rank(lottery.seed, entry.public_id) for entry in lottery.entries)
    late_id = next(
        public_id
        for public_id in (f"{n:012x}" for n in itertools.count(1000))
        if draw.rank(lottery.seed, public_id) < best
    )
    db.session.add(
        LotteryEntry(
            lottery_id=lottery.id,
            visitor_id=late_visitor.id,
            card_id=late_card.id,
            public_id=late_id,
            created_at=utcnow(),
        )
    )
    db.session.flush()
    db.session.expire(lottery, ["entries"])
    published = published_data(lottery)
    assert published == drawn
    assert published["winners"] == [entry.public_id for entry in winners]
    assert draw.verify(published) == []


def test_winners_hear_only_of_a_committed_draw(app, lottery_campaign, card_with_stamps):
    from rally.lottery.operations import draw_lottery
    from rally.utils import utcnow

    _, checkpoints, _, lottery_id = lottery_campaign
    for card_id, visitor_id in verified_entrants(app, card_with_stamps, checkpoints, 2):
        assert enter_in_own_session(app, lottery_id, card_id, visitor_id) == "entered"
    with app.app_context():
        assert draw_lottery(db.session.get(Lottery, lottery_id), utcnow())
        db.session.rollback()  # the request failed after the draw: nobody was told
        assert outbox() == []
        assert db.session.get(Lottery, lottery_id).drawn_at is None
    assert draw_in_own_session(app, lottery_id) == "drawn"
    with app.app_context():
        assert len(outbox()) == 1


def test_a_mail_that_fails_does_not_undo_the_draw(
    app, client, make_user, lottery_campaign, card_with_stamps, monkeypatch, auth
):
    import rally.mail

    _, checkpoints, _, lottery_id = lottery_campaign
    for card_id, visitor_id in verified_entrants(app, card_with_stamps, checkpoints, 3):
        assert enter_in_own_session(app, lottery_id, card_id, visitor_id) == "entered"
    with app.app_context():
        db.session.get(Lottery, lottery_id).winners_count = 2
        db.session.commit()
    sent = rally.mail.send_mail
    calls = []

    def first_fails(*args):
        calls.append(args)
        if len(calls) == 1:
            raise OSError("SMTP server down")
        return sent(*args)

    monkeypatch.setattr(rally.mail, "send_mail", first_fails)
    auth.login(make_user(role=Role.admin))
    en = {"Accept-Language": "en"}
    response = client.post(f"/manage/lotteries/{lottery_id}/draw", headers=en)
    assert response.status_code == 303
    html = client.get(response.headers["Location"], headers=en).get_data(as_text=True)
    assert "Drawn: 2 winners will be told by e-mail." in html
    assert len(calls) == 2  # the second winner was still told
    with app.app_context():
        assert db.session.get(Lottery, lottery_id).drawn_at is not None
        assert len(outbox()) == 1
        # The first winner's mail waits for its next try (30 s later, by the worker).
        states = db.session.scalars(select(Delivery.state).order_by(Delivery.id)).all()
        assert sorted(states) == [DeliveryState.queued, DeliveryState.sent]


def test_winners_are_mailed_without_holding_the_database(
    app, client, make_user, lottery_campaign, card_with_stamps, monkeypatch, auth
):
    """The mails go out (an SMTP server may take seconds each) after the draw's transaction
    ended: on SQLite no scan waits for the write lock meanwhile."""
    import rally.mail
    from rally import database

    _, checkpoints, _, lottery_id = lottery_campaign
    for card_id, visitor_id in verified_entrants(app, card_with_stamps, checkpoints, 2):
        assert enter_in_own_session(app, lottery_id, card_id, visitor_id) == "entered"
    sent = rally.mail.send_mail
    seen = []

    def spy(*args):
        queues_held = any(queue.owner is not None for queue in database._queues.values())
        seen.append((db.session().in_transaction(), queues_held))
        return sent(*args)

    monkeypatch.setattr(rally.mail, "send_mail", spy)
    auth.login(make_user(role=Role.admin))
    assert client.post(f"/manage/lotteries/{lottery_id}/draw").status_code == 303
    assert seen == [(False, False)]  # one winner, told outside any transaction


@pytest.mark.parametrize("winners", ["100001", "99999999999"])
def test_number_of_winners_states_the_range(app, client, make_user, make_campaign, winners, auth):
    campaign_id, _ = make_campaign(tiers=(2,))
    with app.app_context():
        tier_id = db.session.scalar(
            select(RewardTier.id).where(RewardTier.campaign_id == campaign_id)
        )
    auth.login(make_user(role=Role.admin))
    response = client.post(
        "/manage/lotteries",
        data={"tier": str(tier_id), "winners": winners},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "Please enter a number from 1 to 100,000." in response.get_data(as_text=True)


def test_drawing_before_the_campaign_ends_warns_first(
    app, client, make_user, lottery_campaign, auth
):
    from datetime import timedelta

    from rally.campaigns.models import CampaignState
    from rally.utils import utcnow

    _, _, _, lottery_id = lottery_campaign
    auth.login(make_user(role=Role.admin))
    english = {"Accept-Language": "en"}
    page = client.get(f"/manage/lotteries/{lottery_id}/draw", headers=english).text
    assert 'data-testid="campaign-running"' in page
    assert "can no longer enter" in page
    with app.app_context():
        lottery = db.session.get(Lottery, lottery_id)
        lottery.campaign.ends_at = utcnow() - timedelta(minutes=1)  # it ended a minute ago
        db.session.commit()
    page = client.get(f"/manage/lotteries/{lottery_id}/draw", headers=english).text
    assert 'data-testid="campaign-running"' not in page
    with app.app_context():  # ended early by the association: its end date is still ahead
        lottery = db.session.get(Lottery, lottery_id)
        lottery.campaign.ends_at = utcnow() + timedelta(days=3)
        lottery.campaign.state = CampaignState.ended
        db.session.commit()
    page = client.get(f"/manage/lotteries/{lottery_id}/draw", headers=english).text
    assert 'data-testid="campaign-running"' not in page


def test_entry_without_a_card_leads_to_the_card_page(app, client, lottery_campaign):
    """It said "the request could not be processed" (issue 16, item 13)."""
    campaign_id, _, tier_id, _ = lottery_campaign
    for lang, text in (
        ("en", "This phone has no stamp card yet."),
        ("ja", "この端末にはまだスタンプカードがありません。"),
    ):
        headers = {"Accept-Language": lang}
        response = client.post(f"/card/{campaign_id}/tiers/{tier_id}/enter", headers=headers)
        assert response.status_code == 303
        assert response.headers["Location"] == f"/card/{campaign_id}"
        assert text in client.get(response.headers["Location"], headers=headers).get_data(
            as_text=True
        )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LotteryEntry)) == 0


def test_entry_into_a_draft_campaigns_lottery_is_not_found(app, make_campaign, stamp_path):
    from rally.campaigns.models import CampaignState

    _, checkpoints = make_campaign()
    client = visitor_with_stamps(app, stamp_path, checkpoints[:1])
    draft_id, _ = make_campaign(state=CampaignState.draft, tiers=(1,))
    with app.app_context():
        tier = db.session.scalar(select(RewardTier).where(RewardTier.campaign_id == draft_id))
        create_lottery(tier, winners_count=1)
        db.session.commit()
        tier_id = tier.id
    assert client.post(f"/card/{draft_id}/tiers/{tier_id}/enter").status_code == 404


def test_a_draft_campaigns_lottery_page_is_not_found(app, client, make_campaign):
    """Its card and landing page answer 404: the public lottery page must not reveal it."""
    from rally.campaigns.models import CampaignState

    draft_id, _ = make_campaign(state=CampaignState.draft, tiers=(1,))
    with app.app_context():
        tier = db.session.scalar(select(RewardTier).where(RewardTier.campaign_id == draft_id))
        lottery_id = create_lottery(tier, winners_count=1).id
        db.session.commit()
    assert client.get(f"/lotteries/{lottery_id}").status_code == 404
    assert client.get(f"/lotteries/{lottery_id}.json").status_code == 404
