"""The campaign landing page: rules, rewards, shops, dates, sharing, link previews."""

import re
from urllib.parse import parse_qs, urlsplit

from rally.campaigns.models import CampaignState
from rally.extensions import db
from rally.stores.models import StoreStatus


def meta(html, prop):
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)">', html)
    return match and match.group(1)


def test_landing_shows_rules_rewards_shops_and_dates(client, make_campaign):
    campaign_id, _ = make_campaign(stores=2, rules_en="Scan at the counter.", tiers=(2, 5))
    html = client.get(f"/campaigns/{campaign_id}?lang=en").get_data(as_text=True)
    assert "<h1>Year-End Stamp Rally</h1>" in html
    assert "Scan at the counter." in html
    assert "Prize 2" in html and "Prize 5" in html
    assert "2 participating shops" in html
    assert "Running now" in html
    assert f'href="/card/{campaign_id}"' in html


def test_suspended_shops_are_not_listed(app, client, make_campaign):
    campaign_id, checkpoints = make_campaign(stores=2)
    with app.app_context():
        from rally.campaigns.models import Checkpoint

        store = db.session.get(Checkpoint, checkpoints[0]).store
        store.status = StoreStatus.suspended
        name = store.name.get("en", "")
        db.session.commit()
    html = client.get(f"/campaigns/{campaign_id}?lang=en").get_data(as_text=True)
    assert name not in html
    assert "1 participating shop" in html


def test_draft_campaign_has_no_landing_page(client, make_campaign):
    campaign_id, _ = make_campaign(state=CampaignState.draft)
    assert client.get(f"/campaigns/{campaign_id}").status_code == 404


def test_open_graph_tags_in_japanese(client, make_campaign):
    campaign_id, _ = make_campaign(rules_ja="店頭でQRを読み取ってください。")
    html = client.get(f"/campaigns/{campaign_id}?lang=ja").get_data(as_text=True)
    assert meta(html, "og:title") == "歳末スタンプラリー"
    assert meta(html, "og:locale") == "ja_JP"
    assert meta(html, "og:locale:alternate") == "en_US"
    assert meta(html, "og:url") == f"http://rally.test/campaigns/{campaign_id}?lang=ja"
    assert meta(html, "og:description") == "店頭でQRを読み取ってください。"
    assert meta(html, "og:type") == "website"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "og:image") == f"http://rally.test/og/campaign/{campaign_id}.png?lang=ja"
    assert '<html lang="ja">' in html


def test_open_graph_tags_in_english(client, make_campaign):
    campaign_id, _ = make_campaign()
    html = client.get(f"/campaigns/{campaign_id}?lang=en").get_data(as_text=True)
    assert meta(html, "og:title") == "Year-End Stamp Rally"
    assert meta(html, "og:locale") == "en_US"
    assert meta(html, "og:url") == f"http://rally.test/campaigns/{campaign_id}?lang=en"
    assert "digital stamp rally" in meta(html, "og:description")
    assert '<html lang="en">' in html
    assert f'hreflang="ja" href="http://rally.test/campaigns/{campaign_id}?lang=ja"' in html


def test_share_links_carry_the_page_in_its_language(client, make_campaign):
    campaign_id, _ = make_campaign()
    html = client.get(f"/campaigns/{campaign_id}?lang=en").get_data(as_text=True)
    line = re.search(r'data-testid="share-line"[^>]*href="([^"]+)"', html).group(1)
    x = re.search(r'data-testid="share-x"[^>]*href="([^"]+)"', html).group(1).replace("&amp;", "&")
    page = f"http://rally.test/campaigns/{campaign_id}?lang=en"
    assert line.startswith("https://social-plugins.line.me/lineit/share?")
    assert parse_qs(urlsplit(line).query)["url"] == [page]
    assert urlsplit(x).netloc == "x.com"
    query = parse_qs(urlsplit(x).query)
    assert query["url"] == [page]
    assert "Year-End Stamp Rally" in query["text"][0]


def test_the_shared_links_language_wins_and_leaves_the_visitors_choice(client, make_campaign):
    campaign_id, _ = make_campaign()
    client.get("/lang/ja")
    html = client.get(f"/campaigns/{campaign_id}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Year-End Stamp Rally" in html
    # The visitor's own choice is untouched: the same page without ?lang= is Japanese.
    html = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert '<html lang="ja">' in html
