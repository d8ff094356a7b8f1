"""The organizers' dashboard and the merchants' own figures."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from rally.auth.models import Role
from rally.campaigns.models import Campaign, CampaignState, Checkpoint
from rally.cards.models import Card, Stamp
from rally.dashboard.operations import dashboard_data
from rally.extensions import db
from rally.stamping.tallies import rebuild_tallies

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def stamped(app, make_campaign):
    """Three cards: two stamps + one stamp (English) + one stamp, at known Tokyo hours."""
    campaign_id, checkpoints = make_campaign(stores=3, starts=-3, ends=3)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        # Saturday 2026-11-21 23:30 UTC is Sunday 08:30 in Tokyo.
        campaign.starts_at = datetime(2026, 11, 20)
        campaign.ends_at = datetime(2026, 11, 30)
        cards = [Card(locale="ja"), Card(locale="en"), Card(locale="ja")]
        db.session.add_all(cards)
        db.session.flush()
        sunday_morning = datetime(2026, 11, 21, 23, 30)
        plan = [(0, 0, "ja"), (0, 1, "ja"), (1, 0, "en"), (2, 2, "ja")]
        for card_index, checkpoint_index, locale in plan:
            db.session.add(
                Stamp(
                    card_id=cards[card_index].id,
                    checkpoint_id=checkpoints[checkpoint_index],
                    campaign_id=campaign_id,
                    created_at=sunday_morning,
                    locale=locale,
                )
            )
        rebuild_tallies(campaign_id)  # the stamps were written directly, as a bulk import
        db.session.commit()
    return campaign_id, checkpoints


def test_figures(app, ctx, stamped):
    campaign_id, checkpoints = stamped
    campaign = db.session.get(Campaign, campaign_id)
    data = dashboard_data(
        campaign, datetime(2026, 11, 20).date(), datetime(2026, 11, 29).date(), TOKYO
    )
    assert data.participants == 3
    assert data.stamps == 4
    assert data.english == 1
    assert [count for _, count in data.per_store] == [2, 1, 1]
    assert data.heatmap[6][8] == 4  # Sunday, 08:00-09:00 in Tokyo
    assert sum(map(sum, data.heatmap)) == 4
    assert data.funnel == [(1, 3), (2, 1), (3, 0)]


def test_date_range_is_in_district_days(app, ctx, stamped):
    campaign = db.session.get(Campaign, stamped[0])
    saturday = datetime(2026, 11, 21).date()  # the stamps are on Sunday in Tokyo
    assert dashboard_data(campaign, saturday, saturday, TOKYO).stamps == 0
    sunday = saturday + timedelta(days=1)
    assert dashboard_data(campaign, sunday, sunday, TOKYO).stamps == 4


def test_merchant_sees_only_own_stores(app, ctx, stamped):
    campaign_id, checkpoints = stamped
    campaign = db.session.get(Campaign, campaign_id)
    own = {db.session.get(Checkpoint, checkpoints[2]).store_id}
    day = datetime(2026, 11, 22).date()
    data = dashboard_data(campaign, day, day, TOKYO, store_ids=own)
    assert data.stamps == 1 and data.participants == 1
    assert len(data.per_store) == 1
    assert data.rewards == []  # campaign-wide rewards are the association's


def test_page_for_admin(app, client, make_user, stamped, auth):
    auth.login(make_user(role=Role.admin))
    response = client.get(
        f"/manage/dashboard/?campaign={stamped[0]}&start=2026-11-20&end=2026-11-29",
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="participants">3<' in html
    assert 'data-testid="english-share">33%<' in html
    assert html.count("<svg") == 3


def test_bad_range_is_a_translated_error(app, client, make_user, stamped, auth):
    auth.login(make_user(role=Role.admin))
    response = client.get(
        f"/manage/dashboard/?campaign={stamped[0]}&start=2026-11-29&end=2026-11-20",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "The end date must not be before the start date." in response.get_data(as_text=True)


def test_merchant_page_and_boundaries(app, client, make_user, stamped, auth):
    campaign_id, checkpoints = stamped
    merchant = make_user()
    with app.app_context():
        db.session.get(Checkpoint, checkpoints[2]).store.owner_id = merchant.id
        db.session.commit()
    auth.login(merchant)
    assert client.get("/manage/dashboard/").status_code == 403
    html = client.get(
        f"/manage/dashboard/mine?campaign={campaign_id}&start=2026-11-20&end=2026-11-29"
    ).get_data(as_text=True)
    assert 'data-testid="stamps">1<' in html


def test_merchant_chooses_among_own_campaigns_only(
    app, client, make_user, make_campaign, stamped, auth
):
    campaign_id, checkpoints = stamped
    draft_id, _ = make_campaign(stores=1, state=CampaignState.draft, title_en="Secret Plan")
    elsewhere_id, _ = make_campaign(stores=1, title_en="Another Street Rally")
    merchant = make_user()
    with app.app_context():
        db.session.get(Checkpoint, checkpoints[2]).store.owner_id = merchant.id
        db.session.get(Campaign, draft_id).checkpoints[0].store.owner_id = merchant.id
        db.session.commit()
        own_title = db.session.get(Campaign, campaign_id).title.get("en", "")
    auth.login(merchant)
    page = client.get("/manage/dashboard/mine", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and own_title in html
    assert "Secret Plan" not in html and "Another Street Rally" not in html
    assert client.get(f"/manage/dashboard/mine?campaign={draft_id}").status_code == 404
    assert client.get(f"/manage/dashboard/mine?campaign={elsewhere_id}").status_code == 404


def test_scan_records_browsing_language(app, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    client = app.test_client()
    client.get(stamp_path(checkpoints[0]), headers={"Accept-Language": "en"})
    with app.app_context():
        assert db.session.scalar(select(Stamp.locale)) == "en"


def test_tallies_follow_scans_and_voids(app, make_campaign, stamp_path):
    from rally.fraud.models import FraudFlag
    from rally.fraud.review import void_card
    from rally.stamping.models import CardTally, StampTally
    from rally.utils import utcnow

    campaign_id, checkpoints = make_campaign()
    client = app.test_client()
    for checkpoint_id in checkpoints[:2]:
        client.get(stamp_path(checkpoint_id), headers={"Accept-Language": "en"})
        client.get(stamp_path(checkpoint_id))  # a repeat scan adds nothing
    with app.app_context():
        assert db.session.scalar(select(func.sum(StampTally.stamps))) == 2
        tally = db.session.scalar(select(CardTally))
        assert (tally.stamps, tally.english) == (2, True)
        kept = [(t.hour, t.checkpoint_id, t.stamps) for t in db.session.scalars(select(StampTally))]
        rebuild_tallies(campaign_id)
        assert kept == [
            (t.hour, t.checkpoint_id, t.stamps) for t in db.session.scalars(select(StampTally))
        ]
        flag = FraudFlag(card_id=tally.card_id, campaign_id=campaign_id, kind="impossible_travel")
        db.session.add(flag)
        db.session.flush()
        void_card(flag, utcnow())
        db.session.commit()
        assert db.session.scalar(select(func.sum(StampTally.stamps))) == 0
        assert db.session.scalar(select(func.count()).select_from(CardTally)) == 0


def test_a_campaign_that_is_not_a_number_shows_the_latest(app, client, make_user, stamped, auth):
    auth.login(make_user(role=Role.admin))
    response = client.get("/manage/dashboard/?campaign=abc", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert 'data-testid="stamps">4<' in response.get_data(as_text=True)


def test_a_campaign_the_database_cannot_hold_shows_the_latest(
    app, client, make_user, stamped, auth
):
    auth.login(make_user(role=Role.admin))
    response = client.get(f"/manage/dashboard/?campaign={2**63}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert 'data-testid="stamps">4<' in response.get_data(as_text=True)


@pytest.mark.parametrize("start, end", [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31")])
def test_a_date_outside_2000_to_2100_is_a_form_error(
    app, client, make_user, stamped, start, end, auth
):
    """Year 1 or 9999 overflowed when turned into UTC moments (a 500)."""
    auth.login(make_user(role=Role.admin))
    response = client.get(
        f"/manage/dashboard/?campaign={stamped[0]}&start={start}&end={end}",
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please enter a date between the years 2000 and 2100." in html
    assert 'data-testid="stamps">4<' in html  # the campaign's own days instead


def test_participants_of_a_past_range_stamped_in_it(app, ctx, stamped):
    """A card stamped before and after a range, but not in it, is no participant of it."""
    campaign_id, checkpoints = stamped
    card = Card(locale="ja")
    db.session.add(card)
    db.session.flush()
    for day, checkpoint_id in ((20, checkpoints[0]), (24, checkpoints[1])):
        db.session.add(
            Stamp(
                card_id=card.id,
                checkpoint_id=checkpoint_id,
                campaign_id=campaign_id,
                created_at=datetime(2026, 11, day, 3),
                locale="ja",
            )
        )
    rebuild_tallies(campaign_id)
    db.session.commit()
    campaign = db.session.get(Campaign, campaign_id)
    between = datetime(2026, 11, 23).date()
    data = dashboard_data(campaign, between, between, TOKYO)
    assert (data.participants, data.stamps) == (0, 0)
    sunday = datetime(2026, 11, 22).date()
    assert dashboard_data(campaign, sunday, sunday, TOKYO).participants == 3
    whole = dashboard_data(campaign, datetime(2026, 11, 20).date(), between, TOKYO)
    assert whole.participants == 4


def test_a_period_running_to_today_updates_itself(app, client, make_user, make_campaign, auth):
    campaign_id, _ = make_campaign()
    auth.login(make_user(role=Role.admin))
    english = {"Accept-Language": "en"}
    today = client.get(f"/manage/dashboard/?campaign={campaign_id}", headers=english).text
    assert 'data-live="60"' in today
    assert "Figures as of" in today and "They update every 60 seconds." in today
    past = client.get(
        f"/manage/dashboard/?campaign={campaign_id}&start=2026-01-05&end=2026-01-06",
        headers=english,
    ).text
    assert "data-live" not in past and "They update" not in past
    assert "Figures as of" in past


def test_merchant_in_no_campaign_reads_that_their_stores_take_part_in_none(
    app, client, make_user, make_store, make_campaign, auth
):
    """It read "no campaigns yet" while campaigns ran (issue 16, item 10)."""
    make_campaign()
    merchant = make_user()
    make_store(owner_id=merchant.id)
    auth.login(merchant)
    for lang, text, wrong in (
        ("en", "Your stores take part in no campaign at the moment.", "No campaign yet."),
        (
            "ja",
            "現在、あなたの店舗が参加しているキャンペーンはありません。",
            "キャンペーンはまだありません",
        ),
    ):
        response = client.get("/manage/dashboard/mine", headers={"Accept-Language": lang})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert text in html and wrong not in html


def test_association_without_campaigns_reads_no_campaign_yet(client, make_user, auth):
    auth.login(make_user(role=Role.admin))
    html = client.get("/manage/dashboard/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "No campaign yet." in html
