"""Content shown in the other language (nothing written in the page's) is marked with its
language, so that screen readers read a Japanese shop name with a Japanese voice."""

EN = {"Accept-Language": "en"}


def test_store_page_marks_a_japanese_only_name_on_the_english_page(client, make_store):
    only_japanese = make_store(name_ja="下連雀<ブックス>", name_en="")
    html = client.get(f"/stores/{only_japanese}", headers=EN).get_data(as_text=True)
    assert '<h1><span lang="ja">下連雀&lt;ブックス&gt;</span></h1>' in html
    japanese = client.get(f"/stores/{only_japanese}").get_data(as_text=True)
    assert "<h1>下連雀&lt;ブックス&gt;</h1>" in japanese  # the page's own language: unmarked

    both = make_store(name_ja="三鷹書店", name_en="Mitaka Books")
    assert "<h1>Mitaka Books</h1>" in client.get(f"/stores/{both}", headers=EN).text


def test_japanese_page_marks_an_english_only_name(client, make_store):
    only_english = make_store(name_ja="", name_en="Rent-a-Cycle")
    html = client.get(f"/stores/{only_english}").get_data(as_text=True)
    assert '<h1><span lang="en">Rent-a-Cycle</span></h1>' in html


def test_card_marks_places_named_in_japanese_only(app, client, make_campaign, stamp_path):
    from rally.campaigns.models import Checkpoint
    from rally.extensions import db

    campaign_id, checkpoints = make_campaign(stores=2)
    with app.app_context():
        store = db.session.get(Checkpoint, checkpoints[0]).store
        store.name = {"ja": "井の頭商店", "en": ""}
        db.session.commit()
    html = client.get(f"/card/{campaign_id}", headers=EN).get_data(as_text=True)
    assert '<strong><span lang="ja">井の頭商店</span></strong>' in html
    assert "<strong>Test Shop" in html  # the other place has an English name
    response = client.get(stamp_path(checkpoints[0]))
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert 'Stamp collected at <span lang="ja">井の頭商店</span>!' in page
