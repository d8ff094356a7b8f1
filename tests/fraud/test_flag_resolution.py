"""A fraud flag is resolved once: voided or dismissed, never both, never twice."""

import pytest
from sqlalchemy import func, select

from rally.campaigns.models import Checkpoint
from rally.cards.models import Card, Stamp
from rally.errors import RallyError
from rally.extensions import db
from rally.fraud.checks import flag_no_location
from rally.fraud.models import FlagResolution, FraudFlag
from rally.fraud.review import dismiss_flag, void_card
from rally.stamping.operations import grant_stamp
from rally.utils import utcnow

from .test_fraud import flagged_card

EN = {"Accept-Language": "en"}
REFUSED = "This flag has already been resolved: nothing was changed."


def stamps_of_campaign(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Stamp))


def flag_state(app, flag_id):
    with app.app_context():
        flag = db.session.get(FraudFlag, flag_id)
        return flag.resolution, flag.stamps_voided


def test_a_dismissed_flag_cannot_be_voided(app, client, admin, make_campaign, auth):
    _, checkpoints = make_campaign()
    flag_id = flagged_card(app, checkpoints[:2])
    auth.login(admin)
    assert client.post(f"/manage/flags/{flag_id}/dismiss").status_code == 303
    response = client.post(f"/manage/flags/{flag_id}/void", headers=EN)
    assert response.status_code == 409
    assert REFUSED in response.get_data(as_text=True)
    assert stamps_of_campaign(app) == 2
    assert flag_state(app, flag_id) == (FlagResolution.dismissed, None)


def test_a_voided_flag_cannot_be_dismissed(app, client, admin, make_campaign, auth):
    _, checkpoints = make_campaign()
    flag_id = flagged_card(app, checkpoints[:2])
    auth.login(admin)
    assert client.post(f"/manage/flags/{flag_id}/void").status_code == 303
    response = client.post(f"/manage/flags/{flag_id}/dismiss", headers=EN)
    assert response.status_code == 409
    assert REFUSED in response.get_data(as_text=True)
    assert flag_state(app, flag_id) == (FlagResolution.voided, 2)


def test_a_second_void_keeps_the_stamps_collected_since(app, client, admin, make_campaign, auth):
    _, checkpoints = make_campaign()
    flag_id = flagged_card(app, checkpoints[:2])
    auth.login(admin)
    assert client.post(f"/manage/flags/{flag_id}/void").status_code == 303
    with app.app_context():
        card_id = db.session.get(FraudFlag, flag_id).card_id
        card = db.session.get(Card, card_id)
        grant_stamp(card, db.session.get(Checkpoint, checkpoints[2]), utcnow())
        db.session.commit()
    response = client.post(f"/manage/flags/{flag_id}/void", headers={"Accept-Language": "ja"})
    assert response.status_code == 409
    assert "このフラグはすでに処理済みです" in response.get_data(as_text=True)
    assert stamps_of_campaign(app) == 1
    assert flag_state(app, flag_id) == (FlagResolution.voided, 2)


@pytest.mark.parametrize("first", [void_card, dismiss_flag])
@pytest.mark.parametrize("second", [void_card, dismiss_flag])
def test_the_operations_refuse_a_resolved_flag(app, ctx, make_campaign, first, second):
    _, checkpoints = make_campaign()
    flag = db.session.get(FraudFlag, flagged_card(app, checkpoints[:1]))
    first(flag, utcnow())
    db.session.commit()
    with pytest.raises(RallyError) as refused:
        second(flag, utcnow())
    assert (refused.value.code, refused.value.status) == ("already_resolved", 409)


def test_a_void_resolves_the_other_open_flags_of_the_card_once(
    app, client, admin, make_campaign, auth
):
    """Voiding one flag settles the card's other open flag; that one then cannot be voided."""
    _, checkpoints = make_campaign()
    first = flagged_card(app, checkpoints[:2])
    with app.app_context():
        flag = db.session.get(FraudFlag, first)
        card = db.session.get(Card, flag.card_id)
        second = flag_no_location(
            db.session.get(Checkpoint, checkpoints[0]), card_id=card.id, now=utcnow()
        )
        db.session.commit()
        second = second.id
    auth.login(admin)
    assert client.post(f"/manage/flags/{first}/void").status_code == 303
    assert flag_state(app, second) == (FlagResolution.voided, 2)
    assert client.post(f"/manage/flags/{second}/void").status_code == 409


def test_simultaneous_voids_and_dismissals_resolve_a_flag_once(
    app, client, admin, make_campaign, race, auth
):
    _, checkpoints = make_campaign(tiers=(1,))
    flag_id = flagged_card(app, checkpoints[:3], claims=1)
    auth.login(admin)
    session_cookie = client.get_cookie("session").value

    def resolve(index):
        staff = app.test_client()
        staff.set_cookie("session", session_cookie, domain="localhost")
        action = "void" if index % 2 else "dismiss"
        return lambda: (action, staff.post(f"/manage/flags/{flag_id}/{action}").status_code)

    outcomes = race(32, resolve)
    winners = [action for action, status in outcomes if status == 303]
    assert len(winners) == 1
    assert sorted(status for _, status in outcomes) == [303] + [409] * 31
    resolution, stamps_voided = flag_state(app, flag_id)
    if winners == ["void"]:
        assert resolution is FlagResolution.voided
        assert (stamps_voided, stamps_of_campaign(app)) == (3, 0)
    else:
        assert resolution is FlagResolution.dismissed
        assert (stamps_voided, stamps_of_campaign(app)) == (None, 3)
