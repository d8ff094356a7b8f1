"""The card page's per-process copy of a campaign (rally/cardpage/sheet.py).

Two apps on one database stand for two gunicorn workers: what one changes, the other must
show at its next card page, while pages in between read nothing shared again.
"""

import pytest
from sqlalchemy import delete, event, func, select, update

from rally import create_app
from rally.campaigns.models import Campaign, CampaignState, Checkpoint, RewardTier
from rally.cardpage.sheet import current_revision
from rally.cards.models import Stamp
from rally.extensions import db
from rally.stores.models import Store
from tests.conftest import POSTGRES_URL


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
    assert any("JOIN stamp" in s for s in sql)  # the visitor's own stamps, every time


def test_a_place_renamed_in_another_worker_shows_at_once(
    app, client, other_worker, make_campaign, stamp_path
):
    campaign_id, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    assert "Test Shop" in card_page(client, campaign_id)
    with other_worker.app_context():
        store = db.session.get(Checkpoint, checkpoints[1]).store
        store.name["en"] = "Renamed Bakery"
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


def queries(statements):
    """Leave out SQLite's BEGIN (rally/database.py sends it): not a question asked."""
    return [s for s in statements if not s.startswith("BEGIN")]


def claim_tier(app, client, campaign_id, threshold):
    """Claim the campaign's tier of ``threshold`` through the card; its redemption code."""
    with app.app_context():
        tier = db.session.scalar(
            select(RewardTier).where(
                RewardTier.campaign_id == campaign_id, RewardTier.threshold == threshold
            )
        )
        tier_id = tier.id
    response = client.post(f"/card/{campaign_id}/tiers/{tier_id}/claim")
    assert response.status_code == 303
    return response.headers["Location"].rsplit("/", 1)[-1]


def test_a_card_page_asks_the_database_once(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(tiers=(2, 3))
    for checkpoint in checkpoints[:2]:
        client.get(stamp_path(checkpoint))
    card_page(client, campaign_id)
    page = []
    sql = queries(statements_of(app, lambda: page.append(card_page(client, campaign_id))))
    # The sheet is current: revision, card and its stamps in one statement; a tier is
    # reached, but the card has claimed nothing, so no claims are asked for.
    assert len(sql) == 1 and "content_revision" in sql[0] and "stamp" in sql[0]
    assert "2 of 3 stamps collected" in page[0]


def test_claims_are_read_once_the_card_has_some(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(tiers=(2, 3))
    other_id, elsewhere = make_campaign(tiers=(1,))
    for checkpoint in checkpoints:
        client.get(stamp_path(checkpoint))
    client.get(stamp_path(elsewhere[0]))
    other = claim_tier(app, client, other_id, 1)
    card_page(client, campaign_id)
    sql = queries(statements_of(app, lambda: card_page(client, campaign_id)))
    assert len(sql) == 1  # a claim in another campaign is not one here

    first = claim_tier(app, client, campaign_id, 2)
    second = claim_tier(app, client, campaign_id, 3)
    card_page(client, campaign_id)  # a claim takes stock from its tier: a new sheet
    page = []
    sql = queries(statements_of(app, lambda: page.append(card_page(client, campaign_id))))
    assert len(sql) == 2 and "FROM claim" in sql[1]
    assert f"/card/claims/{first}" in page[0] and f"/card/claims/{second}" in page[0]
    assert other not in page[0]  # it stays on the other campaign's card
    assert f"/card/claims/{other}" in card_page(client, other_id)


def test_a_visitor_without_a_card_costs_the_revision_alone(app, client, make_campaign):
    campaign_id, _ = make_campaign()
    card_page(client, campaign_id)
    sql = queries(statements_of(app, lambda: card_page(client, campaign_id)))
    assert len(sql) == 1 and "content_revision" in sql[0]


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL's transactions")
def test_card_page_reads_postgres_outside_a_transaction(app, client, make_campaign, stamp_path):
    """No BEGIN / ROLLBACK round trips for a page that only reads, and the pooled
    connection is transactional again for the next request (a scan must be atomic)."""
    campaign_id, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    with app.app_context():
        engine = db.engine
    autocommit, commits = [], []

    def record(conn, cursor, statement, *args):
        driver = conn.connection.driver_connection
        autocommit.append((statement.split()[0], driver.autocommit, id(driver)))

    def record_commit(conn):
        # The scan's own statements run on the driver's cursor (rally.database.DriverSQL),
        # unseen by the events above: its commit shows whether it ran in a transaction.
        driver = conn.connection.driver_connection
        commits.append((driver.autocommit, id(driver)))

    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "commit", record_commit)
    try:
        card_page(client, campaign_id)
        page = list(autocommit)
        assert not commits
        assert client.get(stamp_path(checkpoints[1])).status_code == 303
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "commit", record_commit)
    assert page and all(flag for _, flag, _ in page)
    with app.app_context():
        assert db.session.scalar(select(func.count(Stamp.id))) == 2
    # The scan committed a transaction on the very connection the page had used (one
    # request at a time keeps the pool at one): the pool gave it back its transactions.
    ((flag, driver),) = commits
    assert not flag and driver in {driver for _, _, driver in page}


def test_without_the_revision_row_every_page_reads_afresh(app, client, make_campaign, stamp_path):
    """A database missing the row (deleted by hand): pages still work, nothing is kept."""
    from rally.campaigns.models import ContentRevision

    campaign_id, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    with app.app_context():
        db.session.execute(delete(ContentRevision))
        db.session.commit()
    assert "1 of 3 stamps collected" in card_page(client, campaign_id)
    sql = queries(statements_of(app, lambda: card_page(client, campaign_id)))
    assert any("FROM checkpoint" in s for s in sql)  # the sheet, read again
    assert "1 of 3 stamps collected" in card_page(client, campaign_id)
