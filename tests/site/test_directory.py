"""The public store directory: filters, search in both languages, pagination, store pages."""

import re
from datetime import time

from rally.extensions import db
from rally.stores.hours import StoreHours
from rally.stores.models import Category, StoreStatus

EN = {"Accept-Language": "en"}


def page(client, url, headers=None):
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_only_approved_stores_are_listed(client, make_store):
    make_store(name_en="Open Shop")
    make_store(name_en="Waiting Shop", status=StoreStatus.pending)
    make_store(name_en="Suspended Shop", status=StoreStatus.suspended)
    html = page(client, "/stores", EN)
    assert "Open Shop" in html
    assert "Waiting Shop" not in html and "Suspended Shop" not in html


def test_filter_by_category(client, make_store):
    make_store(name_en="Soba Place", category=Category.eat)
    make_store(name_en="Book Place", category=Category.buy)
    html = page(client, "/stores?category=eat", EN)
    assert "Soba Place" in html and "Book Place" not in html


def test_unknown_category_shows_everything(client, make_store):
    make_store(name_en="Soba Place", category=Category.eat)
    assert "Soba Place" in page(client, "/stores?category=nonsense", EN)


def test_filter_by_tourist_tags_needs_every_tag(client, make_store):
    make_store(name_en="Both Tags", english_spoken=True, tax_free=True)
    make_store(name_en="English Only", english_spoken=True)
    make_store(name_en="No Tags")
    html = page(client, "/stores?tag=english_spoken&tag=tax_free", EN)
    assert "Both Tags" in html
    assert "English Only" not in html and "No Tags" not in html


def test_search_in_japanese(client, make_store):
    make_store(name_ja="手打ちそば 上水庵", name_en="Josui-an")
    make_store(name_ja="洋食屋", name_en="Western Diner")
    html = page(client, "/stores?q=そば")
    assert "手打ちそば 上水庵" in html and "洋食屋" not in html


def test_control_characters_in_the_search_are_ignored(client, make_store):
    """PostgreSQL refuses a NUL in a query's text (a 500)."""
    make_store(name_ja="手打ちそば 上水庵", name_en="Josui-an")
    assert "手打ちそば 上水庵" in page(client, "/stores?q=%E3%81%9D%00%E3%81%B0")


def test_search_in_english_ignores_case_and_reads_descriptions(client, make_store):
    make_store(name_en="Josui-an", description_en="Hand-made SOBA noodles")
    make_store(name_en="Western Diner", description_en="Omurice")
    html = page(client, "/stores?q=soba", EN)
    assert "Josui-an" in html and "Western Diner" not in html


def test_search_treats_wildcards_literally(client, make_store):
    make_store(name_en="Half Price", description_en="Everything 50% off")
    make_store(name_en="Plain Shop", description_en="Fifty and more")
    assert "Plain Shop" not in page(client, "/stores?q=%25", EN)  # q=%
    assert "Half Price" in page(client, "/stores?q=50%25", EN)
    assert "Half Price" not in page(client, "/stores?q=_", EN)


def test_every_search_word_must_match(client, make_store):
    make_store(name_en="Green Tea House", description_en="matcha")
    make_store(name_en="Green Grocer", description_en="vegetables")
    html = page(client, "/stores?q=green+matcha", EN)
    assert "Green Tea House" in html and "Green Grocer" not in html


def test_pagination(client, make_store):
    for n in range(14):
        make_store(name_ja=f"店{n:02d}", name_en=f"Paged Shop {n:02d}")
    first = page(client, "/stores", EN)
    second = page(client, "/stores?page=2", EN)
    assert first.count('data-testid="store-card"') == 12
    assert second.count('data-testid="store-card"') == 2
    assert "14 shops found" in first
    assert 'rel="next" href="/stores?page=2"' in first
    assert "Page 2 of 2" in second


def test_a_page_past_the_last_shows_the_last(client, make_store):
    for n in range(14):
        make_store(name_ja=f"店{n:02d}", name_en=f"Paged Shop {n:02d}")
    html = page(client, "/stores?page=99")
    assert "2ページ中 2ページ目" in html and "99ページ目" not in html
    assert html.count('data-testid="store-card"') == 2
    assert "店13" in html and 'rel="next"' not in html
    assert 'rel="prev" href="/stores?page=1"' in html


def test_a_page_before_the_first_or_not_a_number_shows_the_first(client, make_store):
    for n in range(14):
        make_store(name_en=f"Paged Shop {n:02d}")
    for value in ("0", "-3", "two", "1.5"):
        html = page(client, f"/stores?page={value}", EN)
        assert "Page 1 of 2" in html and html.count('data-testid="store-card"') == 12
        assert 'rel="prev"' not in html and 'rel="next" href="/stores?page=2"' in html


def test_a_page_of_an_empty_result_says_nothing_matches(client, make_store):
    make_store(name_en="Soba Place")
    html = page(client, "/stores?q=nothing&page=3", EN)
    assert "0 shops found" in html and "No shop matches" in html
    assert "Page " not in html


def test_pagination_keeps_the_filters(client, make_store):
    for n in range(13):
        make_store(name_en=f"Cafe {n}", category=Category.eat, wifi=True)
    html = page(client, "/stores?category=eat&tag=wifi&q=cafe", EN)
    assert "/stores?page=2&amp;q=cafe&amp;category=eat&amp;tag=wifi" in html


def test_store_page_shows_details_and_directions(client, make_store):
    store_id = make_store(
        name_en="Tea House", latitude=35.7, longitude=139.56, hours_en="10:00-18:00", wifi=True
    )
    html = page(client, f"/stores/{store_id}", EN)
    assert "<h1>Tea House</h1>" in html
    assert "10:00-18:00" in html
    assert "Free Wi-Fi" in html
    assert "https://www.google.com/maps/dir/?api=1&amp;destination=35.700000,139.560000" in html


def test_store_page_of_unapproved_store_is_not_found(client, make_store):
    store_id = make_store(status=StoreStatus.pending)
    assert client.get(f"/stores/{store_id}").status_code == 404
    assert client.get("/stores/9999").status_code == 404


def test_store_page_shows_photo_only_when_there_is_one(app, client, make_store):
    store_id = make_store()
    html = page(client, f"/stores/{store_id}")
    assert "/photo" not in html
    # Without a photo, its category's drawing holds the place, sized like a photo.
    drawing = re.search(r'<img class="store-photo placeholder" ([^>]*)>', html).group(1)
    assert 'src="/static/placeholders/buy.svg"' in drawing
    assert 'width="800" height="600"' in drawing
    with app.app_context():
        from rally.stores.models import Store

        db.session.get(Store, store_id).photo_filename = "abc.jpg"
        db.session.commit()
    # The address changes with the photo, so a browser's cached copy never hides a new one.
    assert f'src="/stores/{store_id}/photo?v=abc.jpg"' in page(client, f"/stores/{store_id}")


def test_store_page_says_open_or_closed(app, client, make_store):
    store_id = make_store()
    assert "open-now" not in page(client, f"/stores/{store_id}", EN)  # no structured hours
    with app.app_context():
        for weekday in range(7):  # always open
            db.session.add(
                StoreHours(store_id=store_id, weekday=weekday, opens=time(0), closes=time(0))
            )
        db.session.commit()
    html = page(client, f"/stores/{store_id}", EN)
    assert "Open now" in html
    assert "Monday" in html


def test_store_page_lists_its_campaigns(client, make_campaign, app):
    campaign_id, checkpoints = make_campaign(stores=1, title_en="Winter Rally")
    with app.app_context():
        from rally.campaigns.models import Checkpoint

        store_id = db.session.get(Checkpoint, checkpoints[0]).store_id
    html = page(client, f"/stores/{store_id}", EN)
    assert "Winter Rally" in html
    assert f'href="/campaigns/{campaign_id}"' in html


def test_search_finds_a_store_by_its_chinese_name(client, make_store):
    make_store(name={"ja": "三鷹書房", "zh_Hans": "三鹰书店"})
    make_store(name={"ja": "洋食屋", "en": "Western Diner"})
    html = page(client, "/stores?q=书店")
    assert "三鷹書房" in html and "洋食屋" not in html
