"""Security headers on every response."""

# The Content-Security-Policy is defence in depth against XSS: should a template ever print
# a visitor's text unescaped, the browser still runs no script and applies no style that
# did not come from Rally's own static files. Nothing is allowed unless listed: scripts and
# style sheets from the app's origin only (no inline <script>, no on...= handler, no style=
# attribute: each behaviour lives in rally/static/*.js, tests/test_csp.py keeps them out of
# the templates); images from the app and data: URLs (the tablet's and the register's QR
# codes, Leaflet's empty tile); requests from scripts to the app only (the tablet's refresh);
# forms post to the app only; the web app manifest and the service worker (rally/push) from
# the app only; no <base> tag. A page that needs more sets its own header with
# ``content_security_policy(...)``: only the district map loads images from the tile host,
# as the privacy page promises.
#
# The same policy goes on every response, not only HTML: the SVGs Rally serves (QR codes)
# are paths with presentation attributes, which render under it when opened directly, and an
# image or file opened as a document cannot run a script either.
#
# Rally's pages are never shown inside another site's frame (frame-ancestors, and
# X-Frame-Options for old browsers): the confirmation pages of the back office (suspend a
# store, end a campaign, hand over a prize) cannot be clickjacked.
CONTENT_SECURITY_POLICY = {
    "default-src": ("'none'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "connect-src": ("'self'",),
    "manifest-src": ("'self'",),
    "worker-src": ("'self'",),
    "form-action": ("'self'",),
    "base-uri": ("'none'",),
    "frame-ancestors": ("'none'",),
}


def content_security_policy(img_sources: tuple[str, ...] = ()) -> str:
    """The policy's header value; ``img_sources`` (source expressions such as
    ``https://tile.example.jp``) are added to ``img-src`` for one page's response."""
    directives = dict(CONTENT_SECURITY_POLICY)
    directives["img-src"] += tuple(s for s in img_sources if s and s not in directives["img-src"])
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


# The referrer policy is the browsers' default, stated: another site (a shop's web page,
# the map tiles) learns the origin only, never a page's path or query.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": content_security_policy(),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


# A PDF (posters, paper cards) opened in the browser is shown by Chrome's own viewer, which
# a default-src 'none' policy blanks ("This content is blocked", crbug.com/271452): a PDF
# runs no script of ours and keeps only the frame rule.
PDF_POLICY = "frame-ancestors 'none'"


def add_security_headers(response):
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        if name not in headers:
            if name == "Content-Security-Policy" and response.mimetype == "application/pdf":
                value = PDF_POLICY
            headers[name] = value
    return response


def init_app(app) -> None:
    app.after_request(add_security_headers)
