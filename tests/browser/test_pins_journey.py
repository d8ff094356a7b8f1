"""A shopper whose camera fails collects a stamp with the PIN the shop tells them."""

import pytest

from rally.campaigns.models import Checkpoint
from rally.extensions import db
from rally.pins.operations import todays_pin
from rally.utils import utcnow

pytestmark = pytest.mark.browser


def test_pin_instead_of_the_camera(app, live_server, phone, make_campaign):
    campaign_id, checkpoints = make_campaign(stores=3)
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoints[1])
        pin, name = todays_pin(checkpoint, utcnow()), checkpoint.place.tr("name")
    phone.goto(f"{live_server}/card/{campaign_id}")
    phone.get_by_test_id("pin-link").click()
    phone.wait_for_load_state()
    assert phone.url == f"{live_server}/card/{campaign_id}/pin"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_label("場所").select_option(label=name)
    wrong = f"{(int(pin) + 1) % 10000:04d}"
    phone.get_by_label("PIN（4桁）").fill(wrong)
    phone.get_by_role("button", name="スタンプをもらう").click()
    phone.wait_for_load_state()
    assert phone.locator("form[data-code=wrong_pin]").count() == 1
    assert phone.get_by_label("PIN（4桁）").get_attribute("aria-invalid") == "true"

    phone.get_by_label("場所").select_option(label=name)
    phone.get_by_label("PIN（4桁）").fill(pin)
    phone.get_by_role("button", name="スタンプをもらう").click()
    phone.wait_for_load_state()
    assert phone.url == f"{live_server}/card/{campaign_id}?new={checkpoints[1]}"
    assert name in phone.get_by_test_id("scan-result").inner_text()
    assert phone.get_by_test_id("stamp-collected").count() == 1
