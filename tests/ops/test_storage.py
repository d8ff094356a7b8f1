"""Uploads live in one storage: a local folder by default, an S3-compatible bucket by
setting. Every test here runs on both (the bucket on moto's server, tests/ops/conftest.py)."""

import io
import os

import boto3
import pytest
from PIL import Image

from rally.extensions import db
from rally.storage import key_of, read_stored, storage, stored_names
from rally.stores.models import Store
from rally.stores.photos import PHOTO_FOLDER, save_photo
from rally.ugc.photos import UGC_FOLDER, save_ugc_photo, send_ugc_photo


def jpeg(size=(64, 48), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def test_save_read_exists_list_and_delete(app, backend):
    with app.app_context():
        uploads = storage()
        assert uploads.kind == backend
        key = key_of("stores", "a1b2c3.jpg")
        assert not uploads.exists(key)
        uploads.save(key, b"\xff\xd8 bytes", "image/jpeg")
        assert uploads.exists(key)
        assert uploads.read(key) == b"\xff\xd8 bytes"
        assert list(uploads.keys()) == ["stores/a1b2c3.jpg"]
        uploads.delete(key)
        uploads.delete(key)  # gone already: nothing to do
        assert not uploads.exists(key)
        assert list(uploads.keys()) == []
        with pytest.raises(FileNotFoundError):
            uploads.read(key)


@pytest.mark.parametrize(
    "name", ["../secret_key", ".hidden.jpg", "a/b.jpg", "", "..", "x" * 200 + ".jpg"]
)
def test_a_key_is_a_plain_name_in_a_folder(name):
    with pytest.raises(ValueError):
        key_of("stores", name)


def test_a_folder_is_one_word(app):
    for folder in ("../instance", "Stores", "st/ores", ""):
        with pytest.raises(ValueError):
            key_of(folder, "a.jpg")


def test_a_store_photo_is_served_with_its_caching_and_conditional(app, client, backend, make_store):
    store_id = make_store()
    data = jpeg()
    with app.app_context():
        name = save_photo(data)
        db.session.get(Store, store_id).photo_filename = name
        db.session.commit()
        assert stored_names(PHOTO_FOLDER) == [name]
    response = client.get(f"/stores/{store_id}/photo")
    assert response.status_code == 200
    assert response.data == data
    assert response.mimetype == "image/jpeg"
    assert response.cache_control.public and response.cache_control.max_age == 3600
    etag = response.headers["ETag"]
    response.close()
    again = client.get(f"/stores/{store_id}/photo", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    again.close()


def test_a_missing_upload_is_a_404(app, client, backend, make_store):
    store_id = make_store()
    with app.app_context():
        db.session.get(Store, store_id).photo_filename = "0" * 32 + ".jpg"
        db.session.commit()
    assert client.get(f"/stores/{store_id}/photo").status_code == 404


def test_a_circle_photo_stays_private_and_refused_is_404(app, backend):
    with app.app_context():
        stored = save_ugc_photo(jpeg((800, 600)))
        assert (stored.width, stored.height) == (800, 600)
        assert stored_names(UGC_FOLDER) == sorted([stored.name, stored.thumbnail])
        with app.test_request_context():
            response = send_ugc_photo(stored.name, allowed=True)
            assert response.cache_control.private and not response.cache_control.public
            assert response.cache_control.max_age == 300
            assert "Expires" not in response.headers
            body = b"".join(response.response)
            response.close()
            assert body == read_stored(UGC_FOLDER, stored.name)
            with pytest.raises(Exception) as refused:
                send_ugc_photo(stored.name, allowed=False)
            assert getattr(refused.value, "code", None) == 404


def test_on_s3_an_upload_is_an_object_and_nothing_is_written_locally(app, s3_server, tmp_path):
    from tests.ops.conftest import use_bucket

    bucket = use_bucket(app, s3_server)
    with app.app_context():
        name = save_photo(jpeg())
    objects = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1").list_objects_v2(
        Bucket=bucket
    )
    assert [item["Key"] for item in objects["Contents"]] == [f"stores/{name}"]
    assert not os.path.exists(tmp_path / "uploads")


def test_an_unknown_storage_setting_is_refused(app):
    app.config["RALLY_STORAGE"] = "ftp"
    with app.app_context(), pytest.raises(RuntimeError, match="RALLY_STORAGE"):
        storage()
    app.config.update(RALLY_STORAGE="s3", RALLY_S3_BUCKET="")
    with app.app_context(), pytest.raises(RuntimeError, match="RALLY_S3_BUCKET"):
        storage()
