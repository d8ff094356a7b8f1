"""The card page's per-process copy of a campaign (rally/campaigns/sheet.py).

Two apps on one database stand for two gunicorn workers: what one changes, the other must
show at its next card page, while pages in between read nothing shared again.
"""

import pytest
from sqlalchemy import event, select, update

from rally import create_app
from rally.campaigns.models import Campaign, CampaignState, Checkpoint, RewardTier
from rally.campaigns.sheet import current_revision
from rally.extensions import db
from rally.stores.models import Store


@pytest.fixture
def other_worker(app):
    """A second app (another process's worth of caches) on the same database."""
    other = create_app(
        {**app.config, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def statements_of(app, fn):
    """Run ``fn`` and return the SQL it sent through ``app``'s engine."""
    seen = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def card_page(client, campaign_id):
    response = client.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.text


def test_second_page_reads_only_the_visitors_rows(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    card_page(client, campaign_id)
    sql = statements_of(app, lambda: card_page(client, campaign_id))
    assert any("content_revision" in s for s in sql)
    assert not any("FROM campaign" in s or "FROM checkpoint" in s for s in sql)
    assert any("FROM stamp" in s for s in sql)  # the visitor's own stamps, every time


def test_a_place_renamed_in_another_worker_shows_at_once(
    app, client, other_worker, make_campaign, stamp_path
):
    campaign_id, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    assert "Test Shop" in card_page(client, campaign_id)
    with other_worker.app_context():
        store = db.session.get(Checkpoint, checkpoints[1]).store
        store.name_en = "Renamed Bakery"
        db.session.commit()
    assert "Renamed Bakery" in card_page(client, campaign_id)


def test_a_statement_update_in_another_worker_shows_at_once(
    app, client, other_worker, make_campaign, stamp_path
):
    """Claims lower a tier's stock with an UPDATE statement, not the unit of work."""
    campaign_id, checkpoints = make_campaign(tiers=(1,))
    client.get(stamp_path(checkpoints[0]))
    assert "This reward has run out" not in card_page(client, campaign_id)
    with other_worker.app_context():
        db.session.execute(
            update(RewardTier).where(RewardTier.campaign_id == campaign_id).values(stock=0)
        )
        db.session.commit()
    assert "This reward has run out" in card_page(client, campaign_id)


def test_unpublishing_hides_the_card_again(app, client, other_worker, make_campaign):
    campaign_id, _ = make_campaign()
    card_page(client, campaign_id)
    with other_worker.app_context():
        db.session.get(Campaign, campaign_id).state = CampaignState.draft
        db.session.commit()
    assert client.get(f"/card/{campaign_id}").status_code == 404


def test_scans_and_stores_outside_do_not_move_the_revision(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    with app.app_context():
        before = current_revision()
    for checkpoint_id in checkpoints:
        assert client.get(stamp_path(checkpoint_id)).status_code == 303
    with app.app_context():
        assert current_revision() == before  # stamps are the visitor's, not the sheet's
        store = db.session.scalar(select(Store).limit(1))
        store.phone = "0422-00-0000"
        db.session.commit()
        assert current_revision() > before  # any store edit counts, shown or not


def test_a_lottery_opened_in_another_worker_shows_at_once(
    app, client, other_worker, make_campaign, stamp_path
):
    from rally.lottery.operations import create_lottery

    campaign_id, checkpoints = make_campaign(tiers=(1,))
    client.get(stamp_path(checkpoints[0]))
    assert "Enter the lottery" not in card_page(client, campaign_id)
    with other_worker.app_context():
        tier = db.session.scalar(select(RewardTier).where(RewardTier.campaign_id == campaign_id))
        create_lottery(tier, winners_count=1)
        db.session.commit()
    assert "Enter the lottery" in card_page(client, campaign_id)
