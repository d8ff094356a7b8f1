"""A purchase at the register: staff enter the amount, the visitor's phone scans the QR."""

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from rally.auth.models import Role
from rally.campaigns.models import CampaignKind, Checkpoint
from rally.extensions import db

pytestmark = pytest.mark.browser


def test_purchase_of_2000_yen_gives_two_stamps(
    app, live_server, browser, phone, make_campaign, make_user
):
    campaign_id, checkpoints = make_campaign(
        stores=2, kind=CampaignKind.purchase, yen_per_stamp=1000, max_stamps_per_purchase=2
    )
    merchant = make_user(role=Role.merchant, password="register password 1")
    with app.app_context():
        db.session.get(Checkpoint, checkpoints[0]).store.owner_id = merchant.id
        db.session.commit()

    counter = browser.new_context(locale="en-US")
    staff = counter.new_page()
    staff.goto(f"{live_server}/auth/login?next=/posters/")
    staff.get_by_label("E-mail address").fill(merchant.email)
    staff.get_by_label("Password").fill("register password 1")
    staff.get_by_role("button", name="Log in").click()
    staff.get_by_role("link", name="Register page").click()
    assert staff.url == f"{live_server}/register/{checkpoints[0]}"

    staff.get_by_label("Amount of the purchase (yen)").fill("2000")
    # register.js is deferred: expect() waits until it has worked out the typed amount.
    expect(staff.locator("#amount-earns")).to_have_text("This amount earns 2 stamps.")
    staff.get_by_role("button", name="Show the QR code").click()
    assert "¥2,000 earns 2 stamps." in staff.get_by_test_id("purchase-qr").inner_text()
    url = staff.get_by_test_id("purchase-url").get_attribute("href")
    assert url.startswith(f"{live_server}/p/")
    # The code on the screen is what a phone's camera reads.
    shot = staff.get_by_test_id("purchase-qr").locator("img").screenshot()
    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert result.text == url

    phone.goto(url)
    assert phone.url == f"{live_server}/card/{campaign_id}?new={checkpoints[0]}"
    assert phone.get_by_test_id("stamp-collected").count() == 1
    assert "×2" in phone.get_by_test_id("stamp-collected").inner_text()

    # The same code a second time gives nothing more.
    phone.goto(url)
    assert phone.locator("[data-code=code_used]").count() == 1
    counter.close()
