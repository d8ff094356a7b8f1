"""The "open now" rule, in the district's local time."""

from datetime import datetime, time

from rally.stores.hours import StoreHours, is_open

MONDAY = datetime(2026, 11, 23)  # a Monday


def hours(*rows):
    return [StoreHours(weekday=w, opens=o, closes=c) for w, o, c in rows]


def test_no_structured_hours_means_unknown():
    assert is_open([], MONDAY) is None


def test_open_inside_the_interval_closed_outside():
    week = hours((0, time(10), time(19)))
    assert is_open(week, MONDAY.replace(hour=10)) is True
    assert is_open(week, MONDAY.replace(hour=18, minute=59)) is True
    assert is_open(week, MONDAY.replace(hour=19)) is False
    assert is_open(week, MONDAY.replace(hour=9, minute=59)) is False


def test_closed_on_a_day_without_hours():
    assert is_open(hours((0, time(10), time(19))), datetime(2026, 11, 24, 12)) is False


def test_hours_past_midnight_count_on_the_next_morning():
    week = hours((0, time(17), time(1)))  # Monday 17:00 to Tuesday 01:00
    assert is_open(week, MONDAY.replace(hour=23)) is True
    assert is_open(week, datetime(2026, 11, 24, 0, 30)) is True
    assert is_open(week, datetime(2026, 11, 24, 1, 0)) is False
    assert is_open(week, MONDAY.replace(hour=0, minute=30)) is False  # Sunday night: closed


def test_split_day():
    week = hours((0, time(11), time(14)), (0, time(17), time(22)))
    assert is_open(week, MONDAY.replace(hour=15)) is False
    assert is_open(week, MONDAY.replace(hour=18)) is True


def test_store_page_uses_the_district_time_zone(app, client, make_store):
    """02:00 UTC is 11:00 in Tokyo: a shop open 10-12 local is open, whatever the server zone."""
    from unittest import mock

    from rally.extensions import db

    store_id = make_store()
    with app.app_context():
        for weekday in range(7):
            db.session.add(
                StoreHours(store_id=store_id, weekday=weekday, opens=time(10), closes=time(12))
            )
        db.session.commit()
    with mock.patch("rally.site.directory.utcnow", return_value=datetime(2026, 11, 23, 2)):
        html = client.get(f"/stores/{store_id}", headers={"Accept-Language": "en"}).get_data(
            as_text=True
        )
    assert "Open now" in html
    with mock.patch("rally.site.directory.utcnow", return_value=datetime(2026, 11, 23, 11)):
        html = client.get(f"/stores/{store_id}", headers={"Accept-Language": "en"}).get_data(
            as_text=True
        )
    assert "Closed now" in html


def test_store_page_lists_every_day_with_days_off(app, client, make_store):
    from rally.extensions import db

    store_id = make_store()
    with app.app_context():
        for weekday in range(6):  # Monday to Saturday; Sunday off
            db.session.add(
                StoreHours(store_id=store_id, weekday=weekday, opens=time(10), closes=time(19))
            )
        db.session.add(StoreHours(store_id=store_id, weekday=2, opens=time(20), closes=time(22)))
        db.session.commit()
    html = client.get(f"/stores/{store_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    table = html.split('<table class="hours">', 1)[1].split("</table>", 1)[0]
    assert table.count('<th scope="row">') == 7
    assert "Wednesday</th>\n                <td>10:00–19:00, 20:00–22:00</td>" in table
    assert "Sunday</th>\n                <td>Closed</td>" in table
    japanese = client.get(f"/stores/{store_id}").get_data(as_text=True)
    assert "日曜日</th>\n                <td>定休日</td>" in japanese


def test_store_with_only_a_name_has_no_empty_visit_section(client, make_store):
    store_id = make_store(address_ja="", address_en="")
    html = client.get(f"/stores/{store_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert 'id="visit-heading"' not in html
    with_address = make_store()
    html = client.get(f"/stores/{with_address}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert 'id="visit-heading"' in html


def _week(**days):
    """Form data: every day closed except ``days`` = {"0": ("10:00", "19:00"), ...}."""
    data = {}
    for weekday, (opens, closes) in days.items():
        index = int(weekday.lstrip("d"))
        data[f"open_{index}"] = "y"
        data[f"opens_{index}"] = opens
        data[f"closes_{index}"] = closes
    return data


def test_merchant_sets_the_weekly_hours_of_their_store(app, client, make_user, make_store, auth):
    from rally.extensions import db

    merchant = make_user()
    auth.login(merchant)
    store_id = make_store(owner_id=merchant.id)
    response = client.post(
        f"/manage/hours/{store_id}", data=_week(d0=("10:00", "19:00"), d4=("17:00", "01:00"))
    )
    assert response.status_code == 303
    with app.app_context():
        rows = db.session.query(StoreHours).order_by(StoreHours.weekday).all()
        assert [(r.weekday, r.opens, r.closes) for r in rows] == [
            (0, time(10), time(19)),
            (4, time(17), time(1)),
        ]
    form = client.get(f"/manage/hours/{store_id}").get_data(as_text=True)
    assert 'value="17:00"' in form


def test_merchant_cannot_set_hours_of_another_store(client, make_user, make_store, auth):
    auth.login(make_user())
    store_id = make_store(owner_id=make_user().id)
    assert client.get(f"/manage/hours/{store_id}").status_code == 403
    assert client.post(f"/manage/hours/{store_id}", data=_week()).status_code == 403


def test_stores_to_set_hours_for_page(client, make_user, make_store, auth):
    from rally.auth.models import Role

    auth.login(make_user(role=Role.admin))  # the association sets hours for every store
    for n in range(21):
        make_store(name_ja=f"店{n:02d}", name_en=f"Shop {n:02d}")
    first = client.get("/manage/hours", headers={"Accept-Language": "en"}).get_data(True)
    second = client.get("/manage/hours?page=2", headers={"Accept-Language": "en"})
    second = second.get_data(True)
    assert first.count('href="/manage/hours/') == 20 and "Shop 20" not in first
    assert 'rel="next" href="/manage/hours?page=2"' in first
    assert second.count('href="/manage/hours/') == 1 and "Shop 20" in second
    assert "Page 2 of 2" in second


def test_hours_operation_refuses_another_merchant(app, make_user, make_store):
    import pytest

    from rally.extensions import db
    from rally.stores.hours import HoursError, set_weekly_hours
    from rally.stores.models import Store

    intruder = make_user()
    store_id = make_store(owner_id=make_user().id)
    with app.app_context():
        with pytest.raises(HoursError) as error:
            set_weekly_hours(intruder, db.session.get(Store, store_id), {0: None})
        assert error.value.code == "not_your_store"


def test_same_opening_and_closing_time_is_refused(app, make_user, make_store):
    import pytest

    from rally.extensions import db
    from rally.stores.hours import HoursError, set_weekly_hours
    from rally.stores.models import Store

    owner = make_user()
    store_id = make_store(owner_id=owner.id)
    with app.app_context():
        with pytest.raises(HoursError) as error:
            set_weekly_hours(owner, db.session.get(Store, store_id), {0: (time(10), time(10))})
        assert error.value.code == "invalid_hours"


def test_an_open_day_needs_both_times(app, client, make_user, make_store, auth):
    merchant = make_user()
    auth.login(merchant)
    store_id = make_store(owner_id=merchant.id)
    response = client.post(f"/manage/hours/{store_id}", data={"open_0": "y"})
    assert response.status_code == 400
