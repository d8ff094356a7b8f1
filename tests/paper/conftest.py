import pytest

from rally.auth.models import Role

PASSWORD = "correct horse battery"


def login(client, user):
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code in (302, 303)
    return client


@pytest.fixture
def admin_client(app, make_user):
    return login(app.test_client(), make_user(role=Role.admin))
