"""Error pages the framework raises are translated pages of the site too."""

import io

import pytest
from werkzeug.exceptions import NotFound


def test_a_body_over_the_limit_gets_a_translated_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    for lang, text in (
        ("en", "What you sent is too large."),
        ("ja", "送信された内容が大きすぎます。"),
    ):
        response = client.post(
            "/auth/login",
            data={"file": (io.BytesIO(b"x" * 4096), "big.bin")},
            content_type="multipart/form-data",
            headers={"Accept-Language": lang},
        )
        assert response.status_code == 413
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert text in html


def test_an_id_the_database_cannot_hold_is_not_found(client):
    """PostgreSQL refused ids over 2**31 - 1 and SQLite over 2**63 - 1 (500s): such a URL
    matches no route."""
    for number in (2**31, 2**63, 10**30):
        for path in ("/stores/{}", "/news/{}", "/events/{}", "/spots/{}", "/campaigns/{}"):
            assert client.get(path.format(number)).status_code == 404, path
        assert client.get(f"/card/{number}").status_code == 404


def test_a_url_part_with_control_characters_matches_no_route(app, client):
    """A NUL in a code looked up in the database made PostgreSQL refuse the query."""
    urls = app.url_map.bind("rally.test")
    with pytest.raises(NotFound):
        urls.match("/card/claims/AB\x00CDEFG")
    assert urls.match("/card/claims/ABCDEFG")[1] == {"code": "ABCDEFG"}
    assert client.get("/card/claims/AB%00CDEFG").status_code == 404
