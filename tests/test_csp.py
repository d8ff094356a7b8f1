"""The Content-Security-Policy: strict on every page, the map's tile host on the map only,
and templates that need nothing inline (so the policy cannot break them)."""

import re
from pathlib import Path

import pytest

from rally.qr import qr_svg

RALLY = Path(__file__).resolve().parent.parent / "rally"
TEMPLATES = sorted(
    path
    for path in RALLY.rglob("*")
    if "templates" in path.parts and path.suffix in (".html", ".xml")
)
SCRIPTS = sorted(path for path in RALLY.rglob("*.js") if "vendor" not in path.parts)


def policy(response) -> dict[str, list[str]]:
    """The response's policy as ``{directive: [sources]}``."""
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice"
        directives[name] = sources
    return directives


@pytest.mark.parametrize("path", ["/", "/stores", "/map", "/auth/login", "/no-such-page"])
def test_pages_carry_a_strict_policy(client, path):
    response = client.get(path)
    assert response.mimetype == "text/html"
    csp = policy(response)
    assert csp["default-src"] == ["'none'"]  # object, frame, font, media, worker: none
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert {"'self'", "data:"} <= set(csp["img-src"])
    for sources in csp.values():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"} & set(sources)


def test_only_the_map_may_load_tiles_from_the_configured_host(app, client):
    app.config["RALLY_MAP_TILES"] = "https://tiles.example.jp/{z}/{x}/{y}.png"
    assert policy(client.get("/map"))["img-src"] == ["'self'", "data:", "https://tiles.example.jp"]
    for path in ("/", "/stores", "/privacy"):
        assert policy(client.get(path))["img-src"] == ["'self'", "data:"], path

    app.config["RALLY_MAP_TILES"] = "http://127.0.0.1:8080/osm/{z}/{x}/{y}.png?key=abc"
    assert policy(client.get("/map"))["img-src"][2:] == ["http://127.0.0.1:8080"]


def test_the_default_tiles_and_leaflet_subdomains(app, client):
    assert policy(client.get("/map"))["img-src"][2:] == ["https://tile.openstreetmap.org"]
    app.config["RALLY_MAP_TILES"] = "https://{s}.tile.example.jp/{z}/{x}/{y}.png"
    assert policy(client.get("/map"))["img-src"][2:] == [
        "https://a.tile.example.jp",
        "https://b.tile.example.jp",
        "https://c.tile.example.jp",
    ]


def test_tiles_served_by_the_app_itself_add_nothing(app, client):
    app.config["RALLY_MAP_TILES"] = "/tiles/{z}/{x}/{y}.png"
    assert policy(client.get("/map"))["img-src"] == ["'self'", "data:"]


def test_downloads_keep_the_policy_and_the_qr_svg_needs_nothing_inline(client):
    feed = client.get("/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    assert policy(feed)["default-src"] == ["'none'"]
    # An SVG opened as a document obeys its own response's policy: no style, no script.
    svg = qr_svg("https://rally.test/s/token").decode()
    assert "<svg" in svg
    assert not re.search(r"<style|style=|<script|\bon[a-z]+=", svg)


# What the policy refuses in a page. Jinja markup inside a tag is left alone by these.
INLINE = {
    "event handler attribute": re.compile(r"""<[a-z][^<>]*?\son[a-z]+\s*=""", re.I | re.S),
    "style attribute": re.compile(r"""<[a-z][^<>]*?\sstyle\s*=""", re.I | re.S),
    "<style> element": re.compile(r"<style\b", re.I),
    # A data block (JSON-LD) is not run, and the policy does not apply to it.
    "inline <script>": re.compile(
        r"<script\b(?![^>]*\s(?:src=|type=\"application/ld\+json\"))[^>]*>", re.I
    ),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def inline_code(text: str) -> list[str]:
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)  # Jinja comments may mention them
    return [name for name, pattern in INLINE.items() if pattern.search(text)]


@pytest.mark.parametrize(
    "snippet, found",
    [
        ('<input onfocus="this.select()">', "event handler attribute"),
        ('<form method="post"\n      onsubmit="return confirm(1)">', "event handler attribute"),
        ('<span class="bar" style="width: {{ w }}%"></span>', "style attribute"),
        ("<svg><style>rect { fill: red }</style></svg>", "<style> element"),
        ("<script>alert(1)</script>", "inline <script>"),
        ('<a href="javascript:void(0)">x</a>', "javascript: URL"),
    ],
)
def test_the_template_scan_finds_inline_code(snippet, found):
    assert inline_code(snippet) == [found]


def test_the_template_scan_lets_external_scripts_and_data_attributes_pass():
    snippet = """<script src="{{ url_for('static', filename='forms.js') }}" defer></script>
    <script type="application/ld+json">{{ seo.structured }}</script>
    <form data-confirm="{{ _('Delete?') }}" class="inline"><input data-select-on-focus></form>
    <p>Based on the stamps; one=two</p>"""
    assert inline_code(snippet) == []


def test_no_template_has_inline_code():
    assert len(TEMPLATES) > 50
    found = {str(path.relative_to(RALLY)): inline_code(path.read_text()) for path in TEMPLATES}
    assert {path: names for path, names in found.items() if names} == {}


def test_no_script_sets_a_style_attribute_or_evaluates_strings():
    # el.style.width = ... goes through the CSSOM, which the policy allows; a style
    # attribute written as text (setAttribute, innerHTML) and eval-like calls are refused.
    refused = re.compile(
        r"""setAttribute\(\s*["']style|style=|cssText|\beval\(|new Function\(|"""
        r"""setTimeout\(\s*["']|setInterval\(\s*["']""",
    )
    assert SCRIPTS
    found = {str(path.relative_to(RALLY)): refused.findall(path.read_text()) for path in SCRIPTS}
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_a_pdf_keeps_only_the_frame_rule_for_the_browsers_viewer(
    app, make_user, make_campaign, auth
):
    from rally.auth.models import Role

    admin_client = auth.new_client(make_user(role=Role.admin))
    campaign_id, checkpoints = make_campaign()
    pdf = admin_client.get(f"/posters/checkpoints/{checkpoints[0]}/poster-en.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert pdf.headers["X-Frame-Options"] == "DENY"
