"""The card shows each collected stamp's image; a complete card earns a badge to save."""

import re

import pytest

from rally.campaigns.models import CampaignState
from rally.designs import operations

from .conftest import open_png


def test_card_shows_an_image_for_each_collected_stamp_only(client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(stores=3)
    client.get(stamp_path(checkpoints[0]))
    page = client.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).text
    images = re.findall(r'<img class="stamp-image" src="([^"]+)" alt="([^"]*)"', page)
    assert len(images) == 1
    src, alt = images[0]
    assert src.startswith(f"/checkpoints/{checkpoints[0]}/stamp.png?v=")
    # Decorative: the shop's name is the text beside it, so screen readers read it once.
    assert alt == ""
    assert page.count('data-testid="stamp-collected"') == 1
    assert client.get(src).status_code == 200


def test_badge_is_not_found_until_every_stamp_is_collected(client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(stores=2)
    client.get(stamp_path(checkpoints[0]))
    assert client.get(f"/card/{campaign_id}/badge.png").status_code == 404
    assert (
        "Save your badge"
        not in client.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).text
    )


def test_complete_card_saves_a_png_badge(client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(stores=2)
    for checkpoint in checkpoints:
        client.get(stamp_path(checkpoint))
    page = client.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).text
    assert "Save your badge" in page
    assert f"/card/{campaign_id}/badge.png" in page

    response = client.get(f"/card/{campaign_id}/badge.png", headers={"Accept-Language": "ja"})
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"rally-badge-{campaign_id}.png" in disposition
    assert open_png(response.data).size == (operations.BADGE_SIZE, operations.BADGE_SIZE)


def test_badge_is_only_for_the_cookies_card(app, client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(stores=1)
    client.get(stamp_path(checkpoints[0]))
    stranger = app.test_client()
    assert stranger.get(f"/card/{campaign_id}/badge.png").status_code == 404


def test_completion_without_a_card_is_refused_with_its_code(app, make_campaign):
    from rally.campaigns.models import Campaign
    from rally.extensions import db

    campaign_id, _ = make_campaign(stores=1)
    with app.app_context(), pytest.raises(operations.DesignError) as refused:
        operations.completion(None, db.session.get(Campaign, campaign_id))
    assert refused.value.code == "not_complete"


def test_badge_of_a_draft_campaign_is_not_found(client, make_campaign):
    campaign_id, _ = make_campaign(stores=1, state=CampaignState.draft)
    assert client.get(f"/card/{campaign_id}/badge.png").status_code == 404
