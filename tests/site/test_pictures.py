"""Pictures on the public pages: the demo draws its own, the home page shows a varied shop
window, spots have a picture served like a store's photo."""

import io

from PIL import Image
from sqlalchemy import select

from rally.demo import seed_demo
from rally.extensions import db
from rally.spots.models import Spot
from rally.spots.photos import SPOT_FOLDER
from rally.storage import read_stored, stored_names
from rally.stores.models import Category, Store, StoreStatus
from rally.stores.photos import PHOTO_FOLDER
from rally.stores.search import featured_stores
from rally.utils import utcnow


def test_demo_gives_every_store_and_spot_a_picture_once(app, client):
    with app.app_context():
        seed_demo(utcnow())
        db.session.commit()
        stores = db.session.scalars(select(Store)).all()
        spots = db.session.scalars(select(Spot)).all()
        assert stores and spots
        assert all(item.photo_filename for item in [*stores, *spots])
        files = {store.photo_filename for store in stores}
        assert files == set(stored_names(PHOTO_FOLDER))
        sizes = [len(read_stored(PHOTO_FOLDER, name)) for name in files]
        assert sum(sizes) < 600_000  # small drawings, not photographs
        spot_id, spot_file = spots[0].id, spots[0].photo_filename
        assert spot_file in stored_names(SPOT_FOLDER)
        seed_demo(utcnow())  # again: nothing drawn twice
        db.session.commit()
        assert len(stored_names(PHOTO_FOLDER)) == len(files)
    response = client.get(f"/spots/{spot_id}/photo")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(response.data)).size == (400, 300)
    response.close()


def test_a_hidden_spot_s_picture_is_not_served(app, client):
    with app.app_context():
        seed_demo(utcnow())
        spot = db.session.scalars(select(Spot)).first()
        spot.published = False
        db.session.commit()
        spot_id = spot.id
    assert client.get(f"/spots/{spot_id}/photo").status_code == 404


def test_home_shows_a_shop_of_each_category_with_a_photo(app, client, make_store):
    categories = (Category.buy, Category.buy, Category.buy, Category.eat, Category.walk)
    pictured = [make_store(category=category) for category in categories]
    make_store(category=Category.relax)  # no photo: not in the shop window
    hidden_id = make_store(status=StoreStatus.pending)
    with app.app_context():
        for store_id in [*pictured, hidden_id]:
            db.session.get(Store, store_id).photo_filename = f"{store_id:08d}.jpg"
        db.session.commit()
        first_three = {store.category for store in featured_stores(limit=3)}
        assert first_three == {Category.buy, Category.eat, Category.walk}
        assert hidden_id not in {store.id for store in featured_stores()}
    html = client.get("/").get_data(as_text=True)
    assert html.count('data-testid="store-card"') == 5
    assert f"v={hidden_id:08d}" not in html
