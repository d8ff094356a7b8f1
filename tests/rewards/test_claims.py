"""Claiming rewards and redeeming them at the counter, once."""

import pytest
from sqlalchemy import func, select

from rally.campaigns.models import Campaign, RewardTier
from rally.cards.models import Card
from rally.codes import new_redemption_code, normalise_code
from rally.extensions import db
from rally.rewards import operations
from rally.rewards.models import Claim
from rally.utils import utcnow


def full_width(text: str) -> str:
    """``text`` as a Japanese phone's keyboard types it: ASCII becomes full-width."""
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


def card_cookie(app, card_id):
    from rally.cards.cookie import _serializer

    with app.test_request_context():
        return _serializer().dumps(db.session.get(Card, card_id).key)


def visitor(app, card_id):
    client = app.test_client()
    client.set_cookie("rally_card", card_cookie(app, card_id), domain="localhost")
    return client


def test_codes_are_short_and_unambiguous():
    codes = {new_redemption_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 8
        assert not set(code) & set("01IO")


@pytest.mark.parametrize(
    "typed", ["abcd-efgh", " ABCD EFGH ", "http://x/staff/redeem?code=ABCDEFGH"]
)
def test_typed_codes_are_normalised(typed):
    assert normalise_code(typed) == "ABCDEFGH"


def test_claim_needs_enough_stamps(app, ctx, make_campaign, card_with_stamps, tier_ids):
    campaign_id, checkpoints = make_campaign(tiers=(2,))
    card = db.session.get(Card, card_with_stamps(checkpoints[:1]))
    tier = db.session.get(RewardTier, tier_ids(campaign_id)[0])
    with pytest.raises(operations.RewardError) as info:
        operations.claim_reward(card, tier, utcnow())
    assert info.value.code == "not_enough_stamps"


def test_claim_reserves_stock_and_is_idempotent(
    app, ctx, make_campaign, card_with_stamps, tier_ids
):
    campaign_id, checkpoints = make_campaign(tiers=(2,))
    card = db.session.get(Card, card_with_stamps(checkpoints[:2]))
    tier = db.session.get(RewardTier, tier_ids(campaign_id)[0])
    first = operations.claim_reward(card, tier, utcnow())
    second = operations.claim_reward(card, tier, utcnow())
    assert first.id == second.id
    assert tier.stock == 9  # 10 at the start, one reserved once


def test_out_of_stock(app, ctx, make_campaign, card_with_stamps, tier_ids):
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    tier = db.session.get(RewardTier, tier_ids(campaign_id)[0])
    tier.stock = 0
    db.session.commit()
    card = db.session.get(Card, card_with_stamps(checkpoints[:1]))
    with pytest.raises(operations.RewardError) as info:
        operations.claim_reward(card, tier, utcnow())
    assert info.value.code == "out_of_stock"
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 0


def test_unlimited_stock(app, ctx, make_campaign, card_with_stamps, tier_ids):
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    tier = db.session.get(RewardTier, tier_ids(campaign_id)[0])
    tier.stock = None
    db.session.commit()
    card = db.session.get(Card, card_with_stamps(checkpoints[:1]))
    operations.claim_reward(card, tier, utcnow())
    assert tier.stock is None


def test_claim_from_card_page_shows_code(app, make_campaign, card_with_stamps, tier_ids):
    campaign_id, checkpoints = make_campaign(tiers=(2, 3))
    card_id = card_with_stamps(checkpoints[:2])
    client = visitor(app, card_id)
    page = client.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert html.count("Claim this reward") == 1  # the 2-stamp tier only
    tier_id = tier_ids(campaign_id)[0]
    response = client.post(f"/card/{campaign_id}/tiers/{tier_id}/claim")
    assert response.status_code == 303
    claim_page = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    html = claim_page.get_data(as_text=True)
    with app.app_context():
        claim = db.session.scalar(select(Claim))
    assert claim.display_code in html
    assert client.get(f"/card/claims/{claim.code}/qr.svg").mimetype == "image/svg+xml"


def test_claim_page_is_private_to_its_card(
    app, make_campaign, card_with_stamps, tier_ids, make_claim
):
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    code = make_claim(card_with_stamps(checkpoints[:1]), tier_ids(campaign_id)[0])
    stranger = visitor(app, card_with_stamps(checkpoints[1:2]))
    assert stranger.get(f"/card/claims/{code}").status_code == 404
    assert app.test_client().get(f"/card/claims/{code}").status_code == 404


def test_claim_without_enough_stamps_flashes_error(app, make_campaign, card_with_stamps, tier_ids):
    campaign_id, checkpoints = make_campaign(tiers=(3,))
    client = visitor(app, card_with_stamps(checkpoints[:1]))
    response = client.post(
        f"/card/{campaign_id}/tiers/{tier_ids(campaign_id)[0]}/claim",
        headers={"Accept-Language": "en"},  # the message is translated when it is sent
    )
    assert response.status_code == 303
    html = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "You do not have enough stamps for this reward yet." in html


def test_claim_without_a_card_on_this_phone_says_so(app, make_campaign, tier_ids):
    campaign_id, _ = make_campaign(tiers=(1,))
    client = app.test_client()
    en = {"Accept-Language": "en"}
    response = client.post(
        f"/card/{campaign_id}/tiers/{tier_ids(campaign_id)[0]}/claim", headers=en
    )
    assert response.status_code == 303
    html = client.get(response.headers["Location"], headers=en).get_data(as_text=True)
    assert "This phone has no stamp card yet." in html
    with app.app_context():
        assert db.session.scalar(select(Claim)) is None


def test_staff_redeem_once_then_says_when(
    app, client, admin, make_campaign, card_with_stamps, tier_ids, make_claim, auth
):
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    code = make_claim(card_with_stamps(checkpoints[:1]), tier_ids(campaign_id)[0])
    auth.login(admin)
    lookup = client.get(f"/staff/redeem?code={code.lower()}", headers={"Accept-Language": "en"})
    assert "Hand over: Prize 1" in lookup.get_data(as_text=True)
    first = client.post("/staff/redeem", data={"code": code})
    assert first.status_code == 303
    second = client.post("/staff/redeem", data={"code": code}, headers={"Accept-Language": "en"})
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    assert 'data-code="already_redeemed"' in html
    assert "Handed over on" in html and "by the association" in html


def test_unknown_code(app, client, admin, auth):
    auth.login(admin)
    response = client.get("/staff/redeem?code=ZZZZZZZZ", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "No reward has this code" in response.get_data(as_text=True)


def test_an_occurrence_past_any_number_is_not_claimed(
    app, make_campaign, card_with_stamps, tier_ids
):
    """A hand-edited form: the number is out of range, not a database error."""
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    tier_id = tier_ids(campaign_id)[0]
    phone = visitor(app, card_with_stamps(checkpoints[:1]))
    response = phone.post(
        f"/card/{campaign_id}/tiers/{tier_id}/claim", data={"occurrence": str(2**64)}
    )
    assert response.status_code == 303  # read as the first occurrence, which it reached
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Claim)) == 1


def test_a_code_with_bytes_no_code_has_is_unknown_without_an_error(app, client, admin, auth):
    """A NUL byte made PostgreSQL refuse the query (a 500)."""
    assert client.get("/card/claims/AB%00CDEFG").status_code == 404
    assert client.get("/card/claims/AB%00CDEFG/qr.svg").status_code == 404
    auth.login(admin)
    assert client.get("/staff/redeem?code=AB%00CDEFG").status_code in (400, 404)
    assert client.post("/staff/redeem", data={"code": "AB\x00CDEFG"}).status_code in (400, 404)


def test_merchant_counter_must_be_named(
    app, client, make_user, make_campaign, card_with_stamps, tier_ids, make_claim, auth
):
    from rally.campaigns.models import Campaign
    from rally.rewards.operations import set_redemption_counters
    from rally.stores.models import Store

    campaign_id, checkpoints = make_campaign(tiers=(1,))
    code = make_claim(card_with_stamps(checkpoints[:1]), tier_ids(campaign_id)[0])
    merchant = make_user()
    with app.app_context():
        store = db.session.scalars(select(Store)).first()
        store.owner_id = merchant.id
        db.session.commit()
        store_id = store.id
    auth.login(merchant)
    refused = client.post("/staff/redeem", data={"code": code})
    assert refused.status_code == 403
    assert 'data-code="not_redemption_staff"' in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Claim)).redeemed_at is None
        set_redemption_counters(db.session.get(Campaign, campaign_id), {store_id})
        db.session.commit()
    assert client.post("/staff/redeem", data={"code": code}).status_code == 303
    with app.app_context():
        claim = db.session.scalar(select(Claim))
        assert claim.redeemed_store_id == store_id
        assert claim.redeemed_by_id == merchant.id


def test_staff_page_needs_log_in(client):
    response = client.get("/staff/redeem")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_counters_page_is_admin_only(app, client, make_user, make_campaign, auth):
    campaign_id, _ = make_campaign()
    auth.login(make_user())
    assert client.get(f"/manage/campaigns/{campaign_id}/counters").status_code == 403


def test_200_concurrent_confirmations_redeem_once(
    app, admin, make_campaign, card_with_stamps, tier_ids, make_claim, race, auth
):
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    code = make_claim(card_with_stamps(checkpoints[:1]), tier_ids(campaign_id)[0])
    staff = auth.new_client(admin)
    session_cookie = staff.get_cookie("session").value

    def confirm(_):
        client = app.test_client()
        client.set_cookie("session", session_cookie, domain="localhost")
        return lambda: client.post("/staff/redeem", data={"code": code}).status_code

    assert sorted(race(200, confirm)) == [303] + [409] * 199


def test_50_cards_race_for_the_last_prize(app, make_campaign, card_with_stamps, tier_ids, race):
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    tier_id = tier_ids(campaign_id)[0]
    with app.app_context():
        db.session.get(RewardTier, tier_id).stock = 1
        db.session.commit()
    cookies = [card_cookie(app, card_with_stamps(checkpoints[:1])) for _ in range(50)]

    def claim(index):
        client = app.test_client()
        client.set_cookie("rally_card", cookies[index], domain="localhost")

        def post():
            response = client.post(f"/card/{campaign_id}/tiers/{tier_id}/claim")
            return response.status_code, response.headers.get("Location", "")

        return post

    statuses = race(len(cookies), claim)
    assert all(status == 303 for status, _ in statuses)
    assert sum("/card/claims/" in location for _, location in statuses) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Claim)) == 1
        assert db.session.get(RewardTier, tier_id).stock == 0


def test_an_overlong_code_is_refused_with_the_input_kept(client, admin, auth):
    auth.login(admin)
    code = "A" * 300
    japanese = client.get(f"/staff/redeem?code={code}")
    english = client.get(f"/staff/redeem?code={code}", headers={"Accept-Language": "en"})
    assert japanese.status_code == english.status_code == 400
    assert f'value="{code}"' in english.get_data(as_text=True)
    assert "longer than 200 characters" in english.get_data(as_text=True)
    assert "longer than 200 characters" not in japanese.get_data(as_text=True)


def test_a_tier_renamed_later_keeps_what_the_claim_promised(
    app, client, admin, make_campaign, card_with_stamps, tier_ids, make_claim, auth
):
    from rally.campaigns.models import RewardTier

    campaign_id, checkpoints = make_campaign(tiers=(1,))
    card_id = card_with_stamps(checkpoints[:1])
    tier_id = tier_ids(campaign_id)[0]
    code = make_claim(card_id, tier_id)
    with app.app_context():
        tier = db.session.get(RewardTier, tier_id)
        tier.name = {"ja": "手ぬぐい", "en": "Tenugui towel"}
        db.session.commit()
    english = {"Accept-Language": "en"}

    assert (
        "<h1>Prize 1</h1>"
        in visitor(app, card_id).get(f"/card/claims/{code}", headers=english).text
    )
    card = visitor(app, card_id).get(f"/card/{campaign_id}", headers=english).text
    assert "claimed as “Prize 1”" in card
    auth.login(admin)
    assert "Hand over: Prize 1" in client.get(f"/staff/redeem?code={code}", headers=english).text
    handed = client.post("/staff/redeem", data={"code": code}, headers=english)
    assert "Handed over: Prize 1" in client.get(handed.headers["Location"], headers=english).text
    export = client.get(f"/admin/exports/redemptions.csv?campaign={campaign_id}").data
    assert "景品1".encode() in export and "手ぬぐい".encode() not in export


def test_claims_made_before_the_upgrade_take_the_tiers_name(app, make_campaign, card_with_stamps):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    with app.app_context():  # made with today's models, then taken back to before it
        db.drop_all()
        upgrade()
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    card_id = card_with_stamps(checkpoints[:1])
    with app.app_context():
        db.session.remove()
        downgrade(revision="92ac0d321950")  # before claims kept the reward's name
        tier_id = db.session.scalar(text("SELECT id FROM reward_tier"))
        db.session.execute(
            text(
                "INSERT INTO claim (card_id, tier_id, campaign_id, occurrence, kind, code,"
                " created_at) VALUES (:card, :tier, :campaign, 1, 'reward', 'ABCDEFGH', :now)"
            ),
            {"card": card_id, "tier": tier_id, "campaign": campaign_id, "now": utcnow()},
        )
        db.session.commit()
        upgrade()
        claim = db.session.scalars(select(Claim)).one()
        assert claim.reward == {"ja": "景品1", "en": "Prize 1"}


def test_staff_find_and_hand_over_a_code_typed_in_full_width(
    app, client, admin, make_campaign, card_with_stamps, tier_ids, make_claim, auth
):
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    code = make_claim(card_with_stamps(checkpoints[:1]), tier_ids(campaign_id)[0])
    typed = full_width(f"{code[:4]}-{code[4:]}")
    auth.login(admin)
    lookup = client.get(
        "/staff/redeem", query_string={"code": typed}, headers={"Accept-Language": "en"}
    )
    assert lookup.status_code == 200
    assert "Hand over: Prize 1" in lookup.text
    assert client.post("/staff/redeem", data={"code": typed}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Claim)).redeemed_at is not None


def test_a_full_width_code_is_normalised():
    assert normalise_code("ａｂｃｄ\u30fcｅｆｇｈ") == "ABCDEFGH"


def test_an_unknown_store_in_the_counters_form_is_refused_at_the_field(
    app, client, admin, make_campaign, auth
):
    campaign_id, checkpoints = make_campaign()
    with app.app_context():
        store_id = db.session.get(Campaign, campaign_id).checkpoints[0].store_id
    auth.login(admin)
    response = client.post(
        f"/manage/campaigns/{campaign_id}/counters",
        data={"stores": [str(store_id), "999999"]},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert '<p class="field-error" id="stores-error">Please choose among the stores listed.' in (
        response.text
    )
    with app.app_context():
        assert operations.counter_store_ids(campaign_id) == set()


def test_a_draft_campaigns_tier_is_not_found(app, make_campaign, card_with_stamps, tier_ids):
    """It answered "not started yet", which told anyone the draft exists (issue 16, item 9)."""
    from rally.campaigns.models import CampaignState

    _, checkpoints = make_campaign()
    draft_id, _ = make_campaign(state=CampaignState.draft, tiers=(1,))
    phone = visitor(app, card_with_stamps(checkpoints[:1]))
    response = phone.post(f"/card/{draft_id}/tiers/{tier_ids(draft_id)[0]}/claim")
    assert response.status_code == 404
    page = phone.get("/card", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "not started" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Claim.id))) == 0


def test_a_draft_campaigns_tier_is_not_found_without_a_card(app, client, make_campaign, tier_ids):
    from rally.campaigns.models import CampaignState

    draft_id, _ = make_campaign(state=CampaignState.draft, tiers=(1,))
    response = client.post(f"/card/{draft_id}/tiers/{tier_ids(draft_id)[0]}/claim")
    assert response.status_code == 404
