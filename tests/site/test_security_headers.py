"""Headers every response carries: no framing by other sites, no type sniffing."""

import pytest


@pytest.mark.parametrize("path", ["/", "/stores", "/auth/login", "/no-such-page"])
def test_pages_refuse_framing_and_sniffing(client, path):
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_scan_redirect_carries_them_too(client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    response = client.get(stamp_path(checkpoints[0]))
    assert response.status_code == 303
    assert response.headers["X-Frame-Options"] == "DENY"
