"""The shop window's factories (news, events, spots, from tests/site) and page readers."""

import json
import re

import pytest

from tests.site.conftest import make_event, make_news, make_spot  # noqa: F401

LANGUAGES = ("ja", "en", "zh-Hans", "zh-Hant", "ko")


def links(html: str, rel: str) -> list[tuple[str, str]]:
    """``(hreflang or "", href)`` of each ``<link rel=rel>`` in the page's head."""
    head = html[: html.index("</head>")]
    found = []
    for tag in re.findall(rf'<link rel="{rel}"[^>]*>', head):
        hreflang = re.search(r'hreflang="([^"]+)"', tag)
        href = re.search(r'href="([^"]+)"', tag).group(1).replace("&amp;", "&")
        found.append((hreflang.group(1) if hreflang else "", href))
    return found


def meta(html: str, name: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', html)
    return match and match.group(1)


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


@pytest.fixture
def upload_folder(app, tmp_path):
    folder = tmp_path / "uploads"
    (folder / "stores").mkdir(parents=True)
    app.config["RALLY_UPLOAD_FOLDER"] = str(folder)
    return folder / "stores"
