"""Offering a thing: the posting rules, held words, photos without EXIF served only with
their listing, the safety warning, escaping, the board's order and filters."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from rally.errors import RallyError
from rally.extensions import db
from rally.handmedown import operations
from rally.handmedown.models import Listing, ListingCategory, ListingPhoto
from rally.residents.models import Resident
from rally.storage import read_stored
from rally.ugc.models import HeldWord
from rally.ugc.photos import UGC_FOLDER
from rally.utils import utcnow

from .conftest import EN, jpeg, snapshot


def form(area_id, **values):
    data = {
        "title": "ベビーカー",
        "category": "stroller",
        "condition": "used",
        "area": str(area_id),
        "description": "まだ使えます",
    }
    data.update(values)
    return data


def test_a_resident_offers_a_stroller_with_a_photo_without_its_exif(
    app, make_visitor, visitor_client, area
):
    giver = make_visitor()
    data = form(area)
    data["photos"] = [(io.BytesIO(jpeg(gps=True)), "IMG_0001.jpg")]
    client = visitor_client(giver)
    response = client.post(
        "/handmedown/new", data=data, headers=EN, content_type="multipart/form-data"
    )
    assert response.status_code == 303, response.text
    with app.app_context():
        listing = db.session.scalar(select(Listing))
        assert (listing.giver_id, listing.title, listing.category.value) == (
            giver,
            "ベビーカー",
            "stroller",
        )
        assert listing.area_id == area
        photo = db.session.scalar(select(ListingPhoto))
        for name in (photo.name, photo.thumbnail):
            with Image.open(io.BytesIO(read_stored(UGC_FOLDER, name))) as image:
                assert not image.getexif()
                assert "exif" not in image.info
        assert "IMG_0001" not in photo.name
    page = client.get(response.headers["Location"], headers=EN)
    assert "Your listing is on the board." in page.text
    assert f"/handmedown/photos/{photo.thumbnail}" in page.text


def test_photos_are_served_only_with_their_listing(
    app, make_visitor, offer, act, client, visitor_client
):
    giver = make_visitor()
    listing_id = offer(giver, photos=[jpeg()])
    with app.app_context():
        photo = db.session.scalar(select(ListingPhoto))
        name = photo.name
    with client.get(f"/handmedown/photos/{name}") as response:
        assert response.status_code == 200
        assert "private" in response.headers["Cache-Control"]
    act(operations.withdraw, listing_id, giver)
    assert client.get(f"/handmedown/photos/{name}").status_code == 404
    with visitor_client(giver).get(f"/handmedown/photos/{name}") as response:
        assert response.status_code == 200
    assert client.get("/handmedown/photos/" + "A" * 32 + ".jpg").status_code == 404


@pytest.mark.parametrize(
    "category, shown",
    [
        (ListingCategory.car_seat, "accident"),
        (ListingCategory.helmet, "knock"),
        (ListingCategory.bedding, "mattress"),
        (ListingCategory.stroller, None),
        (ListingCategory.toys, None),
    ],
)
def test_car_seats_helmets_and_bedding_show_a_safety_warning(
    app, make_visitor, offer, client, category, shown
):
    listing_id = offer(make_visitor(), title="品物", category=category)
    page = client.get(f"/handmedown/{listing_id}", headers=EN).text
    if shown:
        assert 'data-testid="safety-warning"' in page
        assert shown in page
        assert "recalls" in page
    else:
        assert 'data-testid="safety-warning"' not in page


def test_the_safety_warning_is_translated(app, make_visitor, offer, client):
    listing_id = offer(make_visitor(), category=ListingCategory.car_seat)
    page = client.get(f"/handmedown/{listing_id}", headers={"Accept-Language": "ja"}).text
    assert 'data-testid="safety-warning"' in page
    assert "事故" in page


def test_text_is_escaped_and_the_description_sanitised(app, make_visitor, offer, client):
    listing_id = offer(
        make_visitor(),
        title="<script>alert(1)</script>",
        description="**丈夫** <img src=x onerror=alert(1)> [link](javascript:alert(1))",
    )
    page = client.get(f"/handmedown/{listing_id}", headers=EN).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<strong>丈夫</strong>" in page
    assert "<img src=x" not in page
    assert 'href="javascript' not in page
    board = client.get("/handmedown", headers=EN).text
    assert "<script>alert(1)</script>" not in board


def test_a_listed_word_holds_the_listing_for_review(app, make_visitor, offer, client):
    with app.app_context():
        db.session.add(HeldWord(word="現金"))
        db.session.commit()
    giver = make_visitor()
    listing_id = offer(giver, title="ベビーカー（現金でも可）")
    with app.app_context():
        listing = db.session.get(Listing, listing_id)
        assert (listing.moderation_state.value, listing.moderation_reason) == (
            "held",
            "held_word",
        )
    assert client.get(f"/handmedown/{listing_id}").status_code == 404
    assert "現金でも可" not in client.get("/handmedown").text


def test_a_suspended_resident_cannot_offer(app, make_visitor, offer, area):
    giver = make_visitor()
    with app.app_context():
        db.session.get(Resident, giver).suspended_until = utcnow() + timedelta(hours=5)
        db.session.commit()
    before = snapshot(app)
    with pytest.raises(RallyError) as refused:
        offer(giver)
    assert refused.value.code == "barred"
    assert snapshot(app) == before


def test_a_new_account_offers_no_photos_and_few_things(app, make_visitor, offer):
    giver = make_visitor(new=True)
    with pytest.raises(RallyError) as refused:
        offer(giver, photos=[jpeg()])
    assert refused.value.code == "new_account_photos"
    for number in range(app.config["RALLY_NEW_ACCOUNT_THREADS"]):
        offer(giver, title=f"おもちゃ{number}")
    with pytest.raises(RallyError) as refused:
        offer(giver, title="もう一つ")
    assert refused.value.code == "new_account_listings"


def test_an_address_is_never_asked_only_a_neighbourhood(app, make_visitor, visitor_client, area):
    client = visitor_client(make_visitor())
    page = client.get("/handmedown/new", headers=EN).text
    assert "Neighbourhood (never your address)" in page
    assert 'name="address"' not in page
    before = snapshot(app)
    response = client.post("/handmedown/new", data=form(area + 1000), headers=EN)
    assert response.status_code == 400
    assert snapshot(app) == before


def test_the_board_lists_available_first_and_filters(app, make_visitor, offer, act, client):
    giver, other = make_visitor(), make_visitor()
    reserved = offer(giver, title="予約済みのベビーカー")
    act(operations.reserve, reserved, other)
    offer(giver, title="絵本", category=ListingCategory.books)
    board = client.get("/handmedown", headers=EN).text
    assert board.index("絵本") < board.index("予約済みのベビーカー")
    books = client.get("/handmedown?category=books", headers=EN).text
    assert "絵本" in books and "予約済みのベビーカー" not in books
    nowhere = client.get("/handmedown?category=nonsense&area=99999", headers=EN)
    assert nowhere.status_code == 200


def test_the_board_is_paginated(app, make_visitor, offer, client):
    giver = make_visitor()
    for number in range(operations.PER_PAGE + 1):
        offer(giver, title=f"おもちゃ{number:02d}", category=ListingCategory.toys)
    first = client.get("/handmedown", headers=EN).text
    second = client.get("/handmedown?page=2", headers=EN).text
    assert "おもちゃ00" not in first and "おもちゃ00" in second
    assert "Page 1 of 2" in first


def test_my_hand_me_downs_lists_what_i_offer_and_reserved(
    app, make_visitor, offer, act, visitor_client
):
    giver, other = make_visitor(), make_visitor()
    mine = offer(giver, title="ベビーカー")
    theirs = offer(other, title="絵本")
    act(operations.reserve, theirs, giver)
    page = visitor_client(giver).get("/me/handmedown", headers=EN).text
    given = page[page.index('data-testid="given"') : page.index("What I reserved")]
    assert f"/handmedown/{mine}" in given
    assert f"/handmedown/{theirs}" in page[page.index("What I reserved") :]


def test_a_refused_photo_is_said_at_the_photo_field_and_nothing_is_kept(
    app, make_visitor, visitor_client, area
):
    data = form(area)
    data["photos"] = [(io.BytesIO(b"not a picture at all"), "note.jpg")]
    before = snapshot(app)
    response = visitor_client(make_visitor()).post(
        "/handmedown/new", data=data, headers=EN, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert 'id="photos-error"' in response.text
    assert 'value="ベビーカー"' in response.text  # what was typed is kept
    assert snapshot(app) == before
