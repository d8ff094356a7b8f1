"""QR images: a real decoder reads what the app prints, and the URL gives the stamp."""

import io
from urllib.parse import urlsplit

import zxingcpp
from PIL import Image

from rally.campaigns.models import Checkpoint
from rally.extensions import db
from rally.qr import qr_png
from rally.stamping.tokens import stamp_url


def decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def test_printed_png_decodes_to_stamp_url_that_stamps(app, client, make_campaign, make_user, auth):
    from rally.auth.models import Role

    campaign_id, checkpoints = make_campaign()
    admin = make_user(role=Role.admin)
    auth.login(admin.email)
    response = client.get(f"/checkpoints/{checkpoints[1]}/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"

    url = decode(response.data)
    assert url.startswith("http://rally.test/s/")

    visitor = app.test_client()
    scanned = visitor.get(urlsplit(url).path)
    assert scanned.status_code == 303
    card = visitor.get(scanned.headers["Location"], headers={"Accept-Language": "en"})
    html = card.get_data(as_text=True)
    assert "1 of 3 stamps collected" in html
    assert 'class="stamp collected highlight new"' in html


def test_svg_is_served_and_scales(app, client, make_campaign, make_user, auth):
    from rally.auth.models import Role

    _, checkpoints = make_campaign()
    admin = make_user(role=Role.admin)
    auth.login(admin.email)
    response = client.get(f"/checkpoints/{checkpoints[0]}/qr.svg")
    assert response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data and b"<path" in response.data


def test_qr_is_for_staff_only(app, client, make_campaign, make_user, auth):
    _, checkpoints = make_campaign()
    assert client.get(f"/checkpoints/{checkpoints[0]}/qr.png").status_code == 302  # log in
    other_merchant = make_user()
    auth.login(other_merchant.email)
    assert client.get(f"/checkpoints/{checkpoints[0]}/qr.png").status_code == 403


def test_store_owner_gets_own_qr(app, client, make_campaign, make_user, auth):
    _, checkpoints = make_campaign()
    owner = make_user()
    with app.app_context():
        db.session.get(Checkpoint, checkpoints[0]).store.owner_id = owner.id
        db.session.commit()
    auth.login(owner.email)
    assert client.get(f"/checkpoints/{checkpoints[0]}/qr.png").status_code == 200


def test_rotation_changes_the_printed_code(app, ctx, make_campaign):
    from rally.campaigns.lifecycle import rotate_checkpoint_key

    _, checkpoints = make_campaign()
    checkpoint = db.session.get(Checkpoint, checkpoints[0])
    before = decode(qr_png(stamp_url(checkpoint)))
    rotate_checkpoint_key(checkpoint)
    after = decode(qr_png(stamp_url(checkpoint)))
    assert before != after
