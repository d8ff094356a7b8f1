"""Accessibility of the back office: axe-core finds no serious or critical violation on any
page a merchant or the association reaches by following links from the page shown after
log-in, in Japanese and in English; and the association approves and suspends stores with
the keyboard alone, always seeing where the focus is."""

from collections import deque
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from rally.auth.models import User
from rally.auth.operations import create_invitation
from rally.campaigns.models import Campaign, CampaignState, Checkpoint, QrMode, RewardTier
from rally.cards.models import Card
from rally.demo import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    CAMPAIGN_TITLE_JA,
    MERCHANT_EMAIL,
    MERCHANT_PASSWORD,
)
from rally.extensions import db
from rally.fraud.models import FraudFlag
from rally.jobs.models import Delivery, DeliveryState
from rally.lottery.operations import create_lottery
from rally.news.models import Coupon, NewsPost
from rally.questionnaires.operations import save_answers
from rally.rewards.operations import claim_reward, redeem_claim, set_redemption_counters
from rally.stamping.operations import grant_stamp
from rally.stores.models import Store, StoreStatus
from rally.utils import utcnow

from .axe import violations
from .conftest import PHONE, log_in
from .test_merchant_profile import demo  # noqa: F401  (a fixture: the demo district)

pytestmark = pytest.mark.browser

# Where the back office lives (the blueprints' url_prefix, or their routes' first segment).
BACK_OFFICE = (
    "/admin/",
    "/manage/",
    "/merchant/",
    "/posters/",
    "/checkpoints/",
    "/register/",
    "/staff/",
    "/auth/invitations",
    "/auth/password",
)
# Files, not pages: skipped before asking for them (the content type catches the rest).
FILE_SUFFIXES = (".pdf", ".csv", ".png", ".svg", ".ndef", ".atom", ".json")
MAX_PAGES = 120
# Pages of one view differ by their object's state (a pending or a suspended store, a
# draft or a published campaign), rarely beyond a few: more would crowd out other views.
MAX_PER_VIEW = 3
MIN_PAGES = 15


@pytest.fixture
def district(app, demo):  # noqa: F811  (the imported fixture)
    """The demo district with something on every back-office page: a pending and a
    suspended store, a draft campaign, the merchant's own news and coupon, a claimed and
    a redeemed reward, a lottery, a fraud flag and an invitation."""
    now = utcnow()
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == ADMIN_EMAIL))
        merchant = db.session.scalar(select(User).where(User.email == MERCHANT_EMAIL))
        store = db.session.scalar(select(Store).where(Store.owner_id == merchant.id))
        campaign = db.session.scalar(
            select(Campaign).where(Campaign.title["ja"].as_string() == CAMPAIGN_TITLE_JA)
        )
        for name, status in (("審査待ち", StoreStatus.pending), ("休止中", StoreStatus.suspended)):
            db.session.add(
                Store(
                    name={"ja": f"{name}の店", "en": f"{status.value.title()} shop"},
                    category=store.category,
                    address={"ja": "東京都三鷹市下連雀9-9", "en": "9-9 Shimorenjaku, Mitaka"},
                    status=status,
                )
            )
        db.session.add(
            Campaign(
                title={"ja": "春の下書き", "en": "Spring draft"},
                starts_at=now + timedelta(days=60),
                ends_at=now + timedelta(days=90),
                state=CampaignState.draft,
            )
        )
        # A code on the counter's tablet instead of posters: the tablet page is linked.
        db.session.add(
            Campaign(
                title={"ja": "タブレットラリー", "en": "Tablet rally"},
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=30),
                state=CampaignState.published,
                qr_mode=QrMode.rotating,
                checkpoints=[Checkpoint(store_id=store.id)],
            )
        )
        db.session.add_all([
            NewsPost(store_id=store.id, title={"ja": "新米入荷", "en": "New rice is in"},
                     publish_at=now - timedelta(hours=1)),
            Coupon(store_id=store.id,
                   title={"ja": "みかん1袋100円引き", "en": "100 yen off oranges"},
                   terms={"ja": "お一人様1回", "en": "Once per person"},
                   publish_at=now - timedelta(hours=1), expires_at=now + timedelta(days=5)),
        ])  # fmt: skip
        checkpoints = db.session.scalars(
            select(Checkpoint)
            .where(Checkpoint.campaign_id == campaign.id, Checkpoint.store_id.is_not(None))
            .order_by(Checkpoint.id)
        ).all()
        tiers = sorted(campaign.tiers, key=lambda tier: tier.threshold)
        cards = [Card(), Card()]
        db.session.add_all(cards)
        db.session.flush()
        for card in cards:
            for index, checkpoint in enumerate(checkpoints[:3]):
                grant_stamp(card, checkpoint, now - timedelta(hours=3 - index), staff=merchant)
            save_answers(card, campaign, {q.id: "1" for q in campaign.questions}, now)
        claim_reward(cards[0], tiers[0], now)
        set_redemption_counters(campaign, {store.id})  # the merchant's shop hands prizes out
        redeem_claim(claim_reward(cards[1], tiers[0], now), merchant, now)
        create_lottery(db.session.get(RewardTier, tiers[1].id), winners_count=3)
        db.session.add(
            FraudFlag(card_id=cards[0].id, campaign_id=campaign.id, kind="impossible_travel",
                      detail={"metres": 12345, "seconds": 42})
        )  # fmt: skip
        create_invitation("newshop@example.jp", admin, now)
        db.session.add(
            Delivery(key="axe:1", channel="mail", state=DeliveryState.failed, attempts=4,
                     payload={"to": "hanako@example.jp", "subject": "S", "body": "B"},
                     last_error="ConnectionRefusedError: [Errno 111] Connection refused")
        )  # fmt: skip
        db.session.commit()


def is_back_office(path: str) -> bool:
    return path.startswith(BACK_OFFICE) and not path.endswith(FILE_SUFFIXES + ("/logout",))


def crawl(page, app, live_server, start, lang):
    """Visit back-office pages breadth-first from ``start``; axe's findings by path.

    A link whose path is already queued is not followed again for its query string (a
    filter, a page number, a language switch's return address), and a view is visited at
    most :data:`MAX_PER_VIEW` times. Returns ``(visited paths, {path: violations})``.
    """
    adapter = app.url_map.bind("127.0.0.1")
    queue, queued, per_view = deque([start]), {urlsplit(start).path}, {}
    visited, found = [], {}
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        answer = page.request.get(live_server + url)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue  # a download
        assert page.goto(live_server + url).status == 200, url
        assert page.locator("html").get_attribute("lang") == lang, url
        visited.append(url)
        problems = violations(page)
        if problems:
            found[url] = problems
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            link = urlsplit(href)
            if f"{link.scheme}://{link.netloc}" != live_server or not is_back_office(link.path):
                continue
            if link.path in queued:
                continue
            try:
                endpoint, args = adapter.match(link.path, method="GET")
            except HTTPException:  # a 404 or a POST-only route: no page to check
                continue
            # The view and its arguments other than ids (/manage/news and /manage/events).
            view = (endpoint, *(v for k, v in sorted(args.items()) if not isinstance(v, int)))
            if per_view.get(view, 0) >= MAX_PER_VIEW:
                continue
            per_view[view] = per_view.get(view, 0) + 1
            queued.add(link.path)
            queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return visited, found


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    "role, email, password",
    [("merchant", MERCHANT_EMAIL, MERCHANT_PASSWORD), ("association", ADMIN_EMAIL, ADMIN_PASSWORD)],
)
def test_back_office_pages_have_no_serious_accessibility_violation(
    browser, app, live_server, district, lang, role, email, password
):
    context = browser.new_context(viewport=PHONE, locale="ja-JP" if lang == "ja" else "en-US")
    page = context.new_page()
    try:
        start = log_in(page, live_server, email, password)
        visited, found = crawl(page, app, live_server, start, lang)
    finally:
        context.close()
    assert len(visited) >= MIN_PAGES, f"only {len(visited)} {role} pages reached: {visited}"
    assert not found, f"{len(found)} of {len(visited)} {role} pages:\n" + "\n".join(
        f"{path} -> {problems}" for path, problems in found.items()
    )


# The focused element, where it is, and whether a sighted keyboard user can see the focus.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const item = el.closest("[data-testid]");
  return {
    tag: el.tagName.toLowerCase(),
    name: el.getAttribute("name"),
    text: (el.innerText || el.value || "").trim(),
    item: item ? item.dataset.testid : null,
    visible: outline || style.boxShadow !== "none",
    outline: `${style.outlineStyle} ${style.outlineWidth}`,
    shadow: style.boxShadow,
  };
}"""


def tab_to(page, wanted, limit=80):
    """Press Tab until ``wanted(focused)``; every element on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["visible"], f"invisible focus on {page.url}: {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"never reached the wanted element on {page.url}")


def store_status(app, store_id):
    with app.app_context():
        return db.session.get(Store, store_id).status


def test_admin_approves_and_suspends_stores_with_the_keyboard(app, browser, live_server, district):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        page.goto(live_server + "/auth/login")
        tab_to(page, lambda f: f["name"] == "email")
        page.keyboard.type(ADMIN_EMAIL)
        page.keyboard.press("Tab")
        page.keyboard.type(ADMIN_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url("**/admin/")

        page.goto(live_server + "/admin/stores?status=pending")
        approve = tab_to(page, lambda f: f["text"] == "Approve")
        store_id = int(approve["item"].removeprefix("store-"))
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert "is approved" in page.locator(".flashes").inner_text()
        assert store_status(app, store_id) is StoreStatus.approved

        page.goto(live_server + "/admin/stores?status=approved")
        suspend = tab_to(page, lambda f: f["text"] == "Suspend…")
        store_id = int(suspend["item"].removeprefix("store-"))
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/admin/stores/{store_id}/suspend*")
        tab_to(page, lambda f: f["text"] == "Suspend the store")
        page.keyboard.press("Enter")
        page.wait_for_url("**/admin/stores*")
        assert "is suspended" in page.locator(".flashes").inner_text()
        assert store_status(app, store_id) is StoreStatus.suspended
    finally:
        context.close()


def test_counter_tablet_swaps_its_code_without_reloading(
    app, browser, live_server, district, monkeypatch
):
    """No meta refresh (axe's meta-refresh): the code changes in place, so the staff's
    opened PIN stays open and a screen reader keeps its place."""
    from rally.pins import views

    steps = iter(range(1000, 2000))
    monkeypatch.setattr(views, "time_step", lambda now: next(steps))
    monkeypatch.setattr(views, "seconds_left_in_step", lambda now: 1)
    with app.app_context():
        checkpoint_id = db.session.scalar(
            select(Checkpoint.id).where(Checkpoint.campaign.has(qr_mode=QrMode.rotating))
        )
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        log_in(page, live_server, MERCHANT_EMAIL, MERCHANT_PASSWORD)
        page.goto(live_server + f"/checkpoints/{checkpoint_id}/tablet")
        page.evaluate("window.sameDocument = true")
        page.locator(".tablet-pin summary").press("Enter")
        first = page.locator(".tablet-qr").get_attribute("data-url")
        page.wait_for_function(
            "url => document.querySelector('.tablet-qr').dataset.url !== url", arg=first
        )
        assert page.evaluate("window.sameDocument") is True
        assert page.locator(".tablet-pin").get_attribute("open") is not None
        assert violations(page) == []
    finally:
        context.close()
