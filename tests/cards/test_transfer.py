"""Moving a card to another phone: one-time code, never a silent merge."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rally.cards import operations
from rally.cards.models import Card, Stamp
from rally.extensions import db
from rally.utils import utcnow


def full_width(text: str) -> str:
    """``text`` as a Japanese phone's keyboard types it: ASCII becomes full-width."""
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


def test_code_moves_the_card_and_old_phone_loses_it(app, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    old_phone, new_phone = app.test_client(), app.test_client()
    old_phone.get(stamp_path(checkpoints[0]))
    page = old_phone.post("/card/keep", headers={"Accept-Language": "en"}).get_data(as_text=True)
    code = page.split('data-testid="transfer-code">', 1)[1].split("<", 1)[0]
    assert len(code) == 9

    form = new_phone.get(f"/card/receive?code={code}").get_data(as_text=True)
    assert code in form  # the scanned link fills the code in; nothing moved yet
    response = new_phone.post("/card/receive", data={"code": code})
    assert response.status_code == 303
    html = new_phone.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "1 of 3 stamps collected" in html
    html = old_phone.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "0 of 3 stamps collected" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Card)) == 1


def test_code_works_once(app, ctx, make_campaign):
    card = Card()
    db.session.add(card)
    db.session.flush()
    code = operations.start_transfer(card, utcnow())
    operations.complete_transfer(code, None, utcnow())
    with pytest.raises(operations.TransferError) as info:
        operations.complete_transfer(code, None, utcnow())
    assert info.value.code == "invalid_transfer_code"


def test_code_expires(app, ctx):
    card = Card()
    db.session.add(card)
    db.session.flush()
    now = utcnow()
    code = operations.start_transfer(card, now)
    with pytest.raises(operations.TransferError) as info:
        operations.complete_transfer(code, None, now + operations.TRANSFER_LIFETIME)
    assert info.value.code == "transfer_expired"
    operations.complete_transfer(
        code, None, now + operations.TRANSFER_LIFETIME - timedelta(seconds=1)
    )


def test_new_code_replaces_the_old_one(app, ctx):
    card = Card()
    db.session.add(card)
    db.session.flush()
    first = operations.start_transfer(card, utcnow())
    operations.start_transfer(card, utcnow())
    with pytest.raises(operations.TransferError) as info:
        operations.complete_transfer(first, None, utcnow())
    assert info.value.code == "transfer_expired"


def test_never_merges_silently(app, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    old_phone, new_phone = app.test_client(), app.test_client()
    old_phone.get(stamp_path(checkpoints[0]))
    new_phone.get(stamp_path(checkpoints[1]))
    code = (
        old_phone.post("/card/keep")
        .get_data(as_text=True)
        .split('data-testid="transfer-code">', 1)[1]
        .split("<", 1)[0]
    )
    refused = new_phone.post(
        "/card/receive", data={"code": code}, headers={"Accept-Language": "en"}
    )
    assert refused.status_code == 409
    assert "Cards are not merged" in refused.get_data(as_text=True)
    accepted = new_phone.post("/card/receive", data={"code": code, "replace": "y"})
    assert accepted.status_code == 303
    with app.app_context():
        # Both cards still exist with their own stamps: nothing was merged or lost.
        assert db.session.scalar(select(func.count()).select_from(Card)) == 2
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 2


def test_wrong_code_is_refused_kindly(client):
    response = client.post(
        "/card/receive", data={"code": "ZZZZ-ZZZZ"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 404
    assert "This transfer code is not valid" in response.get_data(as_text=True)


def test_the_old_phone_is_told_its_card_moved(app, make_campaign, stamp_path):
    campaign_id, checkpoints = make_campaign()
    old_phone, new_phone = app.test_client(), app.test_client()
    first = old_phone.get(stamp_path(checkpoints[0]))
    assert "moved" not in first.headers["Location"]  # a first scan starts a card, nothing moved
    page = old_phone.post("/card/keep", headers={"Accept-Language": "en"}).text
    code = page.split('data-testid="transfer-code">', 1)[1].split("<", 1)[0]
    new_phone.post("/card/receive", data={"code": code})
    english = {"Accept-Language": "en"}

    looked = old_phone.get(f"/card/{campaign_id}", headers=english).text
    assert 'data-testid="card-moved"' in looked
    scanned = old_phone.get(stamp_path(checkpoints[1]))
    assert "moved=1" in scanned.headers["Location"]
    card = old_phone.get(scanned.headers["Location"], headers=english).text
    assert "it was moved to another phone" in card
    assert "Your stamps here start a new card." in card
    # Afterwards the old phone holds its new card: no more notice.
    assert 'data-testid="card-moved"' not in old_phone.get(f"/card/{campaign_id}").text
    assert 'data-testid="card-moved"' not in new_phone.get(f"/card/{campaign_id}").text


@pytest.mark.parametrize("dash", ["\uff0d", "\u30fc", "\u2010"])  # －, ー, ‐
def test_a_code_typed_in_full_width_moves_the_card(app, make_campaign, stamp_path, dash):
    campaign_id, checkpoints = make_campaign()
    old_phone, new_phone = app.test_client(), app.test_client()
    old_phone.get(stamp_path(checkpoints[0]))
    page = old_phone.post("/card/keep", headers={"Accept-Language": "en"}).get_data(as_text=True)
    code = page.split('data-testid="transfer-code">', 1)[1].split("<", 1)[0]
    typed = full_width(code.lower()).replace("\uff0d", dash)

    response = new_phone.post("/card/receive", data={"code": typed})
    assert response.status_code == 303
    html = new_phone.get(f"/card/{campaign_id}", headers={"Accept-Language": "en"}).text
    assert "1 of 3 stamps collected" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Card)) == 1


def test_a_receive_form_with_errors_answers_422(app, client):
    response = client.post("/card/receive", data={"code": ""}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "Please enter the code." in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Card)) == 0
