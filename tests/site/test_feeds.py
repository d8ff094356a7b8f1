"""Atom feeds of the district and of each store: valid XML, escaped content, languages."""

import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def test_district_feed_is_valid_atom(client, make_news):
    make_news(title_en="Market day", body_en="Come along")
    root = feed(client, "/feed.atom?lang=en")
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Market day"
    assert entry.findtext(f"{ATOM}content") == "Come along"
    assert entry.find(f"{ATOM}link").get("href").startswith("http://rally.test/news/")
    assert entry.findtext(f"{ATOM}updated").endswith("Z")


def test_feed_escapes_markup_and_drops_forbidden_characters(client, make_news):
    nasty = 'Fish & <chips> "quoted" \x07\x1b end'
    make_news(title_en=nasty, body_en="<script>alert(1)</script> & more")
    response = client.get("/feed.atom?lang=en")
    assert b"<script>" not in response.data and b"<chips>" not in response.data
    entry = ET.fromstring(response.data).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == 'Fish & <chips> "quoted"  end'
    assert entry.findtext(f"{ATOM}content") == "<script>alert(1)</script> & more"


def test_feed_language_follows_the_parameter(client, make_news):
    make_news(title_ja="市の日", title_en="Market day")
    root = feed(client, "/feed.atom?lang=ja")
    assert root.find(f"{ATOM}entry").findtext(f"{ATOM}title") == "市の日"
    assert "三鷹" in root.findtext(f"{ATOM}title")
    root = feed(client, "/feed.atom?lang=en")
    assert root.findtext(f"{ATOM}title").startswith("News of")


def test_feed_leaves_out_scheduled_and_expired_news(client, make_news):
    make_news(title_en="Later", publish=1)
    make_news(title_en="Gone", publish=-3, expires=-1)
    assert feed(client, "/feed.atom?lang=en").findall(f"{ATOM}entry") == []


def test_store_feed_holds_only_that_store(client, make_store, make_news):
    mine, other = make_store(name_en="Tea House"), make_store()
    make_news(store_id=mine, title_en="Tea news")
    make_news(store_id=other, title_en="Other news")
    make_news(title_en="District news")
    root = feed(client, f"/stores/{mine}/feed.atom?lang=en")
    titles = [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]
    assert titles == ["Tea news"]
    assert root.find(f"{ATOM}entry/{ATOM}author").findtext(f"{ATOM}name") == "Tea House"
    assert "Tea House" in root.findtext(f"{ATOM}title")


def test_store_feed_of_unapproved_store_is_not_found(client, make_store):
    from rally.stores.models import StoreStatus

    assert (
        client.get(f"/stores/{make_store(status=StoreStatus.pending)}/feed.atom").status_code == 404
    )


def test_pages_announce_their_feed(client, make_store):
    assert 'type="application/atom+xml"' in client.get("/").get_data(as_text=True)
    store_page = client.get(f"/stores/{make_store()}").get_data(as_text=True)
    assert 'type="application/atom+xml"' in store_page


def test_control_characters_typed_in_a_form_are_dropped(app, client, make_user, auth):
    from rally.auth.models import Role
    from rally.extensions import db
    from rally.news.models import NewsPost

    auth.login(make_user(role=Role.admin))
    response = client.post(
        "/manage/news/new", data={"store_id": 0, "title-en": "Bell\x00\x07 rings"}
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.query(NewsPost).one().title.get("en", "") == "Bell rings"
    entry = feed(client, "/feed.atom?lang=en").find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Bell rings"


def test_district_feed_announces_upcoming_events(client, make_event, make_news):
    make_event(title_en="Lantern walk", place_en="Aqueduct", publish=-1)
    make_event(title_en="Old walk", starts=-5, publish=-10)
    make_news(title_en="Notice", publish=-2)
    entries = feed(client, "/feed.atom?lang=en").findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Lantern walk", "Notice"]
    assert "/events/" in entries[0].find(f"{ATOM}link").get("href")
    assert entries[0].findtext(f"{ATOM}content").startswith("Aqueduct")
