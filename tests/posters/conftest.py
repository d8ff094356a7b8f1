"""Log-in for the poster tests."""

PASSWORD = "correct horse battery"


def login(client, email, password=PASSWORD):
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return client
