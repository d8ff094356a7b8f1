"""Fixtures for the rally rules back office: logged-in clients by role, and areas."""

import pytest

from rally.areas.models import Area
from rally.auth.models import Role
from rally.extensions import db

PASSWORD = "correct horse battery"


def login(client, email, password=PASSWORD):
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def admin_client(app, make_user):
    return login(app.test_client(), make_user(role=Role.admin).email)


@pytest.fixture
def merchant(make_user):
    return make_user(role=Role.merchant)


@pytest.fixture
def merchant_client(app, merchant):
    return login(app.test_client(), merchant.email)


@pytest.fixture
def english():
    return {"Accept-Language": "en"}


@pytest.fixture
def make_area(app):
    def make(name_ja="駅前通り", name_en="Station Street", position=0):
        with app.app_context():
            area = Area(name_ja=name_ja, name_en=name_en, position=position)
            db.session.add(area)
            db.session.commit()
            return area.id

    return make
