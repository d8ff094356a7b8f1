"""A rate-limited request gets a 429 page that fits what the person was doing, with
``Retry-After``: only a stamp attempt speaks of stamps (issue 16, item 5)."""

EN = {"Accept-Language": "en"}
JA = {"Accept-Language": "ja"}


def _limited(client, method, path, times, **kw):
    """Send ``times`` requests, then one more: the last answer."""
    for _ in range(times):
        getattr(client, method)(path, **kw)
    return getattr(client, method)(path, **kw)


def _assert_page(response, heading, message):
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 3600
    html = response.get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in html
    assert 'data-code="rate_limited"' in html
    assert message in html
    return html


def test_staff_log_in_says_too_many_log_in_attempts(make_limited_app):
    client = make_limited_app().test_client()
    response = _limited(client, "post", "/auth/login", 20, data={}, headers=EN)
    html = _assert_page(
        response,
        "Too many log-in attempts",
        "Too many log-in attempts in a short time. Please wait and try again.",
    )
    assert "stamp" not in html.split("<main", 1)[1].lower()


def test_staff_log_in_page_is_in_japanese(make_limited_app):
    client = make_limited_app().test_client()
    response = _limited(client, "post", "/auth/login", 20, data={}, headers=JA)
    html = _assert_page(response, "ログインの試行が多すぎます", "しばらく待ってから")
    assert '<html lang="ja">' in html


def test_visitor_log_in_says_too_many_log_in_attempts(make_limited_app):
    client = make_limited_app().test_client()
    response = _limited(client, "post", "/me/login", 20, data={}, headers=EN)
    _assert_page(response, "Too many log-in attempts", "Too many log-in attempts")


def test_card_receive_gets_a_neutral_page(make_limited_app):
    client = make_limited_app().test_client()
    response = _limited(client, "post", "/card/receive", 10, data={}, headers=EN)
    html = _assert_page(
        response, "Too many requests", "Too many requests. Please wait a moment and try again."
    )
    assert "stamp could not" not in html and "No stamp this time" not in html


def test_claim_gets_a_neutral_page(make_limited_app, make_campaign):
    campaign_id, _ = make_campaign()
    client = make_limited_app(RALLY_CLAIM_LIMIT="1 per minute").test_client()
    response = _limited(client, "post", f"/card/{campaign_id}/tiers/1/claim", 1, headers=EN)
    html = _assert_page(response, "Too many requests", "Please wait a moment and try again.")
    assert "No stamp this time" not in html


def test_scan_speaks_of_stamps(make_limited_app, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    path = stamp_path(checkpoints[0])
    client = make_limited_app(RALLY_SCAN_LIMIT_PER_ADDRESS="1 per minute").test_client()
    response = _limited(client, "get", path, 1, headers=EN)
    _assert_page(
        response,
        "No stamp this time",
        "Too many stamp attempts in a short time. Please wait and try again.",
    )


def test_the_page_says_how_long_to_wait(make_limited_app):
    client = make_limited_app().test_client()
    response = _limited(client, "post", "/card/receive", 10, data={}, headers=EN)
    html = response.get_data(as_text=True)
    assert "You can try again in 1 minute." in html
