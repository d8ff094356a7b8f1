"""Residents' choices, the one-click unsubscribe, and digests."""

from datetime import timedelta

from sqlalchemy import func, select

from rally.announcements import operations
from rally.announcements.models import Frequency, NotificationChoice
from rally.extensions import db
from rally.mail import outbox
from rally.notifications.digests import send_digests
from rally.notifications.models import Notification
from rally.utils import utcnow
from rally.visitors.models import Visitor

EN = {"Accept-Language": "en"}


def _choices(app, visitor_id):
    with app.app_context():
        return operations.choices(visitor_id)


def _token(app, visitor_id, circle_id=None):
    with app.app_context():
        return operations.unsubscribe_token(visitor_id, circle_id)


def test_unsubscribe_page_works_without_login_and_asks_first(app, client, make_resident):
    resident = make_resident()
    page = client.get(f"/unsubscribe/{_token(app, resident)}", headers=EN)
    assert page.status_code == 200 and "Stop these e-mails" in page.get_data(as_text=True)
    assert _choices(app, resident) == {}  # a GET (a mail scanner following links) changes nothing


def test_one_click_post_sets_announcements_to_none(app, client, make_resident):
    resident = make_resident()
    response = client.post(
        f"/unsubscribe/{_token(app, resident)}", data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert _choices(app, resident) == {None: Frequency.none}


def test_a_circles_link_sets_that_circle_to_none(app, client, make_resident, make_circle):
    resident = make_resident()
    circle_id = make_circle(members=[resident])
    client.post(f"/unsubscribe/{_token(app, resident, circle_id)}")
    assert _choices(app, resident) == {circle_id: Frequency.none}


def test_a_forged_link_is_404_and_changes_nothing(app, client, make_resident):
    resident = make_resident()
    token = _token(app, resident)
    response = client.post(f"/unsubscribe/{token[:-2]}xx")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NotificationChoice)) == 0


def test_settings_page_shows_defaults_and_keeps_choices(
    app, make_resident, make_circle, visitor_client
):
    resident = make_resident("en")
    circle_id = make_circle(members=[resident])
    client = visitor_client(resident)
    page = client.get("/me/notifications/settings", headers=EN).get_data(as_text=True)
    assert 'id="announcements-realtime" name="announcements" value="realtime" checked' in page
    assert (
        f'id="circle-{circle_id}-weekly" name="circle-{circle_id}" value="weekly" checked' in page
    )
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post(
        "/me/notifications/settings",
        data={"announcements": "daily", f"circle-{circle_id}": "none"},
    )
    assert response.status_code == 303
    assert _choices(app, resident) == {None: Frequency.daily, circle_id: Frequency.none}


def test_settings_refuse_an_unknown_choice_and_keep_the_old_ones(
    app, make_resident, visitor_client
):
    resident = make_resident("en")
    client = visitor_client(resident)
    app.config["WTF_CSRF_ENABLED"] = False
    client.post("/me/notifications/settings", data={"announcements": "hourly"})
    assert _choices(app, resident) == {}


def test_settings_need_a_log_in(client):
    assert client.get("/me/notifications/settings").status_code == 303


# --- Digests ------------------------------------------------------------------------------


def _circle_news(app, visitor_id, circle_id, days_ago=1):
    with app.app_context():
        db.session.add(
            Notification(
                visitor_id=visitor_id,
                kind="join_approved",
                circle_id=circle_id,
                created_at=utcnow() - timedelta(days=days_ago),
            )
        )
        db.session.commit()


def _digest_to(app, visitor_id, period=Frequency.weekly):
    with app.app_context():
        before = len(outbox())
        send_digests(period, utcnow())
        email = db.session.get(Visitor, visitor_id).email
        return [m for m in outbox()[before:] if m["To"] == email]


def test_default_weekly_digest_only_for_residents_away_a_week(app, make_resident, make_circle):
    away = make_resident("en", seen_days_ago=8)
    here = make_resident("en", seen_days_ago=2)
    circle_id = make_circle(members=[away, here])
    _circle_news(app, away, circle_id)
    _circle_news(app, here, circle_id)
    [mail] = _digest_to(app, away)
    assert mail["Subject"] == "Your weekly digest"
    assert "1 new notification in Hiroba" in mail.get_content()
    assert _digest_to(app, here) == []


def test_default_weekly_digest_stops_after_180_days_away(app, make_resident, make_circle):
    gone = make_resident(seen_days_ago=181)
    circle_id = make_circle(members=[gone])
    _circle_news(app, gone, circle_id)
    assert _digest_to(app, gone) == []


def test_a_chosen_daily_digest_goes_whatever_the_visits(app, make_resident, make_circle):
    resident = make_resident("ja", seen_days_ago=0)
    circle_id = make_circle(members=[resident])
    with app.app_context():
        operations.choose(resident, circle_id, Frequency.daily)
        db.session.commit()
    _circle_news(app, resident, circle_id, days_ago=0)
    [mail] = _digest_to(app, resident, Frequency.daily)
    assert "子育てひろば" in mail.get_content()
    assert _digest_to(app, resident, Frequency.weekly) == []


def test_none_means_no_digest(app, make_resident, make_circle):
    resident = make_resident(seen_days_ago=30)
    circle_id = make_circle(members=[resident])
    with app.app_context():
        operations.choose(resident, circle_id, Frequency.none)
        db.session.commit()
    _circle_news(app, resident, circle_id)
    assert _digest_to(app, resident) == []


def test_a_visit_is_noted_at_most_once_an_hour(app, make_resident, visitor_client):
    resident = make_resident(seen_days_ago=30)
    client = visitor_client(resident)
    client.get("/")
    with app.app_context():
        first = db.session.get(Visitor, resident).last_seen_at
    assert first > utcnow() - timedelta(minutes=1)
    with app.app_context():
        db.session.get(Visitor, resident).last_seen_at = utcnow() - timedelta(minutes=30)
        db.session.commit()
    client.get("/")  # within the hour: the session knows, no write
    with app.app_context():
        assert db.session.get(Visitor, resident).last_seen_at < utcnow() - timedelta(minutes=29)


def test_real_time_mail_for_a_circle_only_when_chosen(app, make_resident, make_circle):
    from rally.circles.models import Circle
    from rally.notifications import operations as notifications

    eager, default = make_resident("en"), make_resident("en")
    circle_id = make_circle(members=[eager, default])
    with app.app_context():
        operations.choose(eager, circle_id, Frequency.realtime)
        circle = db.session.get(Circle, circle_id)
        before = len(outbox())
        notifications.notify_join_answer(circle, eager, True)
        notifications.notify_join_answer(circle, default, True)
        db.session.commit()
        sent = outbox()[before:]
        assert [m["To"] for m in sent] == [db.session.get(Visitor, eager).email]
        assert sent[0]["Subject"] == "New in Hiroba"
