"""A merchant who forgot the password sets a new one from the e-mailed link, on a phone."""

import re

import pytest
from playwright.sync_api import expect

from rally.mail import outbox

pytestmark = pytest.mark.browser


def test_forgotten_password_journey(app, live_server, phone, make_user):
    merchant = make_user(email="yaotatsu@example.jp")
    phone.goto(live_server + "/auth/login")
    phone.get_by_role("link", name="パスワードをお忘れですか？").click()
    phone.get_by_label("メールアドレス").fill("yaotatsu@example.jp")
    phone.get_by_role("button", name="リンクを送る").click()
    expect(phone.locator(".flashes")).to_contain_text("yaotatsu@example.jp")

    with app.app_context():
        (message,) = outbox()
    link = re.search(r"http://127\.0\.0\.1:\d+/auth/password/reset/\S+", message.get_content())[0]
    phone.goto(link)
    phone.get_by_label("新しいパスワード", exact=True).fill("a brand new password")
    phone.get_by_label("パスワード（確認）").fill("a brand new password")
    phone.get_by_role("button", name="新しいパスワードを設定する").click()
    expect(phone.locator(".flashes")).to_contain_text("新しいパスワードを設定しました")

    phone.get_by_label("メールアドレス").fill(merchant.email)
    phone.get_by_label("パスワード").fill("a brand new password")
    phone.get_by_role("button", name="ログイン").click()
    phone.wait_for_url(live_server + "/merchant/")

    # The link worked once.
    phone.goto(link)
    expect(phone.get_by_test_id("reset-refused")).to_be_visible()
