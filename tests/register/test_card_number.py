"""Add stamps to a card by its number: paper cards, visitors whose camera fails."""

import pytest
from sqlalchemy import func, select

from rally.campaigns.models import Checkpoint
from rally.cards.models import Card, Stamp, card_number
from rally.cards.reading import open_card
from rally.extensions import db
from rally.register import operations
from rally.utils import utcnow


def full_width(text: str) -> str:
    """``text`` as a Japanese phone's keyboard types it: ASCII becomes full-width."""
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


def new_card(app) -> str:
    with app.app_context():
        card = open_card(None)
        db.session.commit()
        return card.number


def stamps(app):
    with app.app_context():
        return list(db.session.scalars(select(Stamp)))


def test_look_up_and_add_two_stamps(app, staff, purchase_shop):
    number = new_card(app)
    page = staff.get(f"/register/{purchase_shop.checkpoint_id}", query_string={"code": number})
    assert page.status_code == 200
    assert 'data-testid="card-found"' in page.get_data(as_text=True)
    response = staff.post(
        f"/register/{purchase_shop.checkpoint_id}/card", data={"number": number, "count": 2}
    )
    assert response.status_code == 303
    [stamp] = stamps(app)
    assert (stamp.count, stamp.granted_by_id) == (2, purchase_shop.merchant.id)


def test_number_as_printed_with_a_hyphen(app, staff, purchase_shop):
    number = new_card(app)
    page = staff.get(
        f"/register/{purchase_shop.checkpoint_id}",
        query_string={"code": f"{number[:-1]}-{number[-1]}"},
    )
    assert 'data-testid="card-found"' in page.get_data(as_text=True)


def test_typo_in_the_number_is_caught(app, staff, purchase_shop):
    number = new_card(app)
    typo = number[:-2] + str((int(number[-2]) + 1) % 10) + number[-1]
    page = staff.get(f"/register/{purchase_shop.checkpoint_id}", query_string={"code": typo})
    assert page.status_code == 422
    assert 'data-testid="card-found"' not in page.get_data(as_text=True)
    response = staff.post(
        f"/register/{purchase_shop.checkpoint_id}/card", data={"number": typo, "count": 1}
    )
    assert response.status_code == 422
    assert 'data-code="invalid_card_number"' in response.get_data(as_text=True)
    assert stamps(app) == []


def test_unknown_card(ctx):
    try:
        operations.card_by_number(card_number(424242))
    except operations.RegisterError as error:
        assert error.code == "unknown_card"
    else:
        raise AssertionError("unknown card accepted")


def test_beyond_the_limit_nothing_is_saved(app, staff, purchase_shop):
    number = new_card(app)
    response = staff.post(
        f"/register/{purchase_shop.checkpoint_id}/card", data={"number": number, "count": 3}
    )
    assert response.status_code == 400  # not a choice the rule offers
    with app.app_context():
        card = db.session.get(Card, int(number[:-1]))
        checkpoint = db.session.get(Checkpoint, purchase_shop.checkpoint_id)
        try:
            operations.add_stamps(card, checkpoint, 3, purchase_shop.merchant, utcnow())
        except operations.StampError as error:
            assert error.code == "too_many_stamps"
        else:
            raise AssertionError("3 stamps given")
        db.session.rollback()
    assert stamps(app) == []


def test_visit_campaign_one_stamp_then_notice(app, make_user, visit_shop, auth):
    staff = auth.new_client(visit_shop.merchant)
    number = new_card(app)
    url = f"/register/{visit_shop.checkpoint_id}/card"
    assert staff.post(url, data={"number": number, "count": 1}).status_code == 303
    again = staff.post(
        url,
        data={"number": number, "count": 1},
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert again.status_code == 200
    assert "already has this stamp" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stamp)) == 1


@pytest.mark.parametrize("card_id", [2**31, 2**63, 10**40])
def test_a_number_past_any_card_id_is_refused(ctx, card_id):
    """Such a number made the database refuse the look-up (a 500)."""
    with pytest.raises(operations.RegisterError) as refused:
        operations.card_by_number(card_number(card_id))
    assert refused.value.code == "invalid_card_number"


def test_only_ascii_digits_count_in_a_number(ctx):
    """``"²".isdigit()`` is true but ``int("²")`` fails."""
    with pytest.raises(operations.RegisterError) as refused:
        operations.card_by_number("12²3")
    assert refused.value.code == "invalid_card_number"


def test_number_typed_in_full_width(app, staff, purchase_shop):
    number = new_card(app)
    typed = full_width(f"{number[:-1]}-{number[-1]}")
    page = staff.get(f"/register/{purchase_shop.checkpoint_id}", query_string={"code": typed})
    assert page.status_code == 200
    assert 'data-testid="card-found"' in page.text
    response = staff.post(
        f"/register/{purchase_shop.checkpoint_id}/card", data={"number": typed, "count": 1}
    )
    assert response.status_code == 303
    assert len(stamps(app)) == 1
