"""The compact card page (rally/cardpage/page.py): the next reward and the next places
first, stamps folded by area except the one just scanned."""

import re

from rally.campaigns.models import Checkpoint
from rally.extensions import db

EN = {"Accept-Language": "en"}


def card(client, campaign_id, query=""):
    response = client.get(f"/card/{campaign_id}{query}", headers=EN)
    assert response.status_code == 200
    return response.text


def names(app, checkpoint_ids):
    with app.app_context():
        return [db.session.get(Checkpoint, cp).store.name["en"] for cp in checkpoint_ids]


def listed(html, testid):
    block = html.split(f'data-testid="{testid}"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<strong>([^<]+)</strong>", block)


def folds(html):
    """(open?, text) of each folded group of stamps."""
    return [
        (bool(attrs.strip()), body)
        for attrs, body in re.findall(
            r'<details class="fold area"( open)?[^>]*>(.*?)</details>', html, re.S
        )
    ]


def test_next_places_come_from_the_area_closest_to_completion(
    app, client, areas_campaign, stamp_path
):
    campaign_id, areas = areas_campaign(stamps_per_area=2)
    station, river = areas["station"], areas["river"]
    client.get(stamp_path(river[0]))
    # The riverside needs one more stamp, the station street two: the riverside comes first.
    html = card(client, campaign_id)
    assert listed(html, "next-to-visit") == names(app, [river[1], *station])
    # The full list keeps the card's order.
    assert listed(html, "to-visit") == names(app, [*station, river[1]])


def test_a_completed_area_s_places_come_last(app, client, areas_campaign, stamp_path):
    campaign_id, areas = areas_campaign()  # one stamp completes an area
    client.get(stamp_path(areas["station"][0]))
    html = card(client, campaign_id)
    assert listed(html, "next-to-visit") == names(app, [*areas["river"], areas["station"][1]])


def test_only_five_places_come_first(app, client, make_campaign):
    campaign_id, checkpoints = make_campaign(stores=8)
    html = card(client, campaign_id)
    assert listed(html, "next-to-visit") == names(app, checkpoints[:5])
    assert len(listed(html, "to-visit")) == 8


def test_the_next_reward_is_the_closest_one_ahead(client, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign(stores=4, tiers=(3, 2))
    client.get(stamp_path(checkpoints[0]))
    assert "Next reward: Prize 2 · 1 more stamp to go" in card(client, campaign_id)
    client.get(stamp_path(checkpoints[1]))  # Prize 2 reached: Prize 3 is next
    assert "Next reward: Prize 3 · 1 more stamp to go" in card(client, campaign_id)
    for checkpoint_id in checkpoints[2:]:
        client.get(stamp_path(checkpoint_id))
    assert 'data-testid="next-goal"' not in card(client, campaign_id)


def test_areas_are_folded_but_the_one_just_stamped(client, areas_campaign, stamp_path):
    campaign_id, areas = areas_campaign()
    assert [opened for opened, _ in folds(card(client, campaign_id))] == [False, False]
    client.get(stamp_path(areas["river"][0]))
    html = card(client, campaign_id, f"?new={areas['river'][0]}")
    (station_open, station), (river_open, river) = folds(html)
    assert "Station Street" in station and not station_open
    assert "Riverside" in river and river_open


def test_a_small_card_without_areas_is_unfolded(client, make_campaign):
    small, _ = make_campaign(stores=3)
    assert [opened for opened, _ in folds(card(client, small))] == [True]
    large, _ = make_campaign(stores=13)
    assert [opened for opened, _ in folds(card(client, large))] == [False]
