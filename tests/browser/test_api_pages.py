"""The API's pages in a browser: the documentation page renders the OpenAPI document with
the app's own files only (no request leaves the app's origin, nothing breaks the CSP),
and a resident makes and revokes a token on a phone, in Japanese and English, axe clean."""

from urllib.parse import urlsplit

import pytest

from rally.cards.models import Card
from rally.extensions import db
from rally.residents.models import Resident
from rally.utils import utcnow
from rally.visitors.models import Visitor

from .axe import violations
from .conftest import PHONE

pytestmark = pytest.mark.browser

PASSWORD = "long enough pw"


def test_docs_page_renders_from_the_apps_own_files(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    origin = urlsplit(live_server)
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    try:
        page = context.new_page()
        page.goto(live_server + "/api/v1/docs")
        # Swagger UI has read the document: its operations are on the page.
        page.locator(".opblock-tag", has_text="api_stores").first.wait_for()
        assert page.get_by_text("/api/v1/stores/{item_id}").first.is_visible()
        assert page.get_by_role("heading", level=1).first.inner_text()
        assert requested, "the page made no request"
        outside = [
            url
            for url in requested
            if urlsplit(url).scheme not in ("data", "blob")
            and (urlsplit(url).hostname, urlsplit(url).port) != (origin.hostname, origin.port)
        ]
        assert outside == []
        assert any(url.endswith("/api/v1/openapi.json") for url in requested)
    finally:
        context.close()


@pytest.fixture
def resident(app):
    with app.app_context():
        visitor = Visitor(email="tokens@example.jp", locale="ja", verified_at=utcnow())
        visitor.set_password(PASSWORD)
        db.session.add(visitor)
        db.session.flush()
        db.session.add(
            Resident(visitor_id=visitor.id, display_name="はなこ", handle="hanako", code_tries=0)
        )
        db.session.add(Card(locale="ja", visitor_id=visitor.id))  # an account holds a card
        db.session.commit()


WORDS = {
    "ja": {
        "section": "APIトークン",
        "link": "APIトークンを管理する",
        "create": "トークンを作成",
        "name": "トークンの名前",
        "revoke": "無効にする",
        "none": "トークンはまだありません。",
    },
    "en": {
        "section": "API tokens",
        "link": "Manage my API tokens",
        "create": "Create token",
        "name": "Name of the token",
        "revoke": "Revoke",
        "none": "No tokens yet.",
    },
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_resident_makes_and_revokes_a_token_on_a_phone(browser, live_server, resident, lang):
    words = WORDS[lang]
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="ja-JP" if lang == "ja" else "en-US"
    )
    try:
        page = context.new_page()
        page.goto(live_server + "/me/login")
        page.fill("input[name=email]", "tokens@example.jp")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state()
        page.goto(live_server + "/me/")
        section = page.get_by_test_id("api-tokens")
        assert section.get_by_role("heading", level=2).inner_text() == words["section"]
        assert violations(page) == []
        section.get_by_role("link", name=words["link"]).click()
        page.wait_for_url("**/me/tokens")
        assert page.get_by_test_id("no-tokens").inner_text() == words["none"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert violations(page) == []

        page.get_by_label(words["name"]).fill("City app")
        page.get_by_role("button", name=words["create"]).click()
        page.wait_for_load_state()
        secret = page.get_by_test_id("token-secret").input_value()
        assert secret.startswith("rly_")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert violations(page) == []
        answer = page.request.get(
            live_server + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
        )
        assert answer.status == 200

        page.get_by_test_id("token-list").get_by_role("button", name=words["revoke"]).click()
        page.wait_for_load_state()
        assert page.get_by_test_id("no-tokens").is_visible()
        answer = page.request.get(
            live_server + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
        )
        assert answer.status == 401
    finally:
        context.close()
