"""E-mails in the recipient's language: the one their account keeps, which the switch
keeps up to date while they are logged in."""

import re

import pytest
from sqlalchemy import select

from rally.auth.models import User
from rally.extensions import db
from rally.mail import outbox
from rally.visitors.models import Visitor

from .catalogs import pattern, translated

JA = {"Accept-Language": "ja"}


def last_mail(app):
    with app.app_context():
        return outbox()[-1]


def save_card(app, client, stamp_path, checkpoint_id, headers):
    client.get(stamp_path(checkpoint_id), headers=headers)
    data = {"email": "mei@example.tw", "password": "long enough pw", "confirm": "long enough pw"}
    assert client.post("/me/save", data=data, headers=headers).status_code == 303


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant", "ko"])
def test_a_visitor_is_written_to_in_the_language_they_browse_in(
    app, client, make_campaign, stamp_path, lang
):
    _, checkpoints = make_campaign()
    save_card(app, client, stamp_path, checkpoints[0], {"Accept-Language": lang})
    assert last_mail(app)["Subject"] == translated(lang, "Please confirm your e-mail address")
    with app.app_context():
        assert db.session.scalar(select(Visitor.locale)) == lang  # fits its column, too


def test_the_switch_keeps_a_logged_in_visitors_language_for_their_mail(
    app, client, make_campaign, stamp_path
):
    _, checkpoints = make_campaign()
    save_card(app, client, stamp_path, checkpoints[0], JA)
    client.get("/lang/zh_Hant")
    with app.app_context():
        assert db.session.scalar(select(Visitor.locale)) == "zh_Hant"
    # Asked for from a Japanese page, on another phone: the mail is in their language.
    stranger = app.test_client()
    stranger.post("/me/password/forgot", data={"email": "mei@example.tw"}, headers=JA)
    mail = last_mail(app)
    assert mail["Subject"] == translated("zh_Hant", "Set a new password")
    assert re.search(r"http://rally\.test/me/password/reset/\S+", mail.get_content())


def test_a_switch_without_a_log_in_writes_nothing(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    save_card(app, client, stamp_path, checkpoints[0], JA)
    client.post("/me/logout")
    app.test_client().get("/lang/ko")
    with app.app_context():
        assert db.session.scalar(select(Visitor.locale)) == "ja"


def test_the_switch_keeps_a_staff_accounts_language(app, client, auth, merchant):
    auth.login(merchant)
    client.get("/lang/ko")
    with app.app_context():
        assert db.session.get(User, merchant.id).locale == "ko"
    app.test_client().post("/auth/password/forgot", data={"email": merchant.email}, headers=JA)
    assert last_mail(app)["Subject"] == translated("ko", "Set a new password")


def test_a_staff_account_without_a_language_gets_the_askings_pages(app, merchant):
    """Nothing chosen yet: the page that asked is the best guess of who reads the mail."""
    app.test_client().post(
        "/auth/password/forgot", data={"email": merchant.email}, headers={"Accept-Language": "en"}
    )
    assert last_mail(app)["Subject"] == "Set a new password"


def test_the_account_page_says_which_language_mail_comes_in(app, client, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    save_card(app, client, stamp_path, checkpoints[0], JA)
    client.get("/lang/ko")
    html = client.get("/me/", headers=JA).get_data(as_text=True)
    line = re.search(r'<p data-testid="mail-language">(.*?)</p>', html).group(1)
    assert '<span lang="ko">한국어</span>' in line
    sentence = (
        "We write to you in %(language)s. The language menu at the top of the page changes it."
    )
    assert pattern("ko", sentence).fullmatch(line)  # the page is in Korean now, too
