"""Every sender queues instead of sending inside its request: the request answers with
nothing sent and a job queued; the mail is there once the worker has run the job."""

# Fixtures imported from other packages' tests are parameters here.
# ruff: noqa: F811

from datetime import timedelta

from lottery.test_lottery import (
    enter_in_own_session,
    lottery_campaign,  # noqa: F401  (a fixture)
    verified_entrants,
)
from news.conftest import make_event, make_resident  # noqa: F401  (fixtures)
from sqlalchemy import select

from rally.auth.models import Role
from rally.extensions import db
from rally.lottery.models import Lottery, LotteryEntry
from rally.mail import outbox
from rally.utils import utcnow
from rally.visitors.models import Visitor

EN = {"Accept-Language": "en"}
SAVE = {"email": "hanako@example.jp", "password": "long enough pw", "confirm": "long enough pw"}


def sent_to(app) -> list[str]:
    with app.app_context():
        return [message["To"] for message in outbox()]


def test_saving_a_card_queues_the_verification_mail(app, client, queue, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    assert client.post("/me/save", data=SAVE, headers=EN).status_code == 303
    assert sent_to(app) == []
    assert queue.names() == ["rally.jobs.deliveries.deliver"]
    queue.run()
    assert sent_to(app) == ["hanako@example.jp"]
    with app.app_context():
        assert "/me/verify/" in outbox()[0].get_content()


def test_sending_the_link_again_queues_it(app, client, queue, make_campaign, stamp_path):
    _, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    client.post("/me/save", data=SAVE)
    queue.run()
    response = client.post("/me/resend", headers=EN)
    assert "We sent the link again." in client.get(response.headers["Location"], headers=EN).text
    assert sent_to(app) == ["hanako@example.jp"]
    assert len(queue) == 1
    queue.run()
    assert sent_to(app) == ["hanako@example.jp"] * 2


def test_a_visitors_password_reset_is_looked_up_and_sent_by_jobs(app, client, queue, make_resident):
    with app.app_context():
        email = db.session.get(Visitor, make_resident("en")).email
    assert client.post("/me/password/forgot", data={"email": email}).status_code == 303
    assert sent_to(app) == []
    assert queue.names() == ["rally.visitors.jobs.mail_reset_link"]
    queue.run()  # the look-up, which queues the mail, which the worker then sends
    assert sent_to(app) == [email]
    with app.app_context():
        assert "http://rally.test/me/password/reset/" in outbox()[0].get_content()


def test_a_staff_password_reset_is_looked_up_and_sent_by_jobs(app, client, queue, make_user):
    user = make_user(role=Role.admin)
    assert client.post("/auth/password/forgot", data={"email": user.email}).status_code == 303
    assert sent_to(app) == []
    assert queue.names() == ["rally.auth.jobs.mail_reset_link"]
    queue.run()
    assert sent_to(app) == [user.email]


def test_a_staff_reset_mail_is_in_the_language_of_the_page_that_asked(
    app, client, queue, make_user
):
    user = make_user(role=Role.admin)  # never chose a language
    client.post("/auth/password/forgot", data={"email": user.email}, headers=EN)
    queue.run()
    with app.app_context():
        assert outbox()[0]["Subject"] == "Set a new password"


def test_a_lottery_draw_queues_the_winners_mails(
    app, client, queue, auth, make_user, lottery_campaign, card_with_stamps
):
    _, checkpoints, _, lottery_id = lottery_campaign
    for card_id, visitor_id in verified_entrants(app, card_with_stamps, checkpoints, 3):
        assert enter_in_own_session(app, lottery_id, card_id, visitor_id) == "entered"
    with app.app_context():
        db.session.get(Lottery, lottery_id).winners_count = 2
        db.session.commit()
    auth.login(make_user(role=Role.admin))
    response = client.post(f"/manage/lotteries/{lottery_id}/draw", headers=EN)
    assert response.status_code == 303
    html = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Drawn: 2 winners will be told by e-mail." in html
    assert sent_to(app) == []
    assert queue.names() == ["rally.jobs.deliveries.deliver_mail_batch"]  # both, in one job
    queue.run()
    with app.app_context():
        winners = db.session.scalars(select(LotteryEntry).where(LotteryEntry.won.is_(True)))
        assert sorted(sent_to(app)) == sorted(entry.visitor.email for entry in winners)


def test_a_cancelled_seat_queues_the_promoted_residents_mail(
    app, queue, make_event, make_resident, visitor_client
):
    event_id = make_event(capacity=1)
    seated, waiting = make_resident(), make_resident("en")
    for resident in (seated, waiting):
        visitor_client(resident).post(f"/events/{event_id}/register")
    response = visitor_client(seated).post(f"/events/{event_id}/cancel")
    assert response.status_code == 303
    assert sent_to(app) == []
    assert len(queue) == 1
    queue.run()
    with app.app_context():
        assert sent_to(app) == [db.session.get(Visitor, waiting).email]
        assert outbox()[0]["Subject"] == "You have a seat: Round table"


def test_more_seats_queue_the_promoted_residents_mail(
    app, queue, admin_client, make_event, make_resident, visitor_client
):
    event_id = make_event(capacity=1)
    seated, waiting = make_resident(), make_resident("en")
    for resident in (seated, waiting):
        visitor_client(resident).post(f"/events/{event_id}/register")
    with app.test_request_context():  # the edit page's request: its mail links the event
        from rally.news import registrations
        from rally.news.models import Event

        event = db.session.get(Event, event_id)
        event.capacity = 2
        registrations.tell_promoted(registrations.fill_seats(event, utcnow()))
        assert sent_to(app) == []
        db.session.commit()  # as the event's edit page does
    assert len(queue) == 1
    queue.run()
    with app.app_context():
        assert sent_to(app) == [db.session.get(Visitor, waiting).email]


def test_the_reminder_command_queues_the_reminders(
    app, runner, queue, make_event, make_resident, visitor_client
):
    soon = make_event(starts_at=utcnow() + timedelta(hours=20))
    resident = make_resident("en")
    visitor_client(resident).post(f"/events/{soon}/register")
    result = runner.invoke(args=["events", "remind"])
    assert "Reminders queued: 1." in result.output
    assert sent_to(app) == []
    queue.run()
    with app.app_context():
        assert sent_to(app) == [db.session.get(Visitor, resident).email]
        assert outbox()[0]["Subject"] == "Reminder: Round table"


def test_a_deleted_account_is_sent_nothing_still_queued(
    app, client, queue, make_campaign, stamp_path
):
    _, checkpoints = make_campaign()
    client.get(stamp_path(checkpoints[0]))
    client.post("/me/save", data=SAVE)  # its verification mail waits in the queue ...
    response = client.post("/me/delete", data={"password": SAVE["password"]})
    assert response.status_code == 303  # ... when the account is deleted
    queue.run()
    assert sent_to(app) == []
    with app.app_context():
        from sqlalchemy import func

        from rally.jobs.models import Delivery

        assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0
