"""The generated default stamp: a red seal on a transparent background, public once the
campaign is published."""

import pytest

from rally.campaigns.models import CampaignState, Checkpoint
from rally.designs import operations
from rally.extensions import db

from .conftest import open_png


def _is_vermilion(pixel) -> bool:
    red, green, blue, alpha = pixel
    return alpha > 200 and red > 150 and green < 90 and blue < 90


def test_hanko_is_a_transparent_png_with_red_ink(app, make_campaign):
    _, checkpoints = make_campaign(stores=1)
    with app.app_context():
        png = operations.hanko_png(db.session.get(Checkpoint, checkpoints[0]))
    image = open_png(png)
    assert image.size == (operations.STAMP_SIZE, operations.STAMP_SIZE)
    assert image.mode == "RGBA"
    pixels = list(image.get_flattened_data())
    assert pixels[0][3] == 0  # the corner is outside the seal: transparent
    assert sum(_is_vermilion(pixel) for pixel in pixels) > 0.05 * len(pixels)


@pytest.mark.parametrize("name", ["三鷹", "まちのパン屋さん・ハナ（本店）", "Somebody Else's Shop"])
def test_hanko_draws_short_long_and_latin_names(app, make_campaign, name):
    _, checkpoints = make_campaign(stores=1)
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoints[0])
        checkpoint.store.name["ja"] = name
        image = open_png(operations.hanko_png(checkpoint))
    # Ink inside the inner ring: the name is there.
    centre = image.crop((96, 96, 160, 160))
    assert any(pixel[3] > 200 for pixel in centre.get_flattened_data())


def test_stamp_image_is_public_for_a_published_campaign(client, make_campaign):
    _, checkpoints = make_campaign(stores=1)
    response = client.get(f"/checkpoints/{checkpoints[0]}/stamp.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["ETag"]
    assert "public" in response.headers["Cache-Control"]
    again = client.get(
        f"/checkpoints/{checkpoints[0]}/stamp.png",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


def test_stamp_image_of_a_draft_campaign_is_not_found(client, make_campaign):
    _, checkpoints = make_campaign(stores=1, state=CampaignState.draft)
    assert client.get(f"/checkpoints/{checkpoints[0]}/stamp.png").status_code == 404


def test_unknown_checkpoint_is_not_found(client):
    assert client.get("/checkpoints/999/stamp.png").status_code == 404


def test_public_checkpoint_refuses_a_draft_with_its_code(app, make_campaign):
    _, checkpoints = make_campaign(stores=1, state=CampaignState.draft)
    with app.app_context(), pytest.raises(operations.DesignError) as refused:
        operations.public_checkpoint(checkpoints[0])
    assert refused.value.code == "not_found"


def test_new_name_gives_a_new_image_address(app, make_campaign):
    _, checkpoints = make_campaign(stores=1)
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoints[0])
        before = operations.stamp_version(checkpoint)
        checkpoint.store.name["ja"] = "新しい名前"
        assert operations.stamp_version(checkpoint) != before
