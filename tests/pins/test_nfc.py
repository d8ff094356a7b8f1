"""NFC tags: the NDEF bytes of the stamp URL and the staff page that explains them."""

from rally.campaigns.models import Checkpoint, QrMode
from rally.extensions import db
from rally.pins.operations import ndef_uri_message, nfc_tag_bytes
from rally.stamping.tokens import stamp_url


def test_https_url_is_a_short_uri_record_with_prefix_code_4():
    assert ndef_uri_message("https://rally.test/s/abc") == (
        bytes([0xD1, 0x01, 0x11, 0x55, 0x04]) + b"rally.test/s/abc"
    )


def test_http_url_uses_prefix_code_3():
    assert ndef_uri_message("http://a.jp/") == bytes([0xD1, 0x01, 0x06, 0x55, 0x03]) + b"a.jp/"


def test_long_url_becomes_a_normal_record_with_four_length_bytes():
    url = "https://" + "a" * 300
    message = ndef_uri_message(url)
    assert message[:7] == bytes([0xC1, 0x01, 0x00, 0x00, 0x01, 0x2D, 0x55])
    assert message[7] == 0x04 and message[8:] == b"a" * 300


def test_tag_bytes_are_the_url_without_scheme_plus_seven():
    url = "https://stamp.example.jp/s/WzEsMV0.abcdefghijklmnopqrstuvwxyz0"
    assert nfc_tag_bytes(url) == len(url) - len("https://") + 7


def test_owner_sees_the_nfc_page_with_the_stamp_url(app, client, owned_checkpoint, merchant, auth):
    _, checkpoints = owned_checkpoint()
    auth.login(merchant)
    response = client.get(f"/checkpoints/{checkpoints[0]}/nfc", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    with app.app_context():
        url = stamp_url(db.session.get(Checkpoint, checkpoints[0]))
    page = response.get_data(as_text=True)
    assert f'value="{url}"' in page
    assert 'data-testid="tag-NTAG213"' in page


def test_owner_downloads_the_ndef_message(app, client, owned_checkpoint, merchant, auth):
    _, checkpoints = owned_checkpoint()
    auth.login(merchant)
    response = client.get(f"/checkpoints/{checkpoints[0]}/stamp.ndef")
    assert response.status_code == 200
    assert response.mimetype == "application/octet-stream"
    assert "attachment" in response.headers["Content-Disposition"]
    with app.app_context():
        url = stamp_url(db.session.get(Checkpoint, checkpoints[0]))
    assert response.data == ndef_uri_message(url)


def test_admin_sees_any_nfc_page(client, owned_checkpoint, admin, auth):
    _, checkpoints = owned_checkpoint()
    auth.login(admin)
    assert client.get(f"/checkpoints/{checkpoints[1]}/nfc").status_code == 200


def test_another_merchant_gets_403(client, owned_checkpoint, merchant, auth):
    _, checkpoints = owned_checkpoint()
    auth.login(merchant)
    assert client.get(f"/checkpoints/{checkpoints[1]}/nfc").status_code == 403
    assert client.get(f"/checkpoints/{checkpoints[1]}/stamp.ndef").status_code == 403


def test_anonymous_is_sent_to_log_in(client, owned_checkpoint):
    _, checkpoints = owned_checkpoint()
    response = client.get(f"/checkpoints/{checkpoints[0]}/nfc")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_rotating_campaign_warns_and_offers_no_tag(client, owned_checkpoint, merchant, auth):
    _, checkpoints = owned_checkpoint(qr_mode=QrMode.rotating)
    auth.login(merchant)
    page = client.get(f"/checkpoints/{checkpoints[0]}/nfc").get_data(as_text=True)
    assert 'data-code="rotating_code_required"' in page
    assert "stamp.ndef" not in page
    assert client.get(f"/checkpoints/{checkpoints[0]}/stamp.ndef").status_code == 404
