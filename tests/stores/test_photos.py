"""Photo upload: only real images, bounded, resized, without EXIF; the old photo stays."""

import io
import os
import struct
import zlib

import pytest
from PIL import Image

from rally.extensions import db
from rally.stores.models import Store, StoreStatus
from rally.stores.photos import PhotoError, normalise_photo

from .conftest import image_bytes


@pytest.fixture
def upload(client, auth, merchant, own_store):
    auth.login(merchant)

    def send(data: bytes, filename="photo.jpg", store_id=own_store):
        return client.post(
            f"/merchant/stores/{store_id}/photo",
            data={"photo": (io.BytesIO(data), filename)},
            content_type="multipart/form-data",
            headers={"Accept-Language": "en"},
        )

    return send


@pytest.fixture
def photo_path(get_store, upload_folder):
    def path(store_id):
        name = get_store(store_id).photo_filename
        return name and os.path.join(upload_folder, "stores", name)

    return path


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""
    png = bytearray(image_bytes((1, 1), "PNG", color=0, mode="L"))
    ihdr = bytearray(png[12:29])  # b"IHDR" + 13 bytes of data
    ihdr[4:12] = struct.pack(">II", width, height)
    png[12:29] = ihdr
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(png)


def _refused(response, code_message):
    assert response.status_code in (400, 413)
    assert code_message in response.text


def test_good_photo_is_stored_as_jpeg(upload, own_store, photo_path, client, app):
    response = upload(image_bytes(fmt="PNG"), "shop.png")
    assert response.status_code == 303
    path = photo_path(own_store)
    assert os.path.dirname(path).endswith(os.path.join("uploads", "stores"))
    assert os.path.basename(path) != "shop.png"
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert image.size == (120, 80)
    served = client.get(f"/stores/{own_store}/photo")
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    served.close()
    assert f"/stores/{own_store}/photo?v=" in client.get("/merchant/").text


def test_photo_of_a_store_not_approved_is_only_for_its_editors(upload, own_store, app, client):
    assert upload(image_bytes(fmt="PNG"), "shop.png").status_code == 303
    with app.app_context():
        db.session.get(Store, own_store).status = StoreStatus.pending
        db.session.commit()
    assert app.test_client().get(f"/stores/{own_store}/photo").status_code == 404
    mine = client.get(f"/stores/{own_store}/photo")  # the merchant, logged in by upload
    assert mine.status_code == 200
    assert "private" in mine.headers["Cache-Control"]
    assert "public" not in mine.headers["Cache-Control"]
    mine.close()
    with app.app_context():
        db.session.get(Store, own_store).status = StoreStatus.approved
        db.session.commit()
    served = app.test_client().get(f"/stores/{own_store}/photo")
    assert served.status_code == 200
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    served.close()


def test_webp_is_accepted(upload, own_store, photo_path):
    assert upload(image_bytes(fmt="WEBP"), "shop.webp").status_code == 303
    assert photo_path(own_store)


def test_non_image_is_refused_and_old_photo_stays(upload, own_store, photo_path):
    upload(image_bytes())
    old = photo_path(own_store)
    response = upload(b"<?php echo 'hello'; ?>", "photo.jpg")
    _refused(response, "This file is not a photo")
    assert photo_path(own_store) == old
    assert os.path.exists(old)


def test_gif_is_not_an_accepted_format(upload, own_store, photo_path):
    _refused(upload(image_bytes(fmt="GIF"), "a.gif"), "This file is not a photo")
    assert photo_path(own_store) is None


def test_truncated_image_is_refused_and_old_photo_stays(upload, own_store, photo_path):
    upload(image_bytes())
    old = photo_path(own_store)
    whole = image_bytes((400, 300), fmt="JPEG")
    _refused(upload(whole[: len(whole) // 2]), "damaged or incomplete")
    assert photo_path(own_store) == old
    assert os.path.exists(old)


def test_decompression_bomb_is_refused(upload, own_store, photo_path):
    upload(image_bytes())
    old = photo_path(own_store)
    # Far above Pillow's own limit: refused when the header is read.
    _refused(upload(_png_claiming(50_000, 50_000), "bomb.png"), "too many pixels")
    # Below Pillow's limit but above ours: refused before a single pixel is decoded.
    _refused(upload(_png_claiming(8_000, 8_000), "bomb.png"), "too many pixels")
    assert photo_path(own_store) == old


def test_bomb_codes(ctx):
    for size in ((50_000, 50_000), (8_000, 8_000)):
        with pytest.raises(PhotoError) as caught:
            normalise_photo(_png_claiming(*size))
        assert caught.value.code == "photo_too_many_pixels"


def test_error_codes(ctx):
    with pytest.raises(PhotoError) as caught:
        normalise_photo(b"not an image at all")
    assert caught.value.code == "not_an_image"
    whole = image_bytes((400, 300))
    with pytest.raises(PhotoError) as caught:
        normalise_photo(whole[: len(whole) // 2])
    assert caught.value.code == "photo_damaged"


def test_huge_image_is_resized(upload, own_store, photo_path):
    assert upload(image_bytes((4000, 2000))).status_code == 303
    with Image.open(photo_path(own_store)) as image:
        assert image.size == (1600, 800)


def test_too_many_bytes_is_refused(app, upload, own_store, photo_path):
    app.config["RALLY_PHOTO_MAX_BYTES"] = 10_000
    big = os.urandom(20_000)
    response = upload(image_bytes() + big)
    assert response.status_code == 413
    assert "too large" in response.text
    assert photo_path(own_store) is None


def test_empty_form_is_refused(client, auth, merchant, own_store):
    auth.login(merchant)
    response = client.post(f"/merchant/stores/{own_store}/photo", data={})
    assert response.status_code == 400


def test_exif_is_removed_and_orientation_applied(upload, own_store, photo_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "Secret Camera Maker"
    exif[0x8825] = {1: "N", 2: (35.0, 42.0, 10.0)}  # GPS position
    data = image_bytes((200, 100), exif=exif.tobytes())
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif()[0x010F] == "Secret Camera Maker"
    assert upload(data).status_code == 303
    path = photo_path(own_store)
    with Image.open(path) as image:
        assert image.size == (100, 200)
        assert not image.getexif()
        assert "exif" not in image.info
    with open(path, "rb") as handle:
        assert b"Secret Camera Maker" not in handle.read()


def test_replacing_deletes_the_old_file(upload, own_store, photo_path):
    upload(image_bytes())
    first = photo_path(own_store)
    upload(image_bytes(color=(0, 0, 255)))
    second = photo_path(own_store)
    assert first != second
    assert not os.path.exists(first)
    assert os.path.exists(second)


def test_merchant_cannot_upload_to_another_store(upload, others_store, photo_path):
    response = upload(image_bytes(), store_id=others_store)
    assert response.status_code == 403
    assert photo_path(others_store) is None


def test_anonymous_cannot_upload(client, own_store, app):
    response = client.post(
        f"/merchant/stores/{own_store}/photo",
        data={"photo": (io.BytesIO(image_bytes()), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Store, own_store).photo_filename is None


def test_body_over_the_request_limit_gets_a_clear_error(app, upload, own_store, photo_path):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    response = upload(os.urandom(60_000))
    assert response.status_code == 413
    assert "too large" in response.text
    assert photo_path(own_store) is None
