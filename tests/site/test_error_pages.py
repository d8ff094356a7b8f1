"""Error pages the framework raises are translated pages of the site too."""

import io


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
