"""Uploading a stamp design: the association or the store's merchant only, real images
only, the old design kept on error, and removal back to the generated hanko."""

import io
import os

import pytest

from rally.campaigns.models import Checkpoint
from rally.designs import operations
from rally.extensions import db
from rally.stores.photos import PhotoError

from .conftest import image_bytes, open_png


@pytest.fixture
def upload(client):
    def send(checkpoint_id, data: bytes, filename="stamp.png", lang="en"):
        return client.post(
            f"/checkpoints/{checkpoint_id}/design",
            data={"image": (io.BytesIO(data), filename)},
            content_type="multipart/form-data",
            headers={"Accept-Language": lang},
        )

    return send


def _stamp_files(upload_folder):
    directory = upload_folder / "stamps"
    return sorted(os.listdir(directory)) if directory.exists() else []


def test_owner_uploads_a_design_served_as_a_square_png(
    client, auth, merchant, own_checkpoint, upload, design_file, upload_folder
):
    auth.login(merchant)
    response = upload(own_checkpoint, image_bytes(color=(30, 90, 200, 0)))
    assert response.status_code == 303
    filename = design_file(own_checkpoint)
    assert filename and filename.endswith(".png")
    assert _stamp_files(upload_folder) == [filename]

    served = client.get(f"/checkpoints/{own_checkpoint}/stamp.png")
    assert served.status_code == 200
    image = open_png(served.data)
    served.close()
    assert image.size == (256, 256)
    assert image.getpixel((128, 128))[3] == 0  # transparency kept


def test_admin_uploads_a_design(auth, admin, own_checkpoint, upload, design_file):
    auth.login(admin)
    assert (
        upload(own_checkpoint, image_bytes(fmt="JPEG", mode="RGB", color=(9, 9, 9))).status_code
        == 303
    )
    assert design_file(own_checkpoint)


def test_another_merchant_is_forbidden_and_nothing_is_written(
    auth, other_merchant, own_checkpoint, upload, design_file, upload_folder
):
    auth.login(other_merchant)
    assert upload(own_checkpoint, image_bytes()).status_code == 403
    assert design_file(own_checkpoint) is None
    assert _stamp_files(upload_folder) == []


def test_anonymous_is_sent_to_log_in(client, own_checkpoint):
    response = client.get(f"/checkpoints/{own_checkpoint}/design")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_non_image_is_refused_in_the_visitors_language_and_old_design_stays(
    auth, merchant, own_checkpoint, upload, design_file, upload_folder
):
    auth.login(merchant)
    upload(own_checkpoint, image_bytes())
    old = design_file(own_checkpoint)
    response = upload(own_checkpoint, b"%PDF-1.4 not an image", "menu.png", lang="ja")
    assert response.status_code == 400
    assert "このファイルは写真ではありません" in response.text
    assert design_file(own_checkpoint) == old
    assert _stamp_files(upload_folder) == [old]


def test_non_image_is_refused_with_its_code(app, own_checkpoint):
    with app.app_context(), pytest.raises(PhotoError) as refused:
        operations.replace_stamp_design(
            db.session.get(Checkpoint, own_checkpoint), io.BytesIO(b"plain text")
        )
    assert refused.value.code == "not_an_image"


def test_remove_asks_first_then_falls_back_to_the_hanko(
    client, auth, merchant, own_checkpoint, upload, design_file, upload_folder
):
    auth.login(merchant)
    upload(own_checkpoint, image_bytes())
    page = client.get(f"/checkpoints/{own_checkpoint}/design/remove")
    assert page.status_code == 200
    assert 'method="post"' in page.text
    assert design_file(own_checkpoint)  # a GET removes nothing

    response = client.post(f"/checkpoints/{own_checkpoint}/design/remove")
    assert response.status_code == 303
    assert design_file(own_checkpoint) is None
    assert _stamp_files(upload_folder) == []
    served = client.get(f"/checkpoints/{own_checkpoint}/stamp.png")
    assert served.status_code == 200 and served.headers["ETag"]


def test_remove_without_a_design_is_refused_with_its_code(app, own_checkpoint):
    with app.app_context(), pytest.raises(operations.DesignError) as refused:
        operations.remove_stamp_design(db.session.get(Checkpoint, own_checkpoint))
    assert refused.value.code == "no_design"


def test_another_merchant_cannot_remove(
    client, auth, merchant, other_merchant, own_checkpoint, upload, design_file
):
    auth.login(merchant)
    upload(own_checkpoint, image_bytes())
    auth.logout()
    auth.login(other_merchant)
    assert client.post(f"/checkpoints/{own_checkpoint}/design/remove").status_code == 403
    assert design_file(own_checkpoint)


def test_admin_campaign_page_links_to_the_design_page(client, auth, admin, own_checkpoint, app):
    auth.login(admin)
    with app.app_context():
        campaign_id = db.session.get(Checkpoint, own_checkpoint).campaign_id
    page = client.get(f"/admin/campaigns/{campaign_id}")
    assert f"/checkpoints/{own_checkpoint}/design" in page.text
