"""The privacy page: what the site keeps about visitors, linked from every page."""

EN = {"Accept-Language": "en"}


def test_every_page_links_to_the_privacy_page(client):
    for path in ("/", "/card", "/me/login", "/me/save"):
        html = client.get(path, headers=EN, follow_redirects=True).text
        assert 'href="/privacy"' in html, path


def test_the_page_says_what_is_kept_in_both_languages(client):
    english = client.get("/privacy", headers=EN)
    assert english.status_code == 200
    for heading in ("Your stamp card", "Your location", "If you save your card", "Who sees what"):
        assert heading in english.text
    assert "Mitaka Station Shopping District runs this site" in english.text
    assert "tile.openstreetmap.org" in english.text  # the map's third party is named
    japanese = client.get("/privacy")
    assert '<html lang="ja">' in japanese.text
    assert "位置情報" in japanese.text and "プライバシー" in japanese.text
    assert 'href="/me/"' in japanese.text  # where to delete the account


def test_the_association_contact_is_shown_when_configured(app, client):
    assert 'data-testid="privacy-contact"' not in client.get("/privacy", headers=EN).text
    app.config["RALLY_CONTACT_EMAIL"] = "info@mitaka-shoten.example.jp"
    html = client.get("/privacy", headers=EN).text
    assert "Questions about your data: info@mitaka-shoten.example.jp" in html


def test_saving_a_card_links_to_the_privacy_page(client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    html = client.get("/me/save", headers=EN).text
    assert '<a href="/privacy">How the site keeps and uses your address</a>' in html


def test_the_map_host_is_named_without_leaflets_placeholder(app, client):
    app.config["RALLY_MAP_TILES"] = "https://{s}.tiles.example.jp/{z}/{x}/{y}.png"
    html = client.get("/privacy", headers=EN).text
    assert "loads its images from tiles.example.jp," in html


def test_without_a_contact_address_the_page_says_whom_to_ask(client):
    html = client.get("/privacy", headers=EN).text
    assert "please ask Mitaka Station Shopping District." in html
