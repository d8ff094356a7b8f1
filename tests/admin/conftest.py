"""Fixtures for the association's back office: logged-in clients by role."""

import pytest

from rally.auth.models import Role

PASSWORD = "correct horse battery"


def login(client, email, password=PASSWORD):
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def admin_client(app, make_user):
    admin = make_user(role=Role.admin)
    return login(app.test_client(), admin.email)


@pytest.fixture
def merchant(make_user):
    return make_user(role=Role.merchant)


@pytest.fixture
def merchant_client(app, merchant):
    return login(app.test_client(), merchant.email)


@pytest.fixture
def english(app):
    """Headers that make every page English, so tests read the source strings."""
    return {"Accept-Language": "en"}
