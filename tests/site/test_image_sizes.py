"""No layout shift from pictures: every <img> of the public pages says its width and height,
and those below the first screen load lazily."""

import re

import pytest
from sqlalchemy import select

from rally.campaigns.models import Campaign
from rally.demo import CAMPAIGN_TITLE_JA, seed_demo
from rally.extensions import db
from rally.i18n.content import texts_sql
from rally.spots.models import Spot
from rally.utils import utcnow

IMG = re.compile(r"<img\b[^>]*>", re.S)


@pytest.fixture
def district(app, client, stamp_path):
    with app.app_context():
        seed_demo(utcnow())
        db.session.commit()
        campaign = db.session.scalar(
            select(Campaign).where(texts_sql(Campaign.title, "ja") == CAMPAIGN_TITLE_JA)
        )
        spot_id = db.session.scalar(select(Spot.id))
        checkpoints = [cp.id for cp in campaign.checkpoints[:6]]
    for checkpoint_id in checkpoints:
        client.get(stamp_path(checkpoint_id))
    return campaign.id, spot_id, checkpoints[-1]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_public_image_has_its_size(client, district, lang):
    campaign_id, spot_id, last = district
    paths = [
        "/",
        "/stores",
        "/stores?page=2",
        "/stores/1",
        "/stores/2",
        f"/card/{campaign_id}?new={last}",
        f"/campaigns/{campaign_id}",
        "/spots",
        f"/spots/{spot_id}",
    ]
    seen = 0
    for path in paths:
        html = client.get(path, headers={"Accept-Language": lang}).get_data(as_text=True)
        for tag in IMG.findall(html):
            seen += 1
            assert re.search(r'\swidth="\d+"', tag) and re.search(r'\sheight="\d+"', tag), (
                path,
                tag,
            )
    assert seen > 40  # photos, drawings and stamps were there to check


def test_directory_images_below_the_first_screen_load_lazily(client, district):
    html = client.get("/stores").get_data(as_text=True)
    pictures = [tag for tag in IMG.findall(html) if 'class="photo' in tag]
    assert len(pictures) == 12
    assert ['loading="lazy"' in tag for tag in pictures] == [False, False] + [True] * 10
