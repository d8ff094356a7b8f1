"""Residents' corrections: who may suggest, who sees them, who answers; refusals leave the
database unchanged; the resident is told in their language."""

import pytest
from sqlalchemy import func, select

from rally.extensions import db
from rally.lifeinfo.models import CorrectionState, LifeCorrection
from rally.lifeinfo.operations import LifeError, answer_correction
from rally.notifications.models import Notification

EN = {"Accept-Language": "en"}


def count(app, model=LifeCorrection) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def suggested(app, make_place, make_resident, visitor_client):
    """A resident's pending correction of a clinic: ``(place id, resident id, correction id)``."""
    place = make_place("Sakura Clinic")
    resident = make_resident(locale="en")
    response = visitor_client(resident).post(
        f"/life/{place}/correct", data={"topic": "hours", "text": "Closed on Wednesdays now."}
    )
    assert response.status_code == 303
    with app.app_context():
        correction = db.session.scalar(select(LifeCorrection))
        return place, resident, correction.id


def test_a_resident_suggests_and_sees_the_confirmation_and_the_state(
    client, make_place, make_resident, visitor_client
):
    place = make_place("Sakura Clinic")
    resident = visitor_client(make_resident())
    assert resident.get(f"/life/{place}/correct", headers=EN).status_code == 200
    page = resident.post(
        f"/life/{place}/correct",
        data={"topic": "phone", "text": "The number is 0422-11-2233."},
        headers=EN,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Thank you. The association will check your correction." in page
    assert "Phone number: " in page
    assert 'data-testid="correction-state">Waiting for the association<' in page
    mine = resident.get("/life/corrections", headers=EN).get_data(as_text=True)
    assert "Sakura Clinic" in mine and "Waiting for the association" in mine


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_stored(app, client, make_place):
    place = make_place()
    response = client.post(f"/life/{place}/correct", data={"topic": "hours", "text": "x"})
    assert response.status_code == 302 and "/me/login" in response.headers["Location"]
    assert count(app) == 0
    assert "Log in to suggest a correction" in client.get(f"/life/{place}", headers=EN).text


def test_a_correction_needs_a_topic_and_a_text(app, make_place, make_resident, visitor_client):
    place = make_place()
    resident = visitor_client(make_resident())
    page = resident.post(f"/life/{place}/correct", data={"topic": "", "text": " "}, headers=EN)
    assert page.status_code == 400
    assert "Please choose what is wrong." in page.text
    assert "Please tell us what is wrong." in page.text
    japanese = resident.post(f"/life/{place}/correct", data={"topic": "hours", "text": ""})
    assert "何が違っているか" in japanese.text
    assert count(app) == 0


def test_a_hidden_place_takes_no_correction(app, make_place, make_resident, visitor_client):
    place = make_place(published=False)
    resident = visitor_client(make_resident())
    response = resident.post(f"/life/{place}/correct", data={"topic": "hours", "text": "x"})
    assert response.status_code == 404
    assert count(app) == 0


def test_others_do_not_see_a_residents_suggestion(suggested, make_resident, visitor_client):
    place, _resident, _correction = suggested
    other = visitor_client(make_resident())
    assert "Closed on Wednesdays" not in other.get(f"/life/{place}", headers=EN).text
    assert "Sakura Clinic" not in other.get("/life/corrections", headers=EN).text


@pytest.mark.parametrize("who", ["anonymous", "resident", "merchant"])
def test_only_the_association_answers(
    app, client, suggested, visitor_client, merchant_client, state_of, who
):
    _place, resident, correction = suggested
    asker = {
        "anonymous": client,
        "resident": visitor_client(resident),
        "merchant": merchant_client,
    }[who]
    response = asker.post(
        f"/admin/life/corrections/{correction}/answer",
        data={"accept": "y", "answer": "Done"},
    )
    assert response.status_code == 403
    assert state_of(correction) == ("pending", "")
    assert count(app, Notification) == 0
    assert asker.get("/admin/life/corrections").status_code in (302, 403)


def test_the_association_accepts_and_the_resident_is_told_in_their_language(
    app, suggested, admin_client, visitor_client, state_of
):
    place, resident, correction = suggested
    queue = admin_client.get("/admin/life/corrections", headers=EN).text
    assert "Closed on Wednesdays now." in queue
    response = admin_client.post(
        f"/admin/life/corrections/{correction}/answer",
        data={"accept": "y", "answer": "Thank you, the hours are corrected."},
    )
    assert response.status_code == 303
    assert state_of(correction) == ("accepted", "Thank you, the hours are corrected.")
    reader = visitor_client(resident)
    page = reader.get("/me/notifications", headers=EN).text
    assert "The association accepted your correction to “Sakura Clinic”" in page
    assert "Thank you, the hours are corrected." in reader.get(f"/life/{place}", headers=EN).text
    assert "商店会があなたの訂正" in reader.get("/me/notifications").text
    with app.app_context():
        told = db.session.scalar(select(Notification.id))
    opened = reader.get(f"/me/notifications/{told}/open")
    assert opened.headers["Location"].endswith(f"/life/{place}")


def test_a_decline_needs_a_reason_and_is_told(
    app, suggested, admin_client, visitor_client, state_of
):
    _place, resident, correction = suggested
    url = f"/admin/life/corrections/{correction}/answer"
    admin_client.post(url, data={"decline": "y", "answer": ""})
    assert state_of(correction) == ("pending", "")
    admin_client.post(url, data={"decline": "y", "answer": "The hours on the door say otherwise."})
    assert state_of(correction) == ("declined", "The hours on the door say otherwise.")
    page = visitor_client(resident).get("/me/notifications", headers=EN).text
    assert "The association declined your correction to “Sakura Clinic”" in page


def test_a_correction_is_answered_once(app, suggested, admin, state_of):
    _place, _resident, correction = suggested
    with app.app_context():
        row = db.session.get(LifeCorrection, correction)
        user = db.session.get(type(admin), admin.id)
        answer_correction(user, row, True, "")
        db.session.commit()
        with pytest.raises(LifeError) as refused:
            answer_correction(user, row, False, "no")
        assert refused.value.code == "already_answered"
        db.session.rollback()
    assert state_of(correction) == ("accepted", "")
    assert count(app, Notification) == 1
    assert CorrectionState.accepted.value == "accepted"


def test_answers_sent_at_once_decide_once(app, suggested, auth, make_user, race, state_of):
    """On PostgreSQL too: of four administrators answering together, one answer is kept and
    the resident is told once."""
    from rally.auth.models import Role

    _place, _resident, correction = suggested
    clients = [auth.new_client(make_user(role=Role.admin)) for _ in range(4)]
    answers = [("accept", "Fixed"), ("decline", "No"), ("accept", "Done"), ("decline", "Nope")]

    def prepare(index):
        button, text = answers[index]
        url = f"/admin/life/corrections/{correction}/answer"
        return lambda: clients[index].post(url, data={button: "y", "answer": text}).status_code

    assert race(4, prepare) == [303] * 4
    state, answer = state_of(correction)
    assert (state, answer) in {("accepted", "Fixed"), ("declined", "No"),
                               ("accepted", "Done"), ("declined", "Nope")}  # fmt: skip
    assert count(app, Notification) == 1
