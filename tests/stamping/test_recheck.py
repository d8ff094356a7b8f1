"""Repeat check-ins: once per day (the district's day) or again after some hours."""

from datetime import datetime, timedelta

import pytest

from rally.campaigns.models import Recheck
from rally.campaigns.progress import card_progress
from rally.extensions import db
from rally.stamping.operations import StampError, grant_stamp
from tests.conftest import campaign_of, checkpoint

# 23:59 in Tokyo on 1 December 2026 is 14:59 UTC.
LATE_EVENING = datetime(2026, 12, 1, 14, 59)
TOKYO_MIDNIGHT = datetime(2026, 12, 1, 15, 0)


@pytest.fixture
def recheck_campaign(make_campaign):
    def make(**kw):
        return make_campaign(stores=1, starts=-400, ends=400, **kw)

    return make


def test_daily_refuses_until_midnight_in_tokyo(ctx, recheck_campaign, new_card):
    campaign_id, (checkpoint_id,) = recheck_campaign(recheck=Recheck.daily)
    card = new_card()
    grant_stamp(card, checkpoint(checkpoint_id), LATE_EVENING)
    with pytest.raises(StampError) as info:
        grant_stamp(card, checkpoint(checkpoint_id), TOKYO_MIDNIGHT - timedelta(seconds=1))
    assert info.value.code == "checked_in_recently"
    assert info.value.next_at == TOKYO_MIDNIGHT
    again = grant_stamp(card, checkpoint(checkpoint_id), TOKYO_MIDNIGHT)
    assert again.slot == 1
    assert card_progress(card, campaign_of(campaign_id)).counts == {checkpoint_id: 2}


def test_daily_allows_one_per_day_even_early_morning(ctx, recheck_campaign, new_card):
    campaign_id, (checkpoint_id,) = recheck_campaign(recheck=Recheck.daily)
    card = new_card()
    grant_stamp(card, checkpoint(checkpoint_id), TOKYO_MIDNIGHT)  # 00:00 Tokyo
    with pytest.raises(StampError) as info:
        grant_stamp(
            card, checkpoint(checkpoint_id), TOKYO_MIDNIGHT + timedelta(hours=23, minutes=59)
        )
    assert info.value.code == "checked_in_recently"


def test_hours_interval_at_the_boundary(ctx, recheck_campaign, new_card):
    campaign_id, (checkpoint_id,) = recheck_campaign(recheck=Recheck.hours, recheck_hours=3)
    card = new_card()
    first = LATE_EVENING
    grant_stamp(card, checkpoint(checkpoint_id), first)
    with pytest.raises(StampError) as info:
        grant_stamp(card, checkpoint(checkpoint_id), first + timedelta(hours=3, seconds=-1))
    assert info.value.code == "checked_in_recently"
    assert grant_stamp(card, checkpoint(checkpoint_id), first + timedelta(hours=3)).slot == 1


def test_once_means_once(ctx, recheck_campaign, new_card):
    campaign_id, (checkpoint_id,) = recheck_campaign()
    card = new_card()
    grant_stamp(card, checkpoint(checkpoint_id), LATE_EVENING)
    with pytest.raises(StampError) as info:
        grant_stamp(card, checkpoint(checkpoint_id), LATE_EVENING + timedelta(days=3))
    assert info.value.code == "already_stamped"


def test_scan_too_soon_shows_when_to_come_back(app, client, recheck_campaign, stamp_path):
    campaign_id, (checkpoint_id,) = recheck_campaign(recheck=Recheck.hours, recheck_hours=2)
    assert client.get(stamp_path(checkpoint_id)).status_code == 303
    response = client.get(stamp_path(checkpoint_id), headers={"Accept-Language": "en"})
    assert response.status_code == 303
    assert "again=" in response.location
    page = client.get(response.location, headers={"Accept-Language": "en"}).text
    assert "You can collect its stamp again from" in page
    with app.app_context():
        from rally.cards.models import Stamp

        assert db.session.scalar(db.select(db.func.count()).select_from(Stamp)) == 1


def test_simultaneous_repeat_check_ins_give_one_new_stamp(app, recheck_campaign, stamp_path, race):
    from datetime import timedelta as hours_ago

    from rally.cards.models import Stamp

    campaign_id, (checkpoint_id,) = recheck_campaign(recheck=Recheck.hours, recheck_hours=1)
    first = app.test_client()
    assert first.get(stamp_path(checkpoint_id)).status_code == 303
    with app.app_context():
        stamp = db.session.scalar(db.select(Stamp))
        stamp.created_at -= hours_ago(hours=2)  # the interval has passed
        db.session.commit()
    cookie = first.get_cookie("rally_card").value
    target = stamp_path(checkpoint_id)

    def scan(_):
        client = app.test_client()
        client.set_cookie("rally_card", cookie, domain="localhost")
        return lambda: client.get(target).status_code

    assert race(16, scan) == [303] * 16
    with app.app_context():
        slots = sorted(db.session.scalars(db.select(Stamp.slot)))
    assert slots == [0, 1]
