"""A shopper collects every stamp on a phone, sees each stamp's seal and saves the badge."""

import pytest

pytestmark = pytest.mark.browser


def test_complete_card_shows_seals_and_saves_the_badge(
    live_server, phone, make_campaign, stamp_path, tmp_path
):
    campaign_id, checkpoints = make_campaign(stores=3)
    for checkpoint in checkpoints:
        phone.goto(live_server + stamp_path(checkpoint))

    images = phone.locator(".stamp-image")
    assert images.count() == 3
    images.last.scroll_into_view_if_needed()
    phone.wait_for_function(
        "[...document.querySelectorAll('.stamp-image')].every(i => i.complete && i.naturalWidth)"
    )
    # Decorative: the shop's name is the text beside the image, read once by screen readers.
    assert images.first.get_attribute("alt") == ""
    assert (
        phone.get_by_test_id("stamp-collected").first.inner_text().strip().startswith("テスト商店")
    )
    assert phone.get_by_test_id("stamp-collected").count() == 3
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    with phone.expect_download() as download:
        phone.get_by_test_id("save-badge").click()
    assert download.value.suggested_filename == f"rally-badge-{campaign_id}.png"
    saved = tmp_path / "badge.png"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"\x89PNG")
