"""Reactions on a phone: a member reacts to a post and takes it back without a reload (the
page keeps its state, the button says it is pressed), with no CSP violation and no serious
accessibility violation; a moderator's circle page with its pin controls passes axe too."""

import pytest

from rally.cards.models import Card
from rally.extensions import db
from rally.threads.models import Reaction
from rally.visitors.models import Visitor
from tests.threads import engagement_world
from tests.threads.engagement_world import reactions

from .axe import violations

pytestmark = pytest.mark.browser

make_visitor = engagement_world.make_visitor
make_circle = engagement_world.make_circle
add_member = engagement_world.add_member
make_post = engagement_world.make_post
world = engagement_world.world


def resident_log_in(page, live_server, visitor_id, app):
    with app.app_context():
        email = db.session.get(Visitor, visitor_id).email
        db.session.add(Card(visitor_id=visitor_id))  # an account's card opens on log-in
        db.session.commit()
    page.goto(live_server + "/me/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "long enough pw")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/me/login" not in page.url


def test_a_member_reacts_and_takes_it_back_without_a_reload(app, live_server, phone, world):
    page = phone
    resident_log_in(page, live_server, world["member"], app)
    page.goto(f"{live_server}/circles/{world['circle']}/threads/{world['thread']}")
    page.evaluate("window.stillTheSamePage = true")
    block = page.locator(f"#reactions-{world['thread']}")
    block.locator("summary").first.click()
    block.locator("button[value='👍']").click()
    pressed = page.locator(f"#reactions-{world['thread']} button[aria-pressed=true]")
    pressed.wait_for()
    assert pressed.inner_text().strip() == "👍 1"
    assert reactions(app) == [(world["thread"], world["member"], "👍")]
    assert violations(page) == []
    pressed.click()
    page.locator(f"#reactions-{world['thread']} button[aria-pressed=true]").wait_for(
        state="detached"
    )
    assert page.evaluate("window.stillTheSamePage") is True
    assert reactions(app) == []


def test_without_javascript_the_form_posts_and_comes_back_to_the_post(
    app, live_server, browser, world
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    resident_log_in(page, live_server, world["member"], app)
    page.goto(f"{live_server}/circles/{world['circle']}/threads/{world['thread']}")
    page.locator(f"#reactions-{world['thread']} summary").first.click()
    page.locator(f"#reactions-{world['thread']} button[value='🎉']").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"#post-{world['thread']}")
    assert page.locator(f"#reactions-{world['thread']} button[aria-pressed=true]").count() == 1
    with app.app_context():
        assert db.session.query(Reaction).count() == 1
    context.close()


def test_the_moderators_circle_page_with_pin_controls_passes_axe(app, live_server, phone, world):
    resident_log_in(phone, live_server, world["moderator"], app)
    phone.goto(f"{live_server}/circles/{world['circle']}")
    phone.locator(".pin-control summary").first.click()
    assert phone.locator(f"label[for=pin-until-{world['thread']}]").is_visible()
    assert violations(phone) == []
