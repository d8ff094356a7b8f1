"""Messages: only between the giver and the resident who reserved, only once reserved;
escaped; each reservation its own conversation; the other side notified in their language."""

import pytest
from sqlalchemy import select

from rally.errors import RallyError
from rally.extensions import db
from rally.handmedown import operations
from rally.handmedown.models import ListingMessage
from rally.notifications.models import Notification

from .conftest import EN, snapshot


def write(client, listing_id, text):
    return client.post(f"/handmedown/{listing_id}/messages", data={"text": text}, headers=EN)


@pytest.fixture
def reserved(make_visitor, offer, act):
    giver = make_visitor(name="Giver Gina", locale="en")
    taker = make_visitor(name="たろう", locale="ja")
    listing_id = offer(giver, title="Stroller")
    act(operations.reserve, listing_id, taker)
    return giver, taker, listing_id


def test_the_two_exchange_messages_escaped(app, reserved, visitor_client):
    giver, taker, listing_id = reserved
    assert write(visitor_client(taker), listing_id, "<b>土曜日</b>は？\n10時").status_code == 303
    assert write(visitor_client(giver), listing_id, "OK, see you!").status_code == 303
    page = visitor_client(giver).get(f"/handmedown/{listing_id}", headers=EN).text
    assert "&lt;b&gt;土曜日&lt;/b&gt;は？" in page
    assert "<b>土曜日</b>" not in page
    assert page.index("土曜日") < page.index("OK, see you!")
    assert "OK, see you!" in visitor_client(taker).get(f"/handmedown/{listing_id}").text


def test_a_third_resident_can_neither_read_nor_write(
    app, reserved, make_visitor, visitor_client, client, act
):
    giver, taker, listing_id = reserved
    act(operations.send_message, listing_id, taker, "秘密の待ち合わせ場所")
    third = visitor_client(make_visitor())
    assert "秘密の待ち合わせ場所" not in third.get(f"/handmedown/{listing_id}").text
    assert "秘密の待ち合わせ場所" not in client.get(f"/handmedown/{listing_id}").text
    before = snapshot(app)
    assert write(third, listing_id, "I want it too").status_code == 403
    assert write(third, listing_id, "").status_code == 403
    assert write(third, listing_id + 1000, "hello").status_code == 404
    assert snapshot(app) == before
    anonymous = write(client, listing_id, "hello")
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["Location"]
    assert snapshot(app) == before


def test_no_message_before_a_reservation(app, make_visitor, offer, visitor_client):
    giver, other = make_visitor(), make_visitor()
    listing_id = offer(giver)
    before = snapshot(app)
    assert write(visitor_client(other), listing_id, "まだありますか").status_code == 403
    assert write(visitor_client(giver), listing_id, "どうぞ").status_code == 403
    assert snapshot(app) == before


def test_a_later_reserver_never_reads_an_earlier_conversation(
    app, reserved, make_visitor, act, visitor_client
):
    giver, taker, listing_id = reserved
    act(operations.send_message, listing_id, taker, "前の人のメッセージ")
    act(operations.cancel_reservation, listing_id, taker)
    later = make_visitor()
    act(operations.reserve, listing_id, later)
    page = visitor_client(later).get(f"/handmedown/{listing_id}", headers=EN).text
    assert 'data-testid="messages"' in page
    assert "前の人のメッセージ" not in page
    with pytest.raises(RallyError) as refused:
        act(operations.send_message, listing_id, taker, "まだ？")
    assert refused.value.code == "not_party"


def test_an_empty_or_overlong_message_is_refused(app, reserved, act):
    giver, taker, listing_id = reserved
    for text, code in (("   ", "message_empty"), ("あ" * 1001, "message_too_long")):
        with pytest.raises(RallyError) as refused:
            act(operations.send_message, listing_id, taker, text)
        assert refused.value.code == code
    with app.app_context():
        assert db.session.scalars(select(ListingMessage)).all() == []


def test_the_other_side_is_notified_in_their_language(app, reserved, act, visitor_client):
    giver, taker, listing_id = reserved
    act(operations.send_message, listing_id, taker, "こんにちは")
    act(operations.send_message, listing_id, giver, "Hello")
    with app.app_context():
        rows = db.session.execute(
            select(Notification.visitor_id, Notification.kind).order_by(Notification.id)
        ).all()
    assert rows == [
        (giver, "listing_reserved"),
        (giver, "listing_message"),
        (taker, "listing_message"),
    ]
    english = visitor_client(giver).get("/me/notifications", headers=EN).text
    assert "たろう</strong> reserved your listing “Stroller”" in english
    assert "たろう</strong> sent you a message about “Stroller”" in english
    japanese = visitor_client(taker).get("/me/notifications", headers={"Accept-Language": "ja"})
    assert "Giver Gina" in japanese.text
    assert "メッセージ" in japanese.text


def test_a_lapsed_reservation_is_told_in_the_reserver_language(
    app, make_visitor, offer, act, visitor_client
):
    from datetime import timedelta

    from rally.utils import utcnow

    giver, taker = make_visitor(), make_visitor(locale="ja")
    listing_id = offer(giver, title="ベビーカー")
    act(operations.reserve, listing_id, taker, now=utcnow() - timedelta(days=4))
    with app.app_context():
        assert operations.lapse_due(utcnow()) == 1
        db.session.commit()
    ja = visitor_client(taker).get("/me/notifications", headers={"Accept-Language": "ja"}).text
    assert "「ベビーカー」の予約は取り消されました" in ja
    en = visitor_client(taker).get("/me/notifications", headers=EN).text
    assert "Your reservation of “ベビーカー” lapsed" in en
