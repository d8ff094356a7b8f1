"""The demo merchant logs in on a phone and edits its store in Japanese, then in English."""

import pytest

from rally.demo import MERCHANT_EMAIL, MERCHANT_PASSWORD, seed_demo
from rally.extensions import db
from rally.stores.models import Store
from rally.utils import utcnow

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    with app.app_context():
        seed_demo(utcnow())
        db.session.commit()


def test_demo_merchant_edits_its_store_in_both_languages(live_server, phone, demo, app):
    phone.goto(live_server + "/merchant/")
    # Anonymous: sent to the log-in page, then back to the merchant area.
    assert "/auth/login" in phone.url
    phone.get_by_label("メールアドレス").fill(MERCHANT_EMAIL)
    phone.get_by_label("パスワード").fill(MERCHANT_PASSWORD)
    phone.get_by_role("button", name="ログイン").click()
    phone.wait_for_url(live_server + "/merchant/")
    assert phone.locator("h1").inner_text() == "自分の店舗"
    stores = phone.get_by_test_id("merchant-store")
    assert stores.count() == 1
    assert "三鷹青果 八百辰" in stores.inner_text()

    # In Japanese.
    phone.get_by_role("link", name="店舗情報を編集").click()
    # Each text is a group of inputs, one per language, labelled in that language.
    phone.get_by_role("group", name="紹介文").get_by_label("日本語").fill(
        "朝どれの三鷹野菜。年末はおせち用の野菜も。"
    )
    phone.get_by_role("group", name="営業時間").get_by_label("日本語").fill("9時〜19時（日曜定休）")
    phone.get_by_label("英語対応").check()
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url(live_server + "/merchant/")
    assert "店舗情報を保存しました" in phone.locator(".flashes").inner_text()
    assert "おせち用の野菜" in phone.get_by_test_id("store-description").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # Switch the interface to English with the header's menu, edit the English profile.
    phone.get_by_test_id("lang-switch").click()  # the header's language menu
    phone.get_by_test_id("lang-en").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.locator("h1").inner_text() == "My stores"
    phone.get_by_role("link", name="Edit the profile").click()
    description = phone.get_by_role("group", name="Description")
    # The editor's language first; Japanese, which holds a text, unfolded below it.
    assert description.get_by_label("日本語").is_visible()
    assert description.get_by_label("日本語").input_value().startswith("朝どれ")
    english = "Mitaka vegetables, and New Year osechi greens."
    description.get_by_label("English").fill(english)
    hours = phone.get_by_role("group", name="Opening hours")
    hours.get_by_label("English").fill("9:00-19:00, closed on Sundays")
    phone.get_by_role("button", name="Save").click()
    phone.wait_for_url(live_server + "/merchant/")
    assert "is saved" in phone.locator(".flashes").inner_text()
    assert "osechi greens" in phone.get_by_test_id("store-description").inner_text()
    assert "Yaotatsu Greengrocer" in phone.get_by_test_id("merchant-store").inner_text()

    # Reopening the form shows both languages as saved.
    phone.get_by_role("link", name="Edit the profile").click()
    assert phone.get_by_label("English spoken").is_checked()
    hours = phone.get_by_role("group", name="Opening hours")
    assert hours.get_by_label("日本語").input_value() == "9時〜19時（日曜定休）"
    with app.app_context():
        store = (
            db.session.query(Store).filter(Store.name["ja"].as_string() == "三鷹青果 八百辰").one()
        )
        assert store.hours.get("en", "") == "9:00-19:00, closed on Sundays"
        assert store.description.get("ja", "") == "朝どれの三鷹野菜。年末はおせち用の野菜も。"
        assert store.english_spoken


def test_invalid_website_shows_a_translated_error(live_server, phone, demo):
    phone.goto(live_server + "/auth/login")
    phone.get_by_label("メールアドレス").fill(MERCHANT_EMAIL)
    phone.get_by_label("パスワード").fill(MERCHANT_PASSWORD)
    phone.get_by_role("button", name="ログイン").click()
    phone.wait_for_url(live_server + "/merchant/")
    phone.get_by_role("link", name="店舗情報を編集").click()
    website = phone.get_by_label("ウェブサイト")
    website.fill("javascript:alert(1)")
    phone.get_by_role("button", name="保存").click()
    assert "https:// で始まるアドレス" in phone.locator(".field-error").inner_text()
    assert website.get_attribute("aria-invalid") == "true"
