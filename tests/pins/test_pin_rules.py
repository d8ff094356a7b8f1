"""The venue PIN: derived per checkpoint and local day, rotating at local midnight."""

from datetime import date, datetime

import pytest

from rally.campaigns.lifecycle import rotate_checkpoint_key
from rally.campaigns.models import Checkpoint
from rally.extensions import db
from rally.pins import operations
from rally.stamping.operations import StampError

# 2026-11-23 23:59 in Tokyo is 14:59 UTC; local midnight is 15:00 UTC.
BEFORE_MIDNIGHT = datetime(2026, 11, 23, 14, 59)
AFTER_MIDNIGHT = datetime(2026, 11, 23, 15, 9, 59)
GRACE_OVER = datetime(2026, 11, 23, 15, 10)


@pytest.fixture
def checkpoint(ctx, make_campaign):
    _, checkpoints = make_campaign(stores=1)
    return db.session.get(Checkpoint, checkpoints[0])


def test_pin_is_four_digits_and_same_all_day(checkpoint):
    morning = operations.todays_pin(checkpoint, datetime(2026, 11, 22, 15, 0))  # 00:00 JST
    evening = operations.todays_pin(checkpoint, BEFORE_MIDNIGHT)
    assert morning == evening
    assert len(morning) == 4 and morning.isdigit()


def test_pin_matches_the_documented_hmac(app, checkpoint):
    import hashlib
    import hmac

    message = f"pin:{checkpoint.id}:1:2026-11-23".encode()
    digest = hmac.new(b"test-secret", message, hashlib.sha256).digest()
    expected = f"{int.from_bytes(digest, 'big') % 10000:04d}"
    assert operations.venue_pin(checkpoint, date(2026, 11, 23)) == expected


def test_pin_follows_the_district_day_not_utc(checkpoint):
    # 16:00 UTC on the 23rd is already the 24th in Tokyo.
    assert operations.todays_pin(checkpoint, datetime(2026, 11, 23, 16, 0)) == (
        operations.venue_pin(checkpoint, date(2026, 11, 24))
    )


def test_pin_changes_the_next_day(checkpoint):
    days = [operations.venue_pin(checkpoint, date(2026, 11, d)) for d in range(1, 31)]
    # Four digits may repeat by chance on some day, not on most of them.
    assert sum(a != b for a, b in zip(days, days[1:], strict=False)) >= 27


def test_pin_differs_between_checkpoints(ctx, make_campaign):
    _, checkpoints = make_campaign(stores=10)
    day = date(2026, 11, 23)
    pins = {operations.venue_pin(db.session.get(Checkpoint, cp), day) for cp in checkpoints}
    assert len(pins) >= 8


def test_rotating_the_key_changes_the_pin(checkpoint):
    before = operations.todays_pin(checkpoint, BEFORE_MIDNIGHT)
    rotate_checkpoint_key(checkpoint)
    assert operations.todays_pin(checkpoint, BEFORE_MIDNIGHT) != before
    with pytest.raises(StampError) as info:
        operations.check_pin(checkpoint, before, BEFORE_MIDNIGHT)
    assert info.value.code == "wrong_pin"


def test_wrong_pin_is_refused(checkpoint):
    good = operations.todays_pin(checkpoint, BEFORE_MIDNIGHT)
    wrong = f"{(int(good) + 1) % 10000:04d}"
    operations.check_pin(checkpoint, good, BEFORE_MIDNIGHT)
    with pytest.raises(StampError) as info:
        operations.check_pin(checkpoint, wrong, BEFORE_MIDNIGHT)
    assert info.value.code == "wrong_pin"


def test_yesterdays_pin_counts_for_ten_minutes_after_midnight(checkpoint):
    yesterday = operations.venue_pin(checkpoint, date(2026, 11, 23))
    today = operations.venue_pin(checkpoint, date(2026, 11, 24))
    assert yesterday != today  # fixed secret and id: the PINs of these days differ
    operations.check_pin(checkpoint, yesterday, AFTER_MIDNIGHT)
    operations.check_pin(checkpoint, today, AFTER_MIDNIGHT)
    with pytest.raises(StampError) as info:
        operations.check_pin(checkpoint, yesterday, GRACE_OVER)
    assert info.value.code == "wrong_pin"


def test_tomorrows_pin_is_not_accepted_before_midnight(checkpoint):
    today = operations.venue_pin(checkpoint, date(2026, 11, 23))
    tomorrow = operations.venue_pin(checkpoint, date(2026, 11, 24))
    assert today != tomorrow
    with pytest.raises(StampError) as info:
        operations.check_pin(checkpoint, tomorrow, BEFORE_MIDNIGHT)
    assert info.value.code == "wrong_pin"


@pytest.fixture
def tablet_checkpoint(ctx, make_campaign):
    from rally.campaigns.models import QrMode

    _, checkpoints = make_campaign(stores=1, qr_mode=QrMode.rotating)
    return db.session.get(Checkpoint, checkpoints[0])


def test_in_a_rotating_code_campaign_the_pin_lasts_minutes(tablet_checkpoint):
    """A PIN passed on beyond the shop stops working, as a photographed code does."""
    start = datetime(2026, 11, 23, 3, 0)  # the start of a ten-minute window
    told = operations.todays_pin(tablet_checkpoint, start)
    minutes = operations.PIN_WINDOW
    assert operations.todays_pin(tablet_checkpoint, start + minutes * 0.9) == told
    operations.check_pin(tablet_checkpoint, told, start + minutes * 1.5)  # the previous one
    with pytest.raises(StampError) as refused:
        operations.check_pin(tablet_checkpoint, told, start + minutes * 2)
    assert refused.value.code == "wrong_pin"
    assert operations.pin_changes_at(tablet_checkpoint, start) == start + minutes


def test_the_staff_page_says_when_a_rotating_pin_changes(app, make_user, make_campaign, auth):
    from rally.auth.models import Role
    from rally.campaigns.models import QrMode

    _, checkpoints = make_campaign(stores=1, qr_mode=QrMode.rotating)
    client = auth.new_client(make_user(role=Role.admin))
    page = client.get(f"/checkpoints/{checkpoints[0]}/pin", headers={"Accept-Language": "en"})
    assert "the PIN changes every 10 minutes" in page.text
    assert "until midnight" not in page.text
