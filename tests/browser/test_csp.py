"""Pages work under the Content-Security-Policy: what moved out of the templates into
static files (confirmations, select-on-focus, the figures' bars) still works, the scripts
that use the camera and the location run, and files opened directly render. Every test of
this folder fails on a policy violation (conftest.py); the first test checks that it does."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from rally.auth.models import Role
from rally.campaigns.models import Campaign, Checkpoint
from rally.cards.models import Stamp
from rally.extensions import db
from rally.spots.models import Spot, SpotKind

from .conftest import CSP_VIOLATIONS, log_in

pytestmark = pytest.mark.browser

PASSWORD = "csp test password 1"


def test_a_violation_is_reported(app, live_server, browser):
    page_html = (
        '<!doctype html><html lang="en"><title>t</title><p style="color: red">inline</p>'
        "<script>document.title = 'ran';</script>"
        '<img alt="" src="https://elsewhere.example.test/pixel.png">'
    )
    app.add_url_rule("/test-only/inline", "test_inline", lambda: page_html)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(live_server + "/test-only/inline")
        page.wait_for_function("document.readyState === 'complete'")
        assert page.title() == "t"  # the inline script did not run
        found = "\n".join(CSP_VIOLATIONS)
        assert "style-src-attr" in found
        assert "script-src-elem" in found
        assert "elsewhere.example.test" in found
    finally:
        context.close()
        CSP_VIOLATIONS.clear()  # expected here: the teardown check is for real pages


def test_deleting_a_spot_asks_first(app, live_server, browser, make_user):
    admin = make_user(role=Role.admin, password=PASSWORD)
    with app.app_context():
        db.session.add(Spot(kind=SpotKind.shrine, name={"ja": "稲荷神社", "en": "Inari Shrine"}))
        db.session.commit()
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        log_in(page, live_server, admin.email, PASSWORD, next_path="/manage/spots")
        questions = []

        def answer(dialog, accept):
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", lambda dialog: answer(dialog, False))
        page.get_by_role("button", name="Delete").click()
        assert questions == ["Delete “Inari Shrine”? This cannot be undone."]
        assert page.get_by_text("Inari Shrine").is_visible()

        page.once("dialog", lambda dialog: answer(dialog, True))
        page.get_by_role("button", name="Delete").click()
        page.wait_for_load_state()
        assert page.get_by_text("No place listed yet.").is_visible()
        with app.app_context():
            assert db.session.scalar(select(Spot)) is None
    finally:
        context.close()


def test_the_invitation_link_is_selected_on_focus(app, live_server, browser, make_user):
    admin = make_user(role=Role.admin, password=PASSWORD)
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        log_in(page, live_server, admin.email, PASSWORD, next_path="/auth/invitations")
        page.get_by_label("E-mail address").fill("new.shop@example.jp")
        page.get_by_role("button", name="Create the invitation link").click()
        link = page.get_by_label("Invitation link")
        page.wait_for_load_state("load")  # forms.js (deferred) listens from here on
        link.focus()
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.selectionEnd > 0"
        )
        selected = link.evaluate("el => el.value.slice(el.selectionStart, el.selectionEnd)")
        assert selected == link.input_value() and "/auth/invitations/" in selected
    finally:
        context.close()


def test_the_figures_bars_are_drawn_to_scale(app, live_server, browser, make_campaign, make_user):
    merchant = make_user(password=PASSWORD)
    _, checkpoints = make_campaign()
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoints[0])
        checkpoint.store.owner_id = merchant.id
        db.session.commit()
    # Three visitors today, then one of the stamps moves to yesterday: bars of 2 and 1.
    from rally.stamping.tokens import checkpoint_token

    with app.app_context():
        path = "/s/" + checkpoint_token(db.session.get(Checkpoint, checkpoints[0]))
    for _ in range(3):
        assert app.test_client().get(path).status_code == 303
    with app.app_context():
        stamp = db.session.scalars(select(Stamp)).first()
        stamp.created_at -= timedelta(days=1)
        db.session.commit()

    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        log_in(page, live_server, merchant.email, PASSWORD, next_path="/merchant/figures")
        widths = page.locator(".figure-track").evaluate_all(
            "svgs => svgs.map(svg => [svg.querySelector('rect').getBoundingClientRect().width,"
            " svg.getBoundingClientRect().width])"
        )
        assert len(widths) == 2
        (today, track), (yesterday, _) = widths
        assert track > 50
        assert today == pytest.approx(track, abs=1)
        assert yesterday == pytest.approx(track / 2, abs=1)
    finally:
        context.close()


def test_the_location_is_shared_from_the_static_script(app, live_server, browser, make_campaign):
    campaign_id, checkpoints = make_campaign()
    with app.app_context():
        db.session.get(Campaign, campaign_id).geofence_m = 50
        store = db.session.get(Checkpoint, checkpoints[0]).store
        store.latitude, store.longitude = 35.7027, 139.5606
        db.session.commit()
    from rally.stamping.tokens import checkpoint_token

    with app.app_context():
        path = "/s/" + checkpoint_token(db.session.get(Checkpoint, checkpoints[0]))
    context = browser.new_context(
        locale="en-US",
        geolocation={"latitude": 35.70272, "longitude": 139.56062, "accuracy": 10},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        page.goto(live_server + path)
        page.get_by_role("button", name="Share my location and collect the stamp").click()
        page.wait_for_url(f"**/card/{campaign_id}?new={checkpoints[0]}")
        with app.app_context():
            assert db.session.scalar(select(Stamp.checkpoint_id)) == checkpoints[0]
    finally:
        context.close()


# Linux Chromium has no BarcodeDetector and the test machine no camera: a canvas stands in
# for the camera and a detector that "reads" the code once the video plays.
FAKE_CAMERA = """
window.BarcodeDetector = function () {};
window.BarcodeDetector.prototype.detect = function (video) {
  var playing = video.srcObject && video.readyState >= 2;
  return Promise.resolve(playing ? [{ rawValue: %s }] : []);
};
navigator.mediaDevices.getUserMedia = function () {
  var canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  canvas.getContext("2d").fillRect(0, 0, 64, 64);
  return Promise.resolve(canvas.captureStream(5));
};
"""


def test_the_counter_reads_the_code_with_the_camera(
    app, live_server, browser, make_campaign, make_user, stamp_path
):
    campaign_id, checkpoints = make_campaign(tiers=(2,))
    staff_user = make_user(role=Role.admin, password=PASSWORD)
    visitor = browser.new_context(locale="en-US")
    counter = browser.new_context(locale="en-US")
    try:
        phone = visitor.new_page()
        phone.goto(live_server + stamp_path(checkpoints[0]))
        phone.goto(live_server + stamp_path(checkpoints[1]))
        phone.get_by_role("button", name="Claim this reward").click()
        code = phone.get_by_test_id("redemption-code").inner_text().strip()

        counter.add_init_script(FAKE_CAMERA % repr(code))
        staff = counter.new_page()
        log_in(staff, live_server, staff_user.email, PASSWORD, next_path="/staff/redeem")
        staff.get_by_role("button", name="Scan with the camera").click()
        staff.wait_for_url("**/staff/redeem?code=*")
        assert "Hand over: Prize 2" in staff.get_by_test_id("claim-details").inner_text()
    finally:
        visitor.close()
        counter.close()


def test_files_opened_directly_render(app, live_server, browser, make_campaign, make_user):
    _, checkpoints = make_campaign()
    admin = make_user(role=Role.admin, password=PASSWORD)
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        log_in(page, live_server, admin.email, PASSWORD, next_path="/admin/")
        response = page.goto(f"{live_server}/checkpoints/{checkpoints[0]}/qr.svg")
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert page.evaluate("document.documentElement.localName") == "svg"
        box = page.locator("svg path").bounding_box()
        assert box and box["width"] > 50

        response = page.goto(f"{live_server}/feed.atom")
        assert response.headers["content-type"].startswith("application/atom+xml")
        page.wait_for_load_state()
    finally:
        context.close()
