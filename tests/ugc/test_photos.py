"""Residents' post photos: stored without EXIF or GPS, upright, at two sizes, under random
names; served only when allowed, and cached privately."""

import io
import re

import pytest
from flask import Blueprint, request
from PIL import Image

from rally.images import PhotoError
from rally.storage import read_stored, stored_names
from rally.ugc.photos import (
    MAX_PHOTOS,
    UGC_FOLDER,
    check_photo_count,
    save_ugc_photo,
    send_ugc_photo,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112
RED, BLUE = (220, 20, 20), (20, 20, 220)


@pytest.fixture
def app(app):
    """The app with a test-only route serving a photo as a circle's view will."""
    test_only = Blueprint("test_ugc_photos", __name__)

    @test_only.route("/test-only/ugc-photo/<name>")
    def photo(name):
        return send_ugc_photo(name, allowed=request.args.get("allowed") == "1")

    app.register_blueprint(test_only)
    return app


def phone_photo(size=(2400, 1200)) -> bytes:
    """A JPEG as a phone writes it held upright: pixels sideways (left half red, right half
    blue) with Orientation 6 (turn 90° clockwise to show), and where it was taken."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "RallyPhone"  # Make
    exif[GPS_IFD] = {1: "N", 2: (35.0, 41.0, 59.0), 3: "E", 4: (139.0, 33.0, 36.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def opened(app, name) -> Image.Image:
    with app.app_context():
        data = read_stored(UGC_FOLDER, name)
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image


def test_the_upload_really_carries_gps_and_orientation():
    exif = Image.open(io.BytesIO(phone_photo())).getexif()
    assert exif[ORIENTATION] == 6
    assert exif.get_ifd(GPS_IFD)[2] == (35.0, 41.0, 59.0)


def test_a_stored_photo_has_no_exif_and_stands_upright(app):
    with app.app_context():
        stored = save_ugc_photo(phone_photo())
    for name, size in ((stored.name, (800, 1600)), (stored.thumbnail, (200, 400))):
        image = opened(app, name)
        assert image.format == "JPEG"
        assert image.size == size  # turned upright, at most 1600 / 400 on the long side
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
        width, height = image.size
        assert _near(image.getpixel((width // 2, height // 4)), RED)  # the left half is on top
        assert _near(image.getpixel((width // 2, height * 3 // 4)), BLUE)
    with app.app_context():
        raw = read_stored(UGC_FOLDER, stored.name)
    assert b"Exif" not in raw and b"RallyPhone" not in raw


def _near(pixel, color):
    return all(abs(a - b) < 40 for a, b in zip(pixel, color, strict=True))


def test_a_small_photo_is_not_enlarged(app):
    with app.app_context():
        stored = save_ugc_photo(phone_photo(size=(300, 200)))
    assert opened(app, stored.name).size == (200, 300)
    assert opened(app, stored.thumbnail).size == (200, 300)


def test_names_are_random_and_unguessable(app):
    with app.app_context():
        first, second = save_ugc_photo(phone_photo()), save_ugc_photo(phone_photo())
        assert stored_names(UGC_FOLDER) == sorted(
            [first.name, first.thumbnail, second.name, second.thumbnail]
        )
    assert first.name != second.name
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}\.jpg", first.name)
    assert first.thumbnail == first.name.removesuffix(".jpg") + ".thumb.jpg"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<svg onload=alert(1)>", "not_an_image"),
        (b"GIF89a" + b"\x00" * 40, "not_an_image"),
        (phone_photo()[:2000], "photo_damaged"),
    ],
)
def test_what_is_not_a_usable_photo_is_refused_and_nothing_is_written(app, data, code):
    with app.app_context(), pytest.raises(PhotoError) as refused:
        save_ugc_photo(data)
    assert refused.value.code == code
    with app.app_context():
        assert stored_names(UGC_FOLDER) == []


def test_too_many_pixels_is_refused(app):
    app.config["RALLY_PHOTO_MAX_PIXELS"] = 1000
    with app.app_context(), pytest.raises(PhotoError) as refused:
        save_ugc_photo(phone_photo(size=(40, 30)))
    assert refused.value.code == "photo_too_many_pixels"


def test_at_most_four_photos_a_post(app):
    assert MAX_PHOTOS == 4
    check_photo_count(4)
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        with pytest.raises(PhotoError) as refused:
            check_photo_count(5)
        assert str(refused.value.message) == "1つの投稿に添付できる写真は4枚までです。"
    assert refused.value.code == "too_many_photos"


def test_an_allowed_reader_gets_the_photo_cached_privately(app, client):
    with app.app_context():
        stored = save_ugc_photo(phone_photo())
    for name in (stored.name, stored.thumbnail):
        response = client.get(f"/test-only/ugc-photo/{name}?allowed=1")
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"
        assert Image.open(io.BytesIO(response.data)).format == "JPEG"
        cache = response.headers["Cache-Control"]
        assert "private" in cache and "max-age=300" in cache and "public" not in cache
        assert "Expires" not in response.headers
        response.close()


def test_a_reader_not_allowed_gets_404_like_a_missing_photo(app, client):
    with app.app_context():
        stored = save_ugc_photo(phone_photo())
    refused = client.get(f"/test-only/ugc-photo/{stored.name}?allowed=0")
    missing = client.get("/test-only/ugc-photo/" + "A" * 32 + ".jpg?allowed=1")
    assert refused.status_code == missing.status_code == 404
    assert b"\xff\xd8" not in refused.data


@pytest.mark.parametrize("name", ["..%2Fugc%2Fx.jpg", ".x.jpg.tmp", "x.png", "A" * 31 + ".jpg"])
def test_names_not_ours_are_not_served(app, client, name):
    assert client.get(f"/test-only/ugc-photo/{name}?allowed=1").status_code == 404
