"""Security headers on every response."""

# Rally's pages are never shown inside another site's frame: the confirmation pages of the
# back office (suspend a store, end a campaign, hand over a prize) cannot be clickjacked.
# The referrer policy is the browsers' default, stated: another site (a shop's web page,
# the map tiles) learns the origin only, never a page's path or query.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def add_security_headers(response):
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        if name not in headers:
            headers[name] = value
    return response


def init_app(app) -> None:
    app.after_request(add_security_headers)
