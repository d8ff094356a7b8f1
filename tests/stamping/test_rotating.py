"""Rotating codes on the merchant's tablet: a photo of the code soon stops working."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rally.auth.models import Role
from rally.campaigns.models import Campaign, Checkpoint, QrMode
from rally.cards.models import Stamp
from rally.extensions import db
from rally.stamping.operations import StampError, resolve_checkpoint
from rally.stamping.tokens import STEP_SECONDS, rotating_token, time_step
from rally.utils import utcnow


@pytest.fixture
def rotating_campaign(app, make_campaign):
    campaign_id, checkpoints = make_campaign()
    with app.app_context():
        db.session.get(Campaign, campaign_id).qr_mode = QrMode.rotating
        db.session.commit()
    return campaign_id, checkpoints


def token_for(checkpoint_id, steps_ago):
    checkpoint = db.session.get(Checkpoint, checkpoint_id)
    return rotating_token(checkpoint, time_step(utcnow()) - steps_ago)


@pytest.mark.parametrize("steps_ago", [0, 1])
def test_current_and_previous_step_accepted(app, ctx, rotating_campaign, steps_ago):
    _, checkpoints = rotating_campaign
    checkpoint = resolve_checkpoint(token_for(checkpoints[0], steps_ago), utcnow())
    assert checkpoint.id == checkpoints[0]


@pytest.mark.parametrize("steps_ago", [2, 3, 2880])
def test_older_steps_refused_as_expired(app, ctx, rotating_campaign, steps_ago):
    _, checkpoints = rotating_campaign
    with pytest.raises(StampError) as info:
        resolve_checkpoint(token_for(checkpoints[0], steps_ago), utcnow())
    assert info.value.code == "token_expired"


def test_previous_step_expires_a_minute_later(app, ctx, rotating_campaign):
    _, checkpoints = rotating_campaign
    token = token_for(checkpoints[0], 0)
    later = utcnow() + timedelta(seconds=2 * STEP_SECONDS)
    with pytest.raises(StampError) as info:
        resolve_checkpoint(token, later)
    assert info.value.code == "token_expired"


def test_printed_code_refused_in_rotating_campaign(app, client, rotating_campaign, stamp_path):
    _, checkpoints = rotating_campaign
    response = client.get(stamp_path(checkpoints[0]))
    assert response.status_code == 403
    assert 'data-code="rotating_code_required"' in response.get_data(as_text=True)


def test_expired_code_page_is_translated(app, client, rotating_campaign):
    _, checkpoints = rotating_campaign
    with app.app_context():
        token = token_for(checkpoints[0], 3)
    response = client.get(f"/s/{token}", headers={"Accept-Language": "en"})
    assert response.status_code == 410
    assert "This code has expired" in response.get_data(as_text=True)


def test_tablet_page_shows_a_scannable_current_code(
    app, client, make_user, rotating_campaign, auth
):
    _, checkpoints = rotating_campaign
    auth.login(make_user(role=Role.admin))
    response = client.get(f"/checkpoints/{checkpoints[0]}/tablet")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    refresh = int(html.split('http-equiv="refresh" content="', 1)[1].split('"', 1)[0])
    assert 1 <= refresh <= STEP_SECONDS
    url = html.split('data-url="', 1)[1].split('"', 1)[0]
    visitor = app.test_client()
    assert visitor.get(url.removeprefix("http://rally.test")).status_code == 303


def test_tablet_is_a_kiosk_that_says_how_its_code_behaves(
    app, client, make_user, make_campaign, auth
):
    _, rotating = make_campaign(stores=1, qr_mode=QrMode.rotating)
    _, printed = make_campaign(stores=1)
    auth.login(make_user(role=Role.admin))
    en = {"Accept-Language": "en"}
    html = client.get(f"/checkpoints/{rotating[0]}/tablet", headers=en).get_data(as_text=True)
    # Visitors facing the tablet get no menu and no way to the back office or to log out.
    assert "Log out" not in html and "<nav" not in html and "Back office" not in html
    assert "The code changes every 30 seconds." in html
    assert "printed posters" not in html
    html = client.get(f"/checkpoints/{printed[0]}/tablet", headers=en).get_data(as_text=True)
    assert "This campaign uses printed posters; this code does not change." in html
    assert "30 seconds" not in html
    assert "Scan with your phone's camera to collect the stamp." in html


def test_tablet_is_for_the_shop_only(app, client, make_user, rotating_campaign, auth):
    _, checkpoints = rotating_campaign
    auth.login(make_user())
    assert client.get(f"/checkpoints/{checkpoints[0]}/tablet").status_code == 403


# --- A posted answer or location: the late allowance is for a page this code opened -------

LATE = timedelta(seconds=95)  # a code photographed and posted 95 s later: 3 to 4 steps old


@pytest.fixture
def rotating_quiz(app, rotating_campaign):
    """A rotating campaign whose first checkpoint asks a quiz (its POST is the stamp)."""
    _, checkpoints = rotating_campaign
    with app.app_context():
        checkpoint = db.session.get(Checkpoint, checkpoints[0])
        checkpoint.quiz_question["en"] = checkpoint.quiz_question["ja"] = "Colour?"
        checkpoint.quiz_choices["en"] = checkpoint.quiz_choices["ja"] = "Red\nBlue"
        checkpoint.quiz_answer = 2
        db.session.commit()
    return checkpoints


def stamps_at(app, checkpoint_id):
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Stamp).where(Stamp.checkpoint_id == checkpoint_id)
        )


def scan_form_of(page) -> str:
    match = re.search(r'name="scan_form" value="([^"]+)"', page.get_data(as_text=True))
    assert match, "the page carries no scan form token"
    return match.group(1)


def current_token(app, checkpoint_id):
    with app.app_context():
        return token_for(checkpoint_id, 0)


def test_an_answer_posted_minutes_after_the_page_opened_still_stamps(
    app, client, rotating_quiz, monkeypatch
):
    token = current_token(app, rotating_quiz[0])
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    monkeypatch.setattr("rally.stamping.views.utcnow", lambda: utcnow() + LATE)
    response = client.post(f"/s/{token}", data={"answer": 2, "scan_form": scan_form_of(page)})
    assert response.status_code == 303
    assert stamps_at(app, rotating_quiz[0]) == 1


def test_a_direct_post_of_a_photographed_code_is_refused_as_expired(
    app, client, rotating_quiz, monkeypatch
):
    token = current_token(app, rotating_quiz[0])
    monkeypatch.setattr("rally.stamping.views.utcnow", lambda: utcnow() + LATE)
    assert client.get(f"/s/{token}").status_code == 410
    response = client.post(f"/s/{token}", data={"answer": 2})
    assert response.status_code == 410
    assert 'data-code="token_expired"' in response.get_data(as_text=True)
    assert stamps_at(app, rotating_quiz[0]) == 0


def test_the_page_of_another_code_gives_no_late_allowance(app, client, rotating_quiz, monkeypatch):
    """The form token is bound to the code: a page opened at another shop does not carry
    a photographed code over its expiry."""
    with app.app_context():
        other = db.session.get(Checkpoint, rotating_quiz[1])
        other.quiz_question["en"] = other.quiz_question["ja"] = "Colour?"
        other.quiz_choices["en"] = other.quiz_choices["ja"] = "Red\nBlue"
        other.quiz_answer = 1
        db.session.commit()
    photographed = current_token(app, rotating_quiz[0])
    page = client.get(f"/s/{current_token(app, rotating_quiz[1])}")
    monkeypatch.setattr("rally.stamping.views.utcnow", lambda: utcnow() + LATE)
    response = client.post(
        f"/s/{photographed}", data={"answer": 2, "scan_form": scan_form_of(page)}
    )
    assert response.status_code == 410
    assert stamps_at(app, rotating_quiz[0]) == 0


def test_the_page_opened_for_another_card_gives_no_late_allowance(
    app, client, rotating_quiz, monkeypatch
):
    """Bound to the card too: a page passed to another phone is that phone's plain scan."""
    token = current_token(app, rotating_quiz[0])
    holder = app.test_client()
    holder.get(f"/s/{current_token(app, rotating_quiz[1])}")  # this phone has a card now
    assert holder.get_cookie("rally_card") is not None
    page = holder.get(f"/s/{token}")
    monkeypatch.setattr("rally.stamping.views.utcnow", lambda: utcnow() + LATE)
    response = client.post(f"/s/{token}", data={"answer": 2, "scan_form": scan_form_of(page)})
    assert response.status_code == 410
    assert stamps_at(app, rotating_quiz[0]) == 0


def test_a_scan_form_token_lasts_five_minutes_for_its_code_and_card(ctx):
    from rally.stamping.tokens import scan_form_token, scan_form_valid

    now = utcnow().replace(microsecond=0)  # the token counts whole seconds
    form = scan_form_token("code-token", "card-key", now)
    assert scan_form_valid(form, "code-token", "card-key", now + timedelta(minutes=5))
    assert not scan_form_valid(
        form, "code-token", "card-key", now + timedelta(minutes=5, seconds=1)
    )
    assert not scan_form_valid(form, "other-token", "card-key", now)
    assert not scan_form_valid(form, "code-token", None, now)
    assert not scan_form_valid(form[:-2] + "xx", "code-token", "card-key", now)
    assert not scan_form_valid(None, "code-token", "card-key", now)
