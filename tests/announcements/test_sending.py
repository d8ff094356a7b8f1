"""Who gets an announcement, on which channel, in which language, and when."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rally.announcements import operations
from rally.announcements.models import Announcement, AnnouncementState, Audience, Frequency
from rally.announcements.operations import AnnouncementInput
from rally.announcements.sending import send_announcement, send_due_announcements
from rally.cards.models import Card, Stamp
from rally.extensions import db
from rally.jobs.models import DeliveryState
from rally.notifications.models import Notification
from rally.utils import utcnow

from .conftest import deliveries, mails_to

EN = {"Accept-Language": "en"}


def _create(app, audience=Audience.everyone, target_id=None, publish_in=None, urgent=False, **kw):
    """An announcement sent now (publish_in None) or scheduled; returns its id."""
    with app.app_context():
        now = utcnow()
        data = AnnouncementInput(
            title={"ja": "夏祭り", "en": "Summer festival"},
            body={"ja": "土曜日です。", "en": "It is on Saturday."},
            audience=audience,
            target_id=target_id,
            urgent=urgent,
            publish_at=now + (publish_in or timedelta(0)),
        )
        from rally.auth.models import Role, User

        admin = db.session.scalar(select(User).where(User.role == Role.admin))
        announcement = operations.save(admin, data, now)
        db.session.commit()
        return announcement.id


def _told(app, announcement_id) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(Notification.visitor_id).where(
                    Notification.announcement_id == announcement_id
                )
            )
        )


def _email(app, visitor_id):
    from rally.visitors.models import Visitor

    with app.app_context():
        return db.session.get(Visitor, visitor_id).email


# --- Audience ----------------------------------------------------------------------------


def test_everyone_reaches_residents_with_an_account_and_no_one_else(app, admin_user, make_resident):
    resident = make_resident()
    no_profile = make_resident(profile=False)
    announcement_id = _create(app)
    assert _told(app, announcement_id) == {resident}
    assert no_profile not in _told(app, announcement_id)


def test_a_circle_audience_reaches_its_members_only(app, admin_user, make_resident, make_circle):
    member, outsider = make_resident(), make_resident()
    circle_id = make_circle(members=[member])
    assert _told(app, _create(app, Audience.circle, circle_id)) == {member}
    assert outsider not in _told(app, _create(app, Audience.circle, circle_id))


def test_an_area_audience_reaches_its_residents_only(app, admin_user, make_resident, make_area):
    here, there = make_area("下連雀"), make_area("上連雀")
    neighbour, elsewhere = make_resident(area_id=here), make_resident(area_id=there)
    told = _told(app, _create(app, Audience.area, here))
    assert neighbour in told and elsewhere not in told


def test_verified_residents_only(app, admin_user, make_resident):
    verified, unverified = make_resident(verified=True), make_resident()
    told = _told(app, _create(app, Audience.verified))
    assert verified in told and unverified not in told


def test_a_campaign_reaches_card_holders_with_an_account(
    app, admin_user, make_resident, make_campaign
):
    campaign_id, checkpoints = make_campaign()
    other_campaign, other_checkpoints = make_campaign()
    holder, other_holder, bystander = make_resident(), make_resident(), make_resident()
    with app.app_context():
        for visitor_id, campaign, checkpoint in (
            (holder, campaign_id, checkpoints[0]),
            (other_holder, other_campaign, other_checkpoints[0]),
        ):
            card = Card(visitor_id=visitor_id)
            db.session.add(card)
            db.session.flush()
            db.session.add(Stamp(card_id=card.id, checkpoint_id=checkpoint, campaign_id=campaign))
        db.session.commit()
    told = _told(app, _create(app, Audience.campaign, campaign_id))
    assert told == {holder}
    assert bystander not in told and other_holder not in told


# --- Channels, languages ------------------------------------------------------------------


def test_each_resident_gets_the_mail_in_their_language(app, admin_user, make_resident):
    japanese, english = make_resident("ja"), make_resident("en")
    _create(app)
    [ja_mail] = mails_to(app, _email(app, japanese))
    [en_mail] = mails_to(app, _email(app, english))
    assert ja_mail["Subject"] == "夏祭り" and "土曜日です。" in ja_mail.get_content()
    assert en_mail["Subject"] == "Summer festival" and "It is on Saturday." in en_mail.get_content()


def test_mail_has_one_click_unsubscribe_headers(app, admin_user, make_resident):
    resident = make_resident()
    _create(app)
    [mail] = mails_to(app, _email(app, resident))
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"]
    assert link.startswith("<http") and "/unsubscribe/" in link and link.endswith(">")


def test_in_app_notification_and_banner_in_the_residents_language(
    app, admin_user, make_resident, visitor_client
):
    english = make_resident("en")
    _create(app)
    client = visitor_client(english)
    page = client.get("/me/notifications", headers=EN).get_data(as_text=True)
    assert "Announcement: Summer festival" in page
    home = client.get("/", headers=EN).get_data(as_text=True)
    assert 'data-testid="announcement-banner"' in home and "Summer festival" in home


def test_dismissing_the_banner_hides_it_and_counts_as_opened(
    app, admin_user, make_resident, visitor_client, announcer
):
    resident = make_resident("en")
    announcement_id = _create(app)
    client = visitor_client(resident)
    with app.app_context():
        note = db.session.scalar(select(Notification.id).where(Notification.visitor_id == resident))
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post(f"/me/announcements/{note}/dismiss", data={"next": "/"})
    assert response.status_code == 303
    assert 'data-testid="announcement-banner"' not in client.get("/", headers=EN).get_data(
        as_text=True
    )
    figures = announcer.get(f"/admin/announcements/{announcement_id}", headers=EN)
    row = figures.get_data(as_text=True).split('data-testid="figures-inapp"')[1].split("</tr>")[0]
    assert "<td>1</td>" in row  # sent 1, opened 1


def test_push_reaches_each_device_decrypted_in_the_residents_language(
    app, admin_user, make_resident, subscribe_device, push_service
):
    english = make_resident("en")
    _, device = subscribe_device(english)
    announcement_id = _create(app)
    [received] = push_service.received
    assert not received.problems
    import json

    message = json.loads(received.plaintext)
    assert message["title"] == "Summer festival" and message["body"] == "It is on Saturday."
    [push] = deliveries(app, "push")
    assert push.state is DeliveryState.sent and push.batch == f"announcement:{announcement_id}"


def test_a_gone_device_fails_alone_and_the_other_device_gets_it(
    app, admin_user, make_resident, subscribe_device, push_service
):
    resident = make_resident()
    subscribe_device(resident, answer=410)
    subscribe_device(resident)
    _create(app)
    states = sorted(d.state.value for d in deliveries(app, "push"))
    assert states == ["failed", "sent"]


# --- Choices ------------------------------------------------------------------------------


@pytest.mark.parametrize("frequency", [Frequency.daily, Frequency.weekly, Frequency.none])
def test_no_real_time_mail_unless_chosen(app, admin_user, make_resident, frequency):
    resident = make_resident()
    with app.app_context():
        operations.choose(resident, None, frequency)
        db.session.commit()
    announcement_id = _create(app)
    assert mails_to(app, _email(app, resident)) == []
    assert resident in _told(app, announcement_id)  # still in the app


def test_urgent_skips_the_digest_choice_but_not_none(app, admin_user, make_resident):
    weekly, never = make_resident(), make_resident()
    with app.app_context():
        operations.choose(weekly, None, Frequency.weekly)
        operations.choose(never, None, Frequency.none)
        db.session.commit()
    _create(app, urgent=True)
    [mail] = mails_to(app, _email(app, weekly))
    assert mail["Subject"] == "【緊急】夏祭り"
    assert mails_to(app, _email(app, never)) == []


# --- Schedule ------------------------------------------------------------------------------


def test_a_scheduled_announcement_is_not_sent_early_and_is_sent_when_due(
    app, admin_user, make_resident, monkeypatch
):
    resident = make_resident()
    announcement_id = _create(app, publish_in=timedelta(hours=2))
    with app.app_context():
        assert send_announcement.call_local(announcement_id) == 0  # run early: nothing
        send_due_announcements.call_local()
        assert db.session.get(Announcement, announcement_id).state is AnnouncementState.scheduled
    assert _told(app, announcement_id) == set()
    later = utcnow() + timedelta(hours=2, minutes=1)
    monkeypatch.setattr("rally.announcements.sending.utcnow", lambda: later)
    with app.app_context():
        send_due_announcements.call_local()
        assert db.session.get(Announcement, announcement_id).state is AnnouncementState.sent
        send_due_announcements.call_local()  # once only
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
    assert _told(app, announcement_id) == {resident}
    assert len(mails_to(app, _email(app, resident))) == 1


def test_a_scheduled_job_waits_for_its_time(app, admin_user, make_resident, queue):
    make_resident()
    _create(app, publish_in=timedelta(hours=2))
    with app.app_context():
        from rally.jobs import huey

        [task] = huey.pending()  # a worker holds it in its schedule until its eta
        assert task.name.endswith("send_announcement")
        assert task.eta > utcnow() + timedelta(hours=1)
