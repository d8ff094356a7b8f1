"""The digest e-mails' one-click unsubscribe (RFC 8058): ``List-Unsubscribe`` headers, a
signed link that works without a log-in, asks on GET and turns the digests off on POST."""

import re
from datetime import timedelta

from sqlalchemy import select

from rally.announcements.choices import choose, unsubscribe_token
from rally.announcements.models import Frequency, NotificationChoice
from rally.extensions import db
from rally.mail import outbox
from rally.notifications.digests import send_digests
from rally.notifications.models import Notification
from rally.notifications.unsubscribe import digest_unsubscribe_token
from rally.utils import utcnow
from rally.visitors.models import Visitor

EN = {"Accept-Language": "en"}


def _away(app, visitor_id, days=8):
    with app.app_context():
        db.session.get(Visitor, visitor_id).last_seen_at = utcnow() - timedelta(days=days)
        db.session.commit()


def _news(app, visitor_id, circle_id):
    with app.app_context():
        db.session.add(
            Notification(
                visitor_id=visitor_id,
                kind="join_approved",
                circle_id=circle_id,
                created_at=utcnow() - timedelta(hours=2),
            )
        )
        db.session.commit()


def _digests_to(app, visitor_id, period=Frequency.weekly):
    with app.app_context():
        before = len(outbox())
        send_digests(period, utcnow() + timedelta(minutes=1))
        email = db.session.get(Visitor, visitor_id).email
        return [m for m in outbox()[before:] if m["To"] == email]


def _choices(app, visitor_id):
    with app.app_context():
        rows = db.session.execute(
            select(NotificationChoice.circle_key, NotificationChoice.frequency).where(
                NotificationChoice.visitor_id == visitor_id
            )
        )
        return dict(rows.all())


def _link(app, visitor_id):
    with app.app_context():
        return "/me/digests/unsubscribe/" + digest_unsubscribe_token(
            db.session.get(Visitor, visitor_id)
        )


def _resident_in_circle(app, make_resident, make_circle, add_member, locale="en"):
    resident = make_resident(locale=locale)
    circle_id = make_circle()
    add_member(circle_id, resident)
    _away(app, resident)
    return resident, circle_id


def test_a_digest_carries_the_one_click_unsubscribe_headers(
    app, make_resident, make_circle, add_member
):
    resident, circle_id = _resident_in_circle(app, make_resident, make_circle, add_member)
    _news(app, resident, circle_id)

    [mail] = _digests_to(app, resident)

    link = re.fullmatch(r"<(https?://[^>]+)>", mail["List-Unsubscribe"]).group(1)
    assert "/me/digests/unsubscribe/" in link
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop these digests: {link}" in mail.get_content()


def test_the_link_asks_first_without_a_log_in_and_changes_nothing(
    app, client, make_resident, make_circle, add_member
):
    resident, _ = _resident_in_circle(app, make_resident, make_circle, add_member)
    response = client.get(_link(app, resident), headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Stop the digest e-mails" in html and 'data-testid="stop-digests"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert _choices(app, resident) == {}


def test_one_click_post_turns_the_digests_off_without_a_form_token(
    app, client, make_resident, make_circle, add_member
):
    app.config["WTF_CSRF_ENABLED"] = True  # a mail client's POST carries no token
    resident, weekly_by_default = _resident_in_circle(app, make_resident, make_circle, add_member)
    daily, right_away = make_circle(), make_circle()
    add_member(daily, resident)
    add_member(right_away, resident)
    with app.app_context():
        choose(resident, daily, Frequency.daily)
        choose(resident, right_away, Frequency.realtime)
        db.session.commit()

    response = client.post(_link(app, resident), headers=EN)

    assert response.status_code == 200
    assert "You will no longer receive digest e-mails" in response.get_data(as_text=True)
    assert _choices(app, resident) == {
        weekly_by_default: Frequency.none,
        daily: Frequency.none,
        right_away: Frequency.realtime,  # not a digest: left as chosen
    }
    for circle_id in (weekly_by_default, daily):
        _news(app, resident, circle_id)
    assert _digests_to(app, resident) == []
    assert _digests_to(app, resident, Frequency.daily) == []
    again = client.post(_link(app, resident), headers=EN)  # a second click: the same
    assert again.status_code == 200


def test_other_posts_of_the_room_still_need_the_form_token(app, make_resident, visitor_client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = visitor_client(make_resident()).post("/me/notifications/read")
    assert response.status_code == 400


def test_a_forged_or_foreign_link_is_404_and_changes_nothing(
    app, client, make_resident, make_circle, add_member
):
    resident, _ = _resident_in_circle(app, make_resident, make_circle, add_member)
    good = _link(app, resident)
    with app.app_context():
        announcements_link = "/me/digests/unsubscribe/" + unsubscribe_token(resident)
    for link in (good[:-2] + "xx", announcements_link, "/me/digests/unsubscribe/abc"):
        assert client.get(link).status_code == 404
        assert client.post(link).status_code == 404
    assert _choices(app, resident) == {}


def test_a_link_is_revoked_when_the_address_changes(
    app, client, make_resident, make_circle, add_member
):
    resident, _ = _resident_in_circle(app, make_resident, make_circle, add_member)
    link = _link(app, resident)
    with app.app_context():
        db.session.get(Visitor, resident).email = "new-address@example.jp"
        db.session.commit()
    assert client.post(link).status_code == 404
    assert _choices(app, resident) == {}
    assert client.post(_link(app, resident)).status_code == 200  # the new address's link
