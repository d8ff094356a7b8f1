"""The public reads: each resource's list, item, filters, paging and language; ETags and
CORS; what is hidden on the site is never served."""

from datetime import timedelta

import pytest

from rally.areas.models import Area
from rally.campaigns.models import CampaignState, Checkpoint, RewardTier
from rally.circles.models import Circle, CircleKind, CircleStatus
from rally.extensions import db
from rally.lottery.models import Lottery
from rally.lottery.operations import create_lottery
from rally.stores.models import Category, StoreStatus
from rally.surveys.models import Audience, QuestionKind, Survey, SurveyQuestion
from rally.utils import utcnow


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


# --- Stores ---------------------------------------------------------------------------------


def test_stores_lists_approved_stores_only(client, make_store):
    shown = make_store(name_ja="八百辰", name_en="Yaotatsu", tax_free=True, phone="0422-00-0000")
    pending = make_store(status=StoreStatus.pending)
    suspended = make_store(status=StoreStatus.suspended)

    assert ids(client.get("/api/v1/stores")) == [shown]
    store = client.get(f"/api/v1/stores/{shown}?lang=en").get_json()
    assert store["name"] == "Yaotatsu"
    assert store["tags"] == ["tax_free"]
    assert store["category"] == "buy" and store["category_label"] == "Buy"
    assert store["url"] == f"http://rally.test/stores/{shown}"
    assert store["photo_url"] is None
    for hidden in (pending, suspended, 999999):
        response = client.get(f"/api/v1/stores/{hidden}")
        assert response.status_code == 404
        assert response.get_json()["code"] == "not_found"


def test_stores_filter_by_category_tag_area_and_words(app, client, make_store):
    with app.app_context():
        area = Area(name={"ja": "中央通り"})
        db.session.add(area)
        db.session.commit()
        area_id = area.id
    cafe = make_store(category=Category.eat, name_en="Corner Cafe", wifi=True, area_id=area_id)
    bakery = make_store(category=Category.eat, name_en="Bakery", wifi=False)
    books = make_store(category=Category.buy, name_en="Books", wifi=True)

    assert set(ids(client.get("/api/v1/stores?category=eat"))) == {cafe, bakery}
    assert set(ids(client.get("/api/v1/stores?tag=wifi"))) == {cafe, books}
    assert ids(client.get("/api/v1/stores?category=eat&tag=wifi")) == [cafe]
    assert ids(client.get(f"/api/v1/stores?area={area_id}")) == [cafe]
    assert ids(client.get("/api/v1/stores?q=bakery")) == [bakery]
    assert ids(client.get("/api/v1/stores?q=bak%00ery")) == [bakery]  # PostgreSQL refuses NUL
    assert client.get("/api/v1/stores?category=fly").status_code == 400
    assert client.get("/api/v1/stores?tag=parking").status_code == 400


def test_paging_has_totals_links_and_limits(client, make_store):
    for _ in range(5):
        make_store()
    first = client.get("/api/v1/stores?per_page=2").get_json()
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, 5, 3)
    assert len(first["items"]) == 2
    assert first["links"]["prev"] is None
    assert "page=2" in first["links"]["next"] and "per_page=2" in first["links"]["next"]
    last = client.get("/api/v1/stores?per_page=2&page=3").get_json()
    assert len(last["items"]) == 1 and last["links"]["next"] is None
    assert "page=2" in last["links"]["prev"]
    seen = ids(client.get("/api/v1/stores?per_page=2&page=1"))
    seen += ids(client.get("/api/v1/stores?per_page=2&page=2")) + [i["id"] for i in last["items"]]
    assert len(set(seen)) == 5
    for refused in ("per_page=0", "per_page=101", "page=0", "page=x"):
        response = client.get(f"/api/v1/stores?{refused}")
        assert response.status_code == 400, refused
        assert response.get_json()["code"] == "invalid_argument"


# --- Languages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "name"),
    [
        ("ja", "八百辰"),
        ("en", "Yaotatsu"),
        ("ko", "야오타쓰"),
        ("zh_Hans", "Yaotatsu"),
        ("zh_Hant", "Yaotatsu"),
    ],
)
def test_texts_in_the_asked_language_with_the_site_fallback(client, make_store, lang, name):
    store_id = make_store(name_ja="八百辰", name_en="Yaotatsu", name_ko="야오타쓰")
    response = client.get(f"/api/v1/stores/{store_id}?lang={lang}")
    assert response.get_json()["name"] == name
    assert response.headers["Content-Language"] == lang.replace("_", "-")


def test_japanese_only_text_falls_back_to_japanese(client, make_store):
    store_id = make_store(name_ja="八百辰", name_en="")
    assert client.get(f"/api/v1/stores/{store_id}?lang=ko").get_json()["name"] == "八百辰"


def test_unknown_language_is_refused_with_the_documented_error(client, make_store):
    store_id = make_store()
    for url in ("/api/v1/stores?lang=fr", f"/api/v1/stores/{store_id}?lang=xx"):
        response = client.get(url)
        assert response.status_code == 400
        body = response.get_json()
        assert body["status"] == 400 and body["code"] == "invalid_argument"
        assert "lang" in body["errors"]["query"]
        assert body["message"]


def test_without_lang_accept_language_decides(client, make_store):
    store_id = make_store(name_ja="八百辰", name_en="Yaotatsu")
    response = client.get(f"/api/v1/stores/{store_id}", headers={"Accept-Language": "en"})
    assert response.get_json()["name"] == "Yaotatsu"
    assert "Accept-Language" in response.headers["Vary"]
    assert client.get(f"/api/v1/stores/{store_id}").get_json()["name"] == "八百辰"


def test_api_answers_set_no_cookie_and_do_not_vary_by_cookie(
    make_store, make_visitor, visitor_client
):
    """Shared caches may keep a public answer: it is the same whatever cookies come along."""
    store_id = make_store()
    client = visitor_client(make_visitor())  # a resident's browser, logged in on the site
    for path in ("/api/v1/stores", f"/api/v1/stores/{store_id}", "/api/v1/nothing"):
        response = client.get(path, headers={"Accept-Language": "en"})
        assert "Set-Cookie" not in response.headers, path
        assert "Cookie" not in response.headers.get("Vary", ""), path
    assert "Cookie" in client.get("/stores").headers["Vary"]  # the site's pages still do


# --- ETags and CORS -------------------------------------------------------------------------


def test_etag_answers_304_until_the_data_changes(app, client, make_store):
    store_id = make_store(name_en="Before")
    first = client.get(f"/api/v1/stores/{store_id}?lang=en")
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/stores/{store_id}?lang=en", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    other_language = client.get(
        f"/api/v1/stores/{store_id}?lang=ja", headers={"If-None-Match": etag}
    )
    assert other_language.status_code == 200
    listed = client.get("/api/v1/stores")
    assert (
        client.get("/api/v1/stores", headers={"If-None-Match": listed.headers["ETag"]}).status_code
        == 304
    )

    from rally.stores.models import Store

    with app.app_context():
        db.session.get(Store, store_id).name = {"en": "After"}
        db.session.commit()
    changed = client.get(f"/api/v1/stores/{store_id}?lang=en", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["name"] == "After"
    assert changed.headers["ETag"] != etag


@pytest.mark.parametrize(
    "path", ["stores", "spots", "events", "news", "campaigns", "lotteries", "survey-results"]
)
def test_cors_on_every_public_read(client, path):
    response = client.get(f"/api/v1/{path}", headers={"Origin": "https://city.example.jp"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        f"/api/v1/{path}",
        headers={
            "Origin": "https://city.example.jp",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "if-none-match" in preflight.headers["Access-Control-Allow-Headers"].lower()


def test_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


# --- Spots, events, news --------------------------------------------------------------------


def test_spots_published_only_and_filtered_by_kind(client, make_spot):
    from rally.spots.models import SpotKind

    park = make_spot(kind=SpotKind.park)
    shrine = make_spot(kind=SpotKind.shrine)
    hidden = make_spot(published=False)
    assert set(ids(client.get("/api/v1/spots"))) == {park, shrine}
    assert ids(client.get("/api/v1/spots?kind=shrine")) == [shrine]
    assert client.get(f"/api/v1/spots/{park}?lang=en").get_json()["name"] == "A park"
    assert client.get(f"/api/v1/spots/{hidden}").status_code == 404


def test_events_published_upcoming_and_by_dates(client, make_event):
    now = utcnow()
    soon = make_event(starts_in_days=2)
    later = make_event(starts_in_days=20)
    past = make_event(starts_in_days=-10)
    unpublished = make_event(publish_at=now + timedelta(days=1))
    expired = make_event(expires_at=now - timedelta(minutes=1), publish_at=now - timedelta(days=2))

    assert ids(client.get("/api/v1/events")) == [soon, later]
    day = (now - timedelta(days=11)).date().isoformat()
    assert ids(client.get(f"/api/v1/events?from={day}")) == [past, soon, later]
    until = (now + timedelta(days=5)).date().isoformat()
    assert ids(client.get(f"/api/v1/events?to={until}")) == [soon]
    event = client.get(f"/api/v1/events/{soon}?lang=en").get_json()
    assert event["title"] == "An event" and event["starts_at"].endswith("+00:00")
    assert client.get(f"/api/v1/events/{past}").status_code == 200  # its page stays readable
    for hidden in (unpublished, expired):
        assert client.get(f"/api/v1/events/{hidden}").status_code == 404
    assert client.get("/api/v1/events?from=yesterday").status_code == 400


def test_news_of_approved_stores_and_the_association_only(client, make_news, make_store):
    approved = make_store()
    pending = make_store(status=StoreStatus.pending)
    announcement = make_news()
    store_news = make_news(store_id=approved)
    hidden = make_news(store_id=pending)
    scheduled = make_news(publish_at=utcnow() + timedelta(days=1))

    assert set(ids(client.get("/api/v1/news"))) == {announcement, store_news}
    assert ids(client.get(f"/api/v1/news?store={approved}")) == [store_news]
    for item in (hidden, scheduled):
        assert client.get(f"/api/v1/news/{item}").status_code == 404


# --- Campaigns, lotteries, surveys ----------------------------------------------------------


def test_campaigns_with_checkpoints_and_tiers_but_never_drafts(
    app, client, make_campaign, make_store
):
    campaign_id, checkpoint_ids = make_campaign(stores=2, tiers=(2, 3))
    draft_id, _ = make_campaign(state=CampaignState.draft)
    pending = make_store(status=StoreStatus.pending)
    with app.app_context():
        db.session.add(Checkpoint(campaign_id=campaign_id, store_id=pending))
        db.session.commit()

    assert ids(client.get("/api/v1/campaigns")) == [campaign_id]
    campaign = client.get(f"/api/v1/campaigns/{campaign_id}?lang=en").get_json()
    assert campaign["title"] == "Year-End Stamp Rally"
    assert [c["id"] for c in campaign["checkpoints"]] == checkpoint_ids  # not the pending store's
    assert all(c["name"].startswith("Test Shop") for c in campaign["checkpoints"])
    assert [(t["threshold"], t["name"]) for t in campaign["tiers"]] == [
        (2, "Prize 2"),
        (3, "Prize 3"),
    ]
    assert client.get(f"/api/v1/campaigns/{draft_id}").status_code == 404


def _lottery(app, campaign_id) -> int:
    with app.app_context():
        tier = db.session.scalar(db.select(RewardTier).where(RewardTier.campaign_id == campaign_id))
        lottery = create_lottery(tier, winners_count=1)
        db.session.commit()
        return lottery.id


def test_lotteries_of_published_campaigns_only(app, client, make_campaign):
    campaign_id, _ = make_campaign()
    draft_id, _ = make_campaign(state=CampaignState.draft)
    published = _lottery(app, campaign_id)
    unpublished = _lottery(app, draft_id)

    assert ids(client.get("/api/v1/lotteries")) == [published]
    assert ids(client.get(f"/api/v1/lotteries?campaign={draft_id}")) == []
    lottery = client.get(f"/api/v1/lotteries/{published}").get_json()
    with app.app_context():
        commitment = db.session.get(Lottery, published).commitment
    assert lottery["commitment"] == commitment
    assert lottery["seed"] is None and lottery["winners"] == []  # not drawn: the seed is secret
    assert client.get(f"/api/v1/lotteries/{unpublished}").status_code == 404


def _survey(app, *, results_public=True, circle_id=None) -> int:
    now = utcnow()
    with app.app_context():
        survey = Survey(
            title={"ja": "商店街アンケート", "en": "District survey"},
            audience=Audience.circle if circle_id else Audience.everyone,
            circle_id=circle_id,
            results_public=results_public,
            opens_at=now - timedelta(days=2),
            closes_at=now + timedelta(days=2),
        )
        survey.questions = [
            SurveyQuestion(kind=QuestionKind.single, text={"en": "Which?"}, choices={"en": "A\nB"})
        ]
        db.session.add(survey)
        db.session.commit()
        return survey.id


def test_survey_results_only_when_public_and_never_a_members_only_circles(app, client):
    with app.app_context():
        circle = Circle(
            kind=CircleKind.members_only,
            status=CircleStatus.active,
            name={"ja": "内緒の会"},
            description={"ja": "秘密"},
            icon="🧸",
        )
        db.session.add(circle)
        db.session.commit()
        circle_id = circle.id
    public = _survey(app)
    private = _survey(app, results_public=False)
    members_only = _survey(app, circle_id=circle_id)

    assert ids(client.get("/api/v1/survey-results")) == [public]
    result = client.get(f"/api/v1/survey-results/{public}?lang=en").get_json()
    assert result["title"] == "District survey"
    assert [bar["label"] for bar in result["questions"][0]["bars"]] == ["A", "B"]
    for hidden in (private, members_only):
        assert client.get(f"/api/v1/survey-results/{hidden}").status_code == 404


@pytest.mark.parametrize("path", ["spots", "events", "news"])
def test_each_list_pages_and_speaks_the_asked_language(
    client, make_spot, make_event, make_news, path
):
    make = {"spots": make_spot, "events": make_event, "news": make_news}[path]
    made = [make() for _ in range(3)]
    first = client.get(f"/api/v1/{path}?per_page=2&lang=en").get_json()
    assert (first["total"], first["pages"], len(first["items"])) == (3, 2, 2)
    second = client.get(first["links"]["next"].replace("http://localhost", "")).get_json()
    assert {i["id"] for i in first["items"] + second["items"]} == set(made)
    text = "name" if path == "spots" else "title"
    assert {item[text] for item in first["items"]} <= {"A park", "An event", "News"}
    japanese = client.get(f"/api/v1/{path}/{made[0]}?lang=ja").get_json()
    assert japanese[text] not in ("A park", "An event", "News")


def test_a_write_to_a_read_is_a_json_405(app, client, make_store):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: no CSRF page in the way
    store_id = make_store()
    for method, path in (("put", "/api/v1/stores"), ("delete", f"/api/v1/stores/{store_id}")):
        response = getattr(client, method)(path)
        assert response.status_code == 405
        assert response.get_json()["code"] == "method_not_allowed"
        assert "GET" in response.headers["Allow"]
    assert client.delete("/api/v1/nothing").get_json()["code"] == "not_found"
    posted = client.post("/api/v1/stores", data={"name": "x"})  # no write either way
    assert posted.status_code == 405 and posted.mimetype == "application/json"
    assert posted.get_json()["code"] == "method_not_allowed" and "GET" in posted.headers["Allow"]
    site_page = client.post("/stores")  # the site's own pages keep their HTML answer
    assert site_page.status_code == 405 and site_page.mimetype == "text/html"
    assert ids(client.get("/api/v1/stores")) == [store_id]
