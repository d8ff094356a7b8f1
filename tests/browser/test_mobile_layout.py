"""Mobile first: on a small phone (360 x 740) no page is wider than the screen.

Visitor pages, the merchant's pages and the association's back office, over the demo
district, in Japanese and in English. A table that is naturally wide may scroll inside its
own wrapper (overflow-x: auto), never the page itself.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from rally.campaigns.models import Campaign, Checkpoint
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
from rally.news.models import Coupon, Event, NewsPost
from rally.stores.models import Store
from rally.utils import utcnow

from .conftest import log_in
from .test_merchant_profile import demo  # noqa: F401  (a fixture: the demo district)

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}  # narrower than conftest's PHONE (390)
# What merchants paste into their texts: long addresses and handles with no space to wrap at.
LONG_URL = "https://www.instagram.com/mitaka_ekimae_yaotatsu_official/?utm_source=stamp_rally"
HANDLE = "@mitaka_ekimae_shotengai_official_account"

# The elements that stick out to the right of the screen, or whose text does, and are
# not scrolled or clipped by an ancestor; of nested offenders only the outermost one.
OVERFLOWING = """(limit) => {
  const contained = (node) => {
    for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const right = (node) => {
    if (node.nodeType === Node.ELEMENT_NODE) return node.getBoundingClientRect().right;
    const range = document.createRange();
    range.selectNodeContents(node);
    return range.getBoundingClientRect().right;
  };
  const describe = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/) : [];
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + classes.filter(Boolean).map((c) => "." + c).join("");
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return `${name} (right ${Math.round(right(el))}px) "${text}"`;
  };
  const found = new Set();
  const shown = NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT;
  const walker = document.createTreeWalker(document.body, shown);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeName === "BR" || right(node) <= limit || contained(node)) continue;
    const el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    const parent = node === el ? el.parentElement : null;
    if (parent && parent !== document.body && right(parent) > limit) continue;
    found.add(el);
  }
  return [...found].slice(0, 5).map(describe);
}"""


@pytest.fixture
def district(app, demo, stamp_path):  # noqa: F811  (the imported fixture)
    """The demo district, one stamped card, one open fraud flag; the paths to visit."""
    with app.app_context():
        campaign = db.session.scalar(
            select(Campaign).where(Campaign.title["ja"].as_string() == CAMPAIGN_TITLE_JA)
        )
        merchant_store = db.session.scalar(
            select(Store).where(Store.owner.has(email=MERCHANT_EMAIL))
        )
        checkpoint = db.session.scalar(
            select(Checkpoint).where(
                Checkpoint.campaign_id == campaign.id, Checkpoint.store_id == merchant_store.id
            )
        )
        campaign_id, store_id, checkpoint_id = campaign.id, merchant_store.id, checkpoint.id
        merchant_store.website = LONG_URL
        merchant_store.description["ja"] += f"\n詳しくは {LONG_URL}"
        merchant_store.description["en"] += f"\nMore at {LONG_URL}"
        campaign.rules["ja"] += f"\nお問い合わせ: {LONG_URL}"
        campaign.rules["en"] += f"\nQuestions: {LONG_URL}"
        now = utcnow()
        db.session.add_all([
            NewsPost(title={"ja": f"フォローしてね {HANDLE}", "en": f"Follow us: {HANDLE}"},
                     publish_at=now - timedelta(minutes=1)),
            Event(title={"ja": f"写真展 {HANDLE}", "en": f"Photo show {HANDLE}"},
                  place={"ja": LONG_URL, "en": LONG_URL}, publish_at=now - timedelta(minutes=1),
                  starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2)),
            Coupon(store_id=store_id,
                   title={"ja": f"{HANDLE} をフォローで10%引き",
                          "en": f"10% off for following {HANDLE}"},
                   terms={"ja": LONG_URL, "en": LONG_URL}, publish_at=now - timedelta(minutes=1),
                   expires_at=now + timedelta(days=5)),
        ])  # fmt: skip
        db.session.commit()
    # A shopper's scan, so the dashboard has figures and the flag a card.
    app.test_client().get(stamp_path(checkpoint_id))
    with app.app_context():
        card_id = db.session.scalar(select(Card.id).order_by(Card.id.desc()))
        db.session.add(
            FraudFlag(
                card_id=card_id,
                campaign_id=campaign_id,
                kind="impossible_travel",
                detail={"metres": 12345, "seconds": 42},
            )
        )
        db.session.commit()
    return {
        "visitor": {
            "home": "/",
            "directory": "/stores",
            "store": f"/stores/{store_id}",
            "map": "/map",
            "news": "/news",
            "events": "/events",
            "campaign": f"/campaigns/{campaign_id}",
            "card after a scan": stamp_path(checkpoint_id),
            "pin": f"/card/{campaign_id}/pin",
        },
        "merchant": {
            "merchant home": "/merchant/",
            "store edit": f"/merchant/stores/{store_id}/edit",
            "counter tablet": f"/checkpoints/{checkpoint_id}/tablet",
        },
        "association": {
            "back office": "/admin/",
            "store list": "/admin/stores",
            "campaign edit": f"/admin/campaigns/{campaign_id}/edit",
            "dashboard": "/manage/dashboard/",
            "fraud flags": "/manage/flags/",
        },
    }


@pytest.fixture(params=["ja", "en"])
def lang(request):
    return request.param


@pytest.fixture
def small_phone(browser, lang):
    """Like the ``phone`` fixture, on a narrower screen, in Japanese or in English."""
    locale = "ja-JP" if lang == "ja" else "en-US"
    context = browser.new_context(
        viewport=SMALL_PHONE, is_mobile=True, has_touch=True, locale=locale
    )
    yield context.new_page()
    context.close()


def overflows(page, live_server, lang, paths):
    """Each page that is wider than the screen, with the elements that stick out."""
    found = {}
    for name, path in paths.items():
        response = page.goto(live_server + path)
        assert response.status == 200, name
        assert page.locator("html").get_attribute("lang") == lang, name
        # Not window.innerWidth: a phone zooms out to show a page that is too wide, and
        # innerWidth grows with it; the screen's width in CSS pixels stays put.
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > SMALL_PHONE["width"] + 1:
            culprits = page.evaluate(OVERFLOWING, SMALL_PHONE["width"] + 1)
            found[name] = f"{path} is {width}px wide: {culprits}"
    return found


def report(found):
    return "pages wider than a 360px phone:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())


def test_visitor_pages_fit_a_small_phone(live_server, small_phone, lang, district):
    found = overflows(small_phone, live_server, lang, district["visitor"])
    assert not found, report(found)


@pytest.mark.parametrize(
    "role, email, password",
    [("merchant", MERCHANT_EMAIL, MERCHANT_PASSWORD), ("association", ADMIN_EMAIL, ADMIN_PASSWORD)],
)
def test_staff_pages_fit_a_small_phone(
    live_server, small_phone, lang, district, role, email, password
):
    log_in(small_phone, live_server, email, password)
    found = overflows(small_phone, live_server, lang, district[role])
    assert not found, report(found)
