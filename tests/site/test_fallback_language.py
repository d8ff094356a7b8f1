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


def test_a_name_written_only_in_korean_shows_to_a_japanese_reader(client, make_store):
    store_id = make_store(name={"ko": "미타카 책방"})
    html = client.get(f"/stores/{store_id}").get_data(as_text=True)
    assert '<h1><span lang="ko">미타카 책방</span></h1>' in html
    assert '<span lang="ko">미타카 책방</span>' in client.get("/stores").text  # in the list too


def test_a_long_text_in_another_language_says_which(client, make_store):
    """A description, an event's text, the rules: a short note names the language the
    reader gets instead of theirs, in that language's own name."""
    store_id = make_store(description={"zh_Hant": "百年老店。"})
    html = client.get(f"/stores/{store_id}").get_data(as_text=True)
    assert (
        '<p class="muted shown-in"><span lang="zh-Hant">繁體中文</span>で表示しています</p>' in html
    )
    assert '<span lang="zh-Hant">百年老店。</span>' in html
    english = client.get(f"/stores/{store_id}", headers=EN).get_data(as_text=True)
    assert 'Shown in <span lang="zh-Hant">繁體中文</span>' in english

    in_japanese = make_store(description={"ja": "百年続く店です。", "en": "A century-old shop."})
    assert "shown-in" not in client.get(f"/stores/{in_japanese}").text
    assert "shown-in" not in client.get(f"/stores/{in_japanese}", headers=EN).text


def test_an_event_in_japanese_only_says_so_on_the_english_page(client, make_event):
    event_id = make_event(body_ja="餅をつきます。", body_en="")
    html = client.get(f"/events/{event_id}", headers=EN).get_data(as_text=True)
    assert 'Shown in <span lang="ja">日本語</span>' in html
    assert "shown-in" not in client.get(f"/events/{event_id}").text
