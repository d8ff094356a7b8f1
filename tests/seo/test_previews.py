"""Link previews: Open Graph tags on store, campaign, spot, event and home pages, and their
1200x630 PNG images, drawn once, answered 304 when unchanged, 404 when not public."""

from io import BytesIO

import pytest
from PIL import Image

from rally.campaigns.models import CampaignState
from rally.extensions import db
from rally.seo import images
from rally.stores.models import Store, StoreStatus

from .conftest import LANGUAGES, meta


def png_size(response) -> tuple[int, int]:
    assert response.status_code == 200 and response.mimetype == "image/png"
    with Image.open(BytesIO(response.data)) as image:
        assert image.format == "PNG"
        return image.size


@pytest.fixture(autouse=True)
def empty_image_cache():
    images._cache.clear()
    yield
    images._cache.clear()


@pytest.fixture
def previewed(make_store, make_campaign, make_spot, make_event):
    return {
        "store": make_store(name_en="Haruno Florist", description_en="Seasonal flowers."),
        "campaign": make_campaign(stores=1)[0],
        "spot": make_spot(),
        "event": make_event(),
    }


def test_pages_carry_open_graph_tags_with_a_sized_image(client, previewed):
    pages = {f"/{kind}s/{item_id}": (kind, item_id) for kind, item_id in previewed.items()}
    pages["/"] = ("home", None)
    for path, (kind, item_id) in pages.items():
        html = client.get(f"{path}?lang=en").get_data(as_text=True)
        page = f"http://rally.test{path}?lang=en"
        assert meta(html, "og:url") == page, path
        assert meta(html, "og:title") and meta(html, "og:description"), path
        assert meta(html, "og:image:width") == "1200" and meta(html, "og:image:height") == "630"
        assert meta(html, "og:locale") == "en_US"
        alternates = html.count('<meta property="og:locale:alternate"')
        assert alternates == len(LANGUAGES) - 1
        assert meta(html, "twitter:card") == "summary_large_image"
        image = meta(html, "og:image")
        expected = "/og/home.png" if kind == "home" else f"/og/{kind}/{item_id}.png"
        assert image == f"http://rally.test{expected}?lang=en", path
        assert png_size(client.get(f"{expected}?lang=en")) == (1200, 630), path


def test_the_store_preview_tells_the_shop(client, previewed):
    html = client.get(f"/stores/{previewed['store']}?lang=en").get_data(as_text=True)
    assert meta(html, "og:title") == "Haruno Florist"
    assert meta(html, "og:description") == "Seasonal flowers."


def test_a_store_photo_is_fitted_into_the_preview(app, client, make_store, upload_folder):
    Image.new("RGB", (800, 800), (200, 30, 30)).save(upload_folder / "shop.jpg", "JPEG")
    store_id = make_store(photo_filename="shop.jpg")
    response = client.get(f"/og/store/{store_id}.png")
    assert png_size(response) == (1200, 630)
    with Image.open(BytesIO(response.data)) as image:
        red, green, blue = image.convert("RGB").getpixel((600, 315))
    assert red > 150 and green < 80  # the photo's colour, not the drawn card's green


def test_a_store_whose_photo_is_gone_gets_the_drawn_card(client, make_store, upload_folder):
    store_id = make_store(photo_filename="missing.jpg")
    assert png_size(client.get(f"/og/store/{store_id}.png")) == (1200, 630)


def test_an_unchanged_image_answers_304_and_a_changed_one_is_new(app, client, previewed):
    path = f"/og/store/{previewed['store']}.png?lang=en"
    first = client.get(path)
    etag = first.headers["ETag"]
    assert (
        "public" in first.headers["Cache-Control"] and "max-age" in first.headers["Cache-Control"]
    )
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    with app.app_context():
        store = db.session.get(Store, previewed["store"])
        store.name = {**store.name, "en": "Haruno Flowers"}
        db.session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    other_language = client.get(f"/og/store/{previewed['store']}.png?lang=ja")
    assert other_language.headers["ETag"] not in (etag, changed.headers["ETag"])


def test_an_image_is_drawn_once_not_per_request(client, previewed, monkeypatch):
    drawn = []
    draw = images._draw
    monkeypatch.setattr(images, "_draw", lambda spec: drawn.append(spec) or draw(spec))
    for _ in range(3):
        assert client.get(f"/og/campaign/{previewed['campaign']}.png?lang=ja").status_code == 200
    assert len(drawn) == 1


def test_private_items_have_no_preview_image(
    client, make_store, make_campaign, make_spot, make_event
):
    hidden = {
        "store": [make_store(status=StoreStatus.pending), make_store(status=StoreStatus.suspended)],
        "campaign": [make_campaign(stores=0, state=CampaignState.draft)[0]],
        "spot": [make_spot(published=False)],
        "event": [make_event(publish=2), make_event(publish=-3, expires=-1)],
    }
    for kind, item_ids in hidden.items():
        for item_id in item_ids + [9999]:
            assert client.get(f"/og/{kind}/{item_id}.png").status_code == 404, (kind, item_id)
    assert client.get("/og/user/1.png").status_code == 404


def test_long_names_are_wrapped_and_cut_to_fit(app):
    with app.app_context():
        draw = images.ImageDraw.Draw(images.Image.new("RGB", (10, 10)))
        font = images.ImageFont.truetype(images.font_path(), 76)
        width = images.WIDTH - 2 * images.MARGIN
        lines = images._wrap(draw, "三鷹駅前商店街の" * 20, font, width, max_lines=3)
        assert len(lines) == 3 and lines[-1].endswith("…")
        assert all(draw.textlength(line, font=font) <= width for line in lines)
        words = images._wrap(draw, "Mitaka Station " * 12, font, width, max_lines=3)
        assert all(not line.startswith(" ") for line in words)
        cut_words = {word for line in words[:-1] for word in line.split()}
        assert cut_words == {"Mitaka", "Station"}  # lines end between words, not inside
