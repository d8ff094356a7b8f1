"""Events on a phone: a resident registers for a full event and is waitlisted, moves up when
the seated resident cancels (and is e-mailed), then adds the event to the calendar."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from rally.cards.models import Card
from rally.extensions import db
from rally.mail import outbox
from rally.news.models import Event, EventMode
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser

LINK = "https://meet.example.jp/round-table"
TEXT = {
    "ja": {
        "register": "登録する",
        "waitlist": "キャンセル待ちに登録する",
        "cancel": "登録を取り消す",
        "waiting": "キャンセル待ちの 1 番目",
        "registered": "登録済みです。",
    },
    "en": {
        "register": "Register",
        "waitlist": "Join the waiting list",
        "cancel": "Cancel my registration",
        "waiting": "You are number 1 on the waiting list",
        "registered": "You are registered.",
    },
}


@pytest.fixture
def full_event(app):
    """An online event with one seat, and two residents with passwords."""
    with app.app_context():
        starts = utcnow() + timedelta(days=3)
        event = Event(
            title={"ja": "オンライン座談会", "en": "Online round table"},
            body={"ja": "まちの話をします。", "en": "We talk about the town."},
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            publish_at=utcnow() - timedelta(days=1),
            mode=EventMode.online,
            online_url=LINK,
            takes_registrations=True,
            capacity=1,
        )
        db.session.add(event)
        people = []
        for number, locale in ((1, "ja"), (2, "en")):
            visitor = Visitor(email=f"seat{number}@example.jp", locale=locale, verified_at=starts)
            visitor.set_password("long enough pw")
            db.session.add(visitor)
            db.session.flush()
            db.session.add(Card(locale=locale, visitor_id=visitor.id))  # an account has a card
            people.append(visitor.email)
        db.session.commit()
        return event.id, people


def _log_in(page, live_server, email):
    page.goto(live_server + "/me/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "long enough pw")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/me/login" not in page.url


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_waitlisted_promoted_and_added_to_the_calendar(app, browser, live_server, full_event, lang):
    event_id, (seated_email, waiting_email) = full_event
    text = TEXT[lang]
    locale = "ja-JP" if lang == "ja" else "en-US"
    url = f"{live_server}/events/{event_id}?lang={lang}"
    found = {}
    contexts = [
        browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=locale)
        for _ in range(2)
    ]
    try:
        seated, waiting = (context.new_page() for context in contexts)
        _log_in(seated, live_server, seated_email)
        seated.goto(url)
        seated.get_by_role("button", name=text["register"], exact=True).click()
        seated.wait_for_load_state()
        assert seated.get_by_test_id("online-link").inner_text() == LINK

        _log_in(waiting, live_server, waiting_email)
        waiting.goto(url)
        assert LINK not in waiting.content()
        waiting.get_by_role("button", name=text["waitlist"]).click()
        waiting.wait_for_load_state()
        assert text["waiting"] in waiting.get_by_test_id("registration-status").inner_text()
        assert LINK not in waiting.content()
        found["event (waiting)"] = violations(waiting)

        seated.get_by_role("button", name=text["cancel"]).click()
        seated.wait_for_load_state()

        waiting.goto(url)
        assert waiting.get_by_test_id("registration-status").inner_text() == text["registered"]
        assert waiting.get_by_test_id("online-link").inner_text() == LINK
        found["event (registered)"] = violations(waiting)
        with app.app_context():
            assert [mail["To"] for mail in outbox()] == [waiting_email]

        with waiting.expect_download() as download:
            waiting.get_by_test_id("event-ics").click()
        with open(download.value.path(), "rb") as handle:
            (item,) = Calendar.from_ical(handle.read()).walk("VEVENT")
        title = "オンライン座談会" if lang == "ja" else "Online round table"
        assert str(item["SUMMARY"]) == title
        assert LINK in str(item["DESCRIPTION"])
    finally:
        for context in contexts:
            context.close()
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_association_pages_of_an_event_have_no_serious_accessibility_violation(
    app, browser, live_server, full_event, make_user
):
    from rally.auth.models import Role

    from .conftest import log_in

    event_id, _ = full_event
    admin = make_user(role=Role.admin)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ja-JP")
    found = {}
    try:
        page = context.new_page()
        log_in(page, live_server, admin.email, "correct horse battery")
        for name in ("registrations", "attendance-code"):
            page.goto(f"{live_server}/manage/events/{event_id}/{name}")
            found[name] = violations(page)
        page.goto(f"{live_server}/manage/events/{event_id}/edit")
        found["edit"] = violations(page)
        assert page.get_by_label("参加用リンク(登録した住民にのみ表示)").input_value() == LINK
    finally:
        context.close()
    assert {name: problems for name, problems in found.items() if problems} == {}
