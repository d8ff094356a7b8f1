"""The back office's announcement pages and disaster mode."""

from sqlalchemy import func, select

from rally.announcements.models import Announcement, AnnouncementState, DisasterMode
from rally.extensions import db
from rally.notifications.models import Notification

from .conftest import announcement_form

EN = {"Accept-Language": "en"}


def _count(app, model=Announcement):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _only(app) -> Announcement:
    with app.app_context():
        row = db.session.scalar(select(Announcement))
        db.session.expunge(row)
        return row


def test_admin_saves_a_draft_and_sends_it_after_confirming(app, announcer, make_resident):
    resident = make_resident("en")
    response = announcer.post("/admin/announcements/new", data=announcement_form(), headers=EN)
    assert response.status_code == 303
    draft = _only(app)
    assert draft.state is AnnouncementState.draft and draft.title["en"] == "Summer festival"
    confirm = announcer.get(f"/admin/announcements/{draft.id}/send", headers=EN)
    assert "It will reach 1 resident" in confirm.get_data(as_text=True)
    assert _count(app, Notification) == 0  # asking is not sending
    announcer.post(f"/admin/announcements/{draft.id}/send")
    assert _only(app).state is AnnouncementState.sent
    with app.app_context():
        assert db.session.scalar(select(Notification.visitor_id)) == resident
    page = announcer.get(f"/admin/announcements/{draft.id}", headers=EN).get_data(as_text=True)
    mail_row = page.split('data-testid="figures-mail"')[1].split("</tr>")[0]
    assert mail_row.count("<td>1</td>") == 1  # sent 1


def test_recipient_count_preview(app, announcer, make_resident, make_area):
    area = make_area()
    make_resident(area_id=area)
    make_resident(area_id=area)
    make_resident()
    form = announcement_form(audience="area", area_id=str(area), submit=None, preview="Count")
    page = announcer.post("/admin/announcements/new", data=form, headers=EN)
    assert "would reach 2 residents" in page.get_data(as_text=True)
    assert _count(app) == 0  # a preview saves nothing


def test_cancel_a_scheduled_announcement(app, announcer, make_resident):
    make_resident()
    announcer.post(
        "/admin/announcements/new", data=announcement_form(publish_at="2099-01-01T09:00")
    )
    scheduled = _only(app)
    assert scheduled.state is AnnouncementState.scheduled
    announcer.post(f"/admin/announcements/{scheduled.id}/cancel")
    assert _only(app).state is AnnouncementState.cancelled
    announcer.post(f"/admin/announcements/{scheduled.id}/send")
    assert _only(app).state is AnnouncementState.cancelled  # a cancelled one never goes
    assert _count(app, Notification) == 0


def test_urgent_notice_at_most_110_characters(app, announcer):
    form = announcement_form(urgent="y", **{"body-ja": "あ" * 111, "body-en": "a" * 50})
    response = announcer.post("/admin/announcements/new", data=form, headers=EN)
    assert response.status_code == 400
    assert "at most 110 characters" in response.get_data(as_text=True)
    assert _count(app) == 0
    ok = announcement_form(urgent="y", **{"body-ja": "あ" * 110, "body-en": "a" * 110})
    assert announcer.post("/admin/announcements/new", data=ok).status_code == 303


def test_merchants_may_not_send_announcements_or_urgent_notices(app, auth, merchant):
    client = auth.new_client(merchant)
    response = client.post("/admin/announcements/new", data=announcement_form(urgent="y"))
    assert response.status_code == 403
    assert client.get("/admin/announcements").status_code == 403
    assert client.post("/admin/disaster", data={"message-ja": "避難"}).status_code == 403
    assert _count(app) == 0 and _count(app, DisasterMode) == 0


def test_urgent_refused_in_operations_for_a_non_admin(app, merchant):
    from rally.announcements import operations
    from rally.announcements.models import Audience
    from rally.auth.models import User
    from rally.utils import utcnow

    with app.app_context():
        user = db.session.get(User, merchant.id)
        data = operations.AnnouncementInput(
            title={"ja": "台風"}, body={"ja": "避難"}, audience=Audience.everyone, urgent=True
        )
        try:
            operations.save(user, data, utcnow())
        except operations.AnnouncementError as error:
            assert error.code == "urgent_admins_only" and error.status == 403
        else:
            raise AssertionError("refused")
        db.session.rollback()
    assert _count(app) == 0


# --- Disaster mode ------------------------------------------------------------------------


def test_disaster_banner_on_every_page_until_ended(
    app, announcer, client, make_resident, visitor_client
):
    message = {"message-ja": "台風のため避難所を開設しました", "message-en": "Shelters are open"}
    assert announcer.post("/admin/disaster", data=message).status_code == 303
    resident = visitor_client(make_resident("en"))
    pages = ["/", "/news", "/events", "/me/notifications", "/auth/login", "/no-such-page"]
    for path in pages:
        page = resident.get(path, headers=EN).get_data(as_text=True)
        assert 'data-testid="disaster-banner"' in page, path
        assert "Shelters are open" in page and 'href="/life?kind=shelter"' in page
    assert "台風のため避難所を開設しました" in client.get("/").get_data(as_text=True)
    assert 'data-testid="disaster-banner"' in announcer.get("/admin/announcements").get_data(
        as_text=True
    )
    announcer.post("/admin/disaster/end")
    for path in pages:
        assert 'data-testid="disaster-banner"' not in resident.get(path).get_data(as_text=True)


def test_no_banner_and_no_query_when_off(app, client):
    from sqlalchemy import event

    statements = []

    def count(conn, cursor, statement, *args):
        if "disaster_mode" in statement:
            statements.append(statement)

    client.get("/")
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for _ in range(3):
                assert 'data-testid="disaster-banner"' not in client.get("/").get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert statements == []  # read at most every few seconds per process
