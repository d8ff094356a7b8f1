"""The association's journey: log in, create and publish a campaign, download its posters."""

import pytest

from rally.campaigns.models import Campaign, CampaignState
from rally.demo import ADMIN_EMAIL, ADMIN_PASSWORD, seed_demo
from rally.extensions import db
from rally.utils import utcnow

from .conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    with app.app_context():
        seed_demo(utcnow())
        db.session.commit()


@pytest.fixture
def desk(browser):
    """A laptop-sized browser context in Japanese, accepting downloads."""
    context = browser.new_context(locale="ja-JP", accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def test_admin_creates_publishes_and_downloads_posters(app, live_server, desk, demo, tmp_path):
    page = desk
    log_in(page, live_server, ADMIN_EMAIL, ADMIN_PASSWORD)

    page.goto(live_server + "/admin/campaigns/new")
    assert page.locator("h1").inner_text() == "新しいキャンペーン"
    page.fill("input[name=title-ja]", "春の商店街スタンプラリー")
    page.locator("#title summary").click()  # the other languages, folded away
    page.fill("input[name=title-en]", "Spring Stamp Rally")
    page.fill("textarea[name=rules-ja]", "3店舗のスタンプで景品と交換できます。")
    page.fill("input[name=starts_at]", "2030-04-01T10:00")
    page.fill("input[name=ends_at]", "2030-04-30T18:00")
    stores = page.locator("input[name=stores]")
    for index in range(3):
        stores.nth(index).check()
    page.fill("input[name='tiers-0-threshold']", "3")
    page.fill("input[name='tiers-0-name-ja']", "特製手ぬぐい")
    page.locator("#tiers-0-name summary").click()
    page.fill("input[name='tiers-0-name-en']", "Tenugui towel")
    page.fill("input[name='tiers-0-stock']", "100")
    page.locator("form.campaign-form [type=submit]").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "春の商店街スタンプラリー"
    page.get_by_test_id("publish").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("campaign-state").inner_text() == "公開中"

    with page.expect_download() as download_info:
        page.get_by_test_id("all-posters").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.suffix == ".pdf"
    assert path.read_bytes().startswith(b"%PDF-")

    with app.app_context():
        campaign = db.session.scalar(
            db.select(Campaign).where(Campaign.title["en"].as_string() == "Spring Stamp Rally")
        )
        assert campaign.state is CampaignState.published
        assert len(campaign.checkpoints) == 3
        assert campaign.starts_at.isoformat() == "2030-04-01T01:00:00"  # 10:00 in Tokyo
